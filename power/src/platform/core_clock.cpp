// Dependent-add clock: each add waits for the one before it, one cycle each.
#include "joulebench/platform/core_clock.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "joulebench/platform/stats.hpp"

namespace joulebench::platform {
namespace {

// 64 dependent adds per step; the loop counter is a separate chain that runs alongside.
double adds_per_second(double seconds) {
  using clock = std::chrono::steady_clock;
  std::uint64_t x = 0, adds = 0;
  const std::uint64_t one = 1;
  const auto t0 = clock::now();
  auto t1 = t0;
  do {
    for (int i = 0; i < 1024; ++i) {
#if defined(__x86_64__)
#define JB_ADD8                                                                                            \
  "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd " \
  "%1, %0\n\t"
      asm volatile(JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 : "+r"(x) : "r"(one));
#undef JB_ADD8
#elif defined(__aarch64__)
#define JB_ADD8                                                                                            \
  "add %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, " \
  "%1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\t"
      asm volatile(JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 JB_ADD8 : "+r"(x) : "r"(one));
#undef JB_ADD8
#else
      for (int k = 0; k < 64; ++k) {
        x += one;
        asm volatile("" : "+r"(x));
      }
#endif
    }
    adds += 64 * 1024;
    t1 = clock::now();
  } while (std::chrono::duration<double>(t1 - t0).count() < seconds);
  return static_cast<double>(adds) / std::chrono::duration<double>(t1 - t0).count();
}

}  // namespace

CoreClock measure_core_clock(int samples, double seconds) {
  std::vector<double> hz;
  for (int i = 0; i < std::max(1, samples); ++i) hz.push_back(adds_per_second(seconds));
  const double median = percentile(hz, 50);
  const auto [lo, hi] = std::minmax_element(hz.begin(), hz.end());
  return {median, (*hi - *lo) / median, static_cast<int>(hz.size())};
}

}  // namespace joulebench::platform
