// How the front serves requests, not back to back: each batch size after an idle gap (as a
// dynamic batcher that waited for its batch runs it), alone and beside the mining back that
// yields to every batch, and what each yield costs the back. `plan` predicts a site from these:
// back-to-back throughput misses the wake-up after each gap, and the back's loss per yield is
// the granularity its harvest of the front's idle time pays.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

namespace joulebench::suite {

struct Run;

/// The idle gaps before the probed batches: a served batch's time grows with the idle before it
/// (workers waking from deeper sleep), up to the site's default batch wait (2 ms).
inline constexpr double kServingGapsS[] = {0.00025, 0.0005, 0.001, 0.002};

/// results.serving: null when the run has no inference workload. The front is the largest batch
/// of the first inference model in the run (smaller batches are its first rows); "beside_back"
/// only when the run also mines.
nlohmann::json serving_probe(Run& run);

}  // namespace joulebench::suite
