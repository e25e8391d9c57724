// The serving probe: batch time after an idle gap, alone and beside a yielding back.
#include "suite/serving.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "joulebench/inference/model.hpp"
#include "joulebench/power/step_response.hpp"
#include "runtime/signals.hpp"
#include "suite/run_state.hpp"
#include "suite/workloads.hpp"

namespace joulebench::suite {
namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point t0) {
  return std::chrono::duration<double>(clock::now() - t0).count();
}

// Seconds as the clock's own duration (what sleep_until adds to a time point).
clock::duration seconds(double s) {
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
}

// The first inference model of the run, at the largest batch it was run with.
std::string front_name(const RunOptions& o) {
  std::string best, family;
  int batch = 0;
  for (const auto& w : o.workloads) {
    if (w == "sha256d") continue;
    inference::ModelSpec spec = workload_spec(w);
    const int b = spec.batch;
    spec.batch = 1;
    if (family.empty()) family = spec.to_string();
    if (spec.to_string() == family && b > batch) best = w, batch = b;
  }
  return best;
}

// What is probed: each batch size (powers of two up to the model's batch, and the batch itself)
// after each idle gap.
struct Cell {
  int rows;
  double gap_s;
};
std::vector<Cell> probe_cells(int batch) {
  std::vector<int> rows;
  for (int r = 1; r < batch; r *= 2) rows.push_back(r);
  rows.push_back(batch);
  std::vector<Cell> cells;
  for (const double gap : kServingGapsS)
    for (const int r : rows) cells.push_back({r, gap});
  return cells;
}

// Per cell, the batch times (ms) and the idle gaps really slept before them (ms), up to `rounds`
// times each in rotating order; `back` is paused around each batch (the site's yield). Adds the
// seconds spent inside forward passes to `busy_s`.
struct Samples {
  std::vector<std::vector<double>> ms, gap_ms;
};
Samples time_batches(Run& run, inference::InferenceWorkload& front, const std::vector<Cell>& cells,
                     int rounds, platform::ThrottleState* back, double& busy_s) {
  // A slow model stops early: at least 10 rounds, then no more than the time allowed.
  const double allowed_s = run.o.quick ? 3.0 : 12.0;
  const auto began = clock::now();
  const auto input = front.model().sample_input();
  std::vector<float> output(static_cast<std::size_t>(front.model().spec().batch) *
                            front.model().output_width());
  Samples out{std::vector<std::vector<double>>(cells.size()), std::vector<std::vector<double>>(cells.size())};
  auto last_end = clock::now();
  for (int r = 0; r < rounds && !run.stopped && (r < 10 || seconds_since(began) < allowed_s); ++r) {
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const std::size_t i = (k + static_cast<std::size_t>(r) * 7) % cells.size();
      std::this_thread::sleep_until(last_end + seconds(cells[i].gap_s));
      if (back) back->pause();
      const auto t0 = clock::now();
      const bool done = front.forward(input.data(), output.data(), cells[i].rows, cli::interrupt_token());
      const auto t1 = clock::now();
      if (back) back->resume();
      if (!done || cli::interrupted()) {
        run.stopped = true;
        break;
      }
      const double s = std::chrono::duration<double>(t1 - t0).count();
      busy_s += s;
      out.ms[i].push_back(1e3 * s);
      out.gap_ms[i].push_back(1e3 * std::chrono::duration<double>(t0 - last_end).count());
      last_end = clock::now();
    }
    run.progress.draw();
  }
  return out;
}

json curve_json(const std::vector<Cell>& cells, const Samples& samples) {
  json out = json::array();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (samples.ms[i].empty()) continue;
    json s = stats_json(samples.ms[i]);
    s["rows"] = cells[i].rows;
    s["gap_ms"] = 1e3 * cells[i].gap_s;
    s["slept_ms"] = power::percentile(samples.gap_ms[i], 50);  // as slept: the timer overshoots a little
    out.push_back(s);
  }
  return out;
}

// What one wake of the front's thread costs the back beside it. The site's batcher sleeps until
// each request arrives and until the batch deadline, and every wake preempts a background miner:
// 0.18 ms lost per batch of 3.7 requests at 25% load against 0.07 ms with no batch wait (one wake
// a batch), Zen 5 VM. Windows of the back alone and with this thread waking every `gap`
// alternate, so a drift in the machine's speed falls on both alike.
json wake_cost(Run& run, const std::function<double()>& hashes, int pairs) {
  constexpr double kWindowS = 0.05, kGapS = 0.0005;
  double quiet_s = 0, quiet_h = 0, waking_s = 0, waking_h = 0, wakes = 0;
  for (int i = 0; i < pairs && !run.stopped && !cli::interrupted(); ++i) {
    auto t0 = clock::now();
    double h0 = hashes();
    std::this_thread::sleep_until(t0 + seconds(kWindowS));
    quiet_h += hashes() - h0, quiet_s += seconds_since(t0);
    t0 = clock::now(), h0 = hashes();
    for (int k = 1; k * kGapS <= kWindowS; ++k, ++wakes) {
      std::this_thread::sleep_until(t0 + seconds(k * kGapS));
    }
    waking_h += hashes() - h0, waking_s += seconds_since(t0);
  }
  const double quiet_rate = quiet_s > 0 ? quiet_h / quiet_s : 0;
  const double lost_s = quiet_rate > 0 ? (waking_s * quiet_rate - waking_h) / quiet_rate : 0.0;
  return {{"wake_gap_ms", 1e3 * kGapS},
          {"wakes", wakes},
          {"quiet_units_per_s", quiet_rate},
          {"waking_units_per_s", waking_s > 0 ? waking_h / waking_s : 0.0},
          {"lost_ms_per_wake", wakes > 0 ? 1e3 * lost_s / wakes : 0.0}};
}

