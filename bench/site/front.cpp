// Dynamic batching over an open-loop stream.
#include "site/front.hpp"

#include <algorithm>
#include <thread>

namespace joulebench::site {

using clock = std::chrono::steady_clock;

FrontServer::FrontServer(inference::InferenceWorkload& workload, FrontOptions options)
    : workload_(workload),
      throttle_(workload.throttle()),
      options_(options),
      input_(workload.model().sample_input()),
      output_(static_cast<std::size_t>(workload.model().spec().batch) * workload.model().output_width()) {}

double FrontServer::busy_workers() const {
  if (!busy_.load(std::memory_order_relaxed)) return 0;
  return static_cast<double>(workload_.workers() - std::min(workload_.workers(), throttle_.parked()));
}

std::vector<Request> FrontServer::serve(const std::vector<double>& arrivals, clock::time_point start,
                                        const Yield& yield, std::stop_token stop) {
  std::vector<Request> requests(arrivals.size());
  for (std::size_t i = 0; i < arrivals.size(); ++i) requests[i].arrival = arrivals[i];
  const auto at = [&](double s) {
    return start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
  };
  const auto now_s = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
  std::size_t next = 0;  // first request not yet served (arrivals are in order, served in order)
  while (next < requests.size() && !stop.stop_requested()) {
    const double oldest = requests[next].arrival;
    if (now_s() < oldest) {
      std::this_thread::sleep_until(at(oldest));
      continue;
    }
    // Wait for the batch to fill, at most batch_wait after its oldest request arrived.
    const std::size_t full = std::min(requests.size(), next + static_cast<std::size_t>(options_.max_batch));
    std::size_t last = next;
    while (true) {
      const double t = now_s();
      while (last < full && requests[last].arrival <= t) ++last;
      if (last == full || t >= oldest + options_.batch_wait_s) break;
      const double wake = last < full ? std::min(requests[last].arrival, oldest + options_.batch_wait_s)
                                      : oldest + options_.batch_wait_s;
      std::this_thread::sleep_until(at(wake));
    }
    const int rows = static_cast<int>(last - next);
    if (yield.before_batch) yield.before_batch();
    busy_ = true;
    const auto t0 = clock::now();
    const bool done = workload_.forward(input_.data(), output_.data(), rows, stop);
    const auto t1 = clock::now();
    busy_ = false;
    busy_s_ = busy_s_.load() + std::chrono::duration<double>(t1 - t0).count();
    if (yield.after_batch) yield.after_batch();
    if (!done) break;
    const double began = std::chrono::duration<double>(t0 - start).count();
    const double end = std::chrono::duration<double>(t1 - start).count();
    for (std::size_t i = next; i < last; ++i) {
      requests[i].start = began;
      requests[i].end = end;
      requests[i].batch = rows;
    }
    next = last;
  }
  return requests;
}

double FrontServer::capacity(double seconds, std::stop_token stop) {
  const auto t0 = clock::now();
  int batches = 0;
  while (clock::now() - t0 < std::chrono::duration<double>(seconds) && !stop.stop_requested()) {
    busy_ = true;
    const auto b0 = clock::now();
    const bool done = workload_.forward(input_.data(), output_.data(), options_.max_batch, stop);
    busy_s_ = busy_s_.load() + std::chrono::duration<double>(clock::now() - b0).count();
    busy_ = false;
    if (!done) break;
    ++batches;
  }
  const double elapsed = std::chrono::duration<double>(clock::now() - t0).count();
  return batches * options_.max_batch / elapsed;
}

}  // namespace joulebench::site
