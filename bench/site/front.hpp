// The site's front: an inference model serving an open-loop request stream with dynamic
// batching (up to max_batch requests, waiting at most batch_wait for a batch to fill). It is in
// front: before each batch the back is told to yield, after it the back may run again. Latency
// is per request, from arrival to completion, so a request that waited counts its wait.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <stop_token>
#include <vector>

#include "joulebench/inference/model.hpp"

namespace joulebench::site {

struct Request {
  double arrival = 0;  ///< seconds from the phase start
  double start = -1;   ///< when its batch started computing
  double end = -1;     ///< completion; -1 while not served
  int batch = 0;       ///< size of the batch it was served in
  [[nodiscard]] bool served() const { return end >= 0; }
  [[nodiscard]] double latency_ms() const { return (end - arrival) * 1e3; }
};

struct FrontOptions {
  int max_batch = 8;
  double batch_wait_s = 0.002;
};

/// What the front tells the workload behind it.
struct Yield {
  std::function<void()> before_batch, after_batch;
};

class FrontServer {
 public:
  /// `workload` holds the model (its batch is the largest batch served) and the front's arena
  /// and throttle.
  FrontServer(inference::InferenceWorkload& workload, FrontOptions options);

  /// Serves `arrivals` (seconds from `start`) until all are done or `stop` fires; requests not
  /// served by then are returned unserved.
  std::vector<Request> serve(const std::vector<double>& arrivals, std::chrono::steady_clock::time_point start,
                             const Yield& yield, std::stop_token stop);
  /// Back-to-back full batches for `seconds`: requests/s the front can serve at most.
  double capacity(double seconds, std::stop_token stop);

  /// Workers computing right now (the arena's, less those parked by the throttle), 0 between
  /// batches: what the worker-activity power model reads at 1 kHz.
  [[nodiscard]] double busy_workers() const;
  /// Time spent in batches so far, seconds.
  [[nodiscard]] double busy_seconds() const { return busy_s_.load(); }

 private:
  inference::InferenceWorkload& workload_;
  const platform::ThrottleState& throttle_;
  FrontOptions options_;
  std::vector<float> input_, output_;
  std::atomic<bool> busy_{false};
  std::atomic<double> busy_s_{0};
};

}  // namespace joulebench::site
