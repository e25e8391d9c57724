// The interface every workload (mining, inference, later GPU kernels) offers to the suite: a
// throttle it obeys, counters of work it has done, and a blocking run that stops on request.
#pragma once

#include <stdexcept>
#include <stop_token>
#include <string>

#include "joulebench/platform/throttle.hpp"
#include "joulebench/platform/work_counters.hpp"

namespace joulebench::platform {

/// Thrown by long set-up work (building a large model) when its stop token fires, so a signal
/// is honoured before the first unit of work, not after minutes of preparation.
struct Cancelled : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Workload {
 public:
  virtual ~Workload() = default;
  /// Short name for tables and files ("sha256d", "ffn-b8-fp32").
  [[nodiscard]] virtual std::string name() const = 0;
  /// What one unit of work is ("hash", "inference").
  [[nodiscard]] virtual std::string unit() const = 0;
  /// Kernel variant in use, for disclosure.
  [[nodiscard]] virtual std::string kernel() const = 0;
  virtual ThrottleState& throttle() = 0;
  /// Work done so far, per worker, in the counters' own unit (hashes; flops for inference, so a
  /// 1 kHz sampler sees progress inside one inference); sampled concurrently with run().
  [[nodiscard]] virtual const WorkCounters& counters() const = 0;
  /// Counter units per unit of work (flops per inference; 1 for hashes).
  [[nodiscard]] virtual double counts_per_unit() const { return 1.0; }
  /// Workers that call throttle().await_turn (the throttle's worker count).
  [[nodiscard]] virtual std::size_t workers() const = 0;
  /// Works until `stop` is requested or the workload's own bound is reached.
  virtual void run(std::stop_token stop) = 0;
};

}  // namespace joulebench::platform