// The back alone for `seconds`, then beside the front's probed batches; the hashes it lost per
// yield beyond the time the front's batches took from it, and per wake of the front's thread.
json beside_back(Run& run, inference::InferenceWorkload& front, const std::vector<Cell>& cells, int rounds,
                 double alone_s) {
  auto back = make_workload("sha256d", run.o.threads, run.o.pin, {kBackMiningBatch, true, ""});
  power::Sampler sampler(run.sensors.primary, {&back->counters()});  // as the site samples it
  sampler.start();
  std::stop_source stop;
  std::jthread runner([&] { back->run(stop.get_token()); });
  const auto hashes = [&] { return static_cast<double>(back->counters().total()); };
  run.wait(0.2);  // the miner's threads up and hashing
  const auto a0 = clock::now();
  const double h0 = hashes();
  run.wait(alone_s);
  const double rate = (hashes() - h0) / seconds_since(a0);
  double busy_s = 0;
  const auto b0 = clock::now();
  const double h1 = hashes();
  const Samples ms = time_batches(run, front, cells, rounds, &back->throttle(), busy_s);
  const double span = seconds_since(b0), mined = hashes() - h1;
  const json wake = wake_cost(run, hashes, run.o.quick ? 10 : 40);
  stop.request_stop();
  back->throttle().resume();
  runner.join();
  sampler.stop();
  double batches = 0;
  for (const auto& m : ms.ms) batches += static_cast<double>(m.size());
  // What the back should have hashed in the time the front left it, less what it did: time lost
  // per yield (its batch in flight, parking and waking its workers).
  const double lost_s = rate > 0 ? ((span - busy_s) * rate - mined) / rate : 0.0;
  return {{"batch_ms", curve_json(cells, ms)},
          {"back",
           {{"workload", back->name()},
            {"kernel", back->kernel()},
            {"nonces_per_yield_check", kBackMiningBatch},
            {"priority", "background (SCHED_IDLE)"},
            {"alone_units_per_s", rate},
            {"beside_units_per_s", span > 0 ? mined / span : 0.0},
            {"front_busy_share", span > 0 ? busy_s / span : 0.0},
            {"yields", batches},
            {"lost_ms_per_yield", batches > 0 ? 1e3 * lost_s / batches : 0.0},
            {"wake", wake}}}};
}

}  // namespace

json serving_probe(Run& run) {
  const std::string name = front_name(run.o);
  if (name.empty()) return nullptr;
  const bool mines =
      std::find(run.o.workloads.begin(), run.o.workloads.end(), "sha256d") != run.o.workloads.end();
  const int rounds = run.o.quick ? 40 : 150;
  auto w = make_workload(name, run.o.threads, run.o.pin, {.gemm_kernel = run.o.gemm_kernel});
  auto& front = dynamic_cast<inference::InferenceWorkload&>(*w);
  const std::vector<Cell> cells = probe_cells(front.model().spec().batch);
  run.progress.set_stage("serving probe", front.name(), "batch");
  // Sampled as every other stage is: the sampler's 1 kHz thread shares the cores with the front.
  power::Sampler sampler(run.sensors.primary, {&front.counters()});
  sampler.start();
  double busy_s = 0;
  (void)time_batches(run, front, cells, 2, nullptr, busy_s);  // warm: weights in, pages touched
  const Samples alone = time_batches(run, front, cells, rounds, nullptr, busy_s);
  sampler.stop();
  json out{{"workload", front.name()},
           {"kernel", front.kernel()},
           {"threads", front.workers()},
           {"idle_gaps_ms", json::array({0.25, 0.5, 1.0, 2.0})},
           {"rounds_at_most", rounds},
           {"method",
            "each batch size after each idle gap (from the end of the previous batch), in rotating order; "
            "beside_back: sha256d on every worker at background priority, paused before each "
            "batch and resumed after it, as the site's front does"},
           {"alone", {{"batch_ms", curve_json(cells, alone)}}},
           {"beside_back", nullptr}};
  if (mines && !run.stopped)
    out["beside_back"] = beside_back(run, front, cells, rounds, run.o.quick ? 0.5 : 2.0);
  return out;
}

}  // namespace joulebench::suite
