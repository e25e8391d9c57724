// The interface every workload (mining, inference, later GPU kernels) offers to the suite: a
// throttle it obeys, counters of work it has done, and a blocking run that stops on request.
#pragma once

#include <stop_token>
#include <string>

#include "joulebench/power/throttle.hpp"
#include "joulebench/power/work_counters.hpp"

namespace joulebench::power {

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
  /// Units completed so far, per worker; sampled concurrently with run().
  [[nodiscard]] virtual const WorkCounters& counters() const = 0;
  /// Works until `stop` is requested or the workload's own bound is reached.
  virtual void run(std::stop_token stop) = 0;
};

}  // namespace joulebench::power
