// Rate probes for one vector arithmetic instruction, each compiled in its ISA's translation unit:
// how many retire per second on the calling thread with enough independent accumulators to fill
// every pipe, and with one dependent chain (its latency). Called only where the CPU has the ISA.
#pragma once

#include <cstddef>

namespace joulebench::inference::detail {

/// Instructions per second over about `seconds`: `independent` fills the pipes, else one chain.
#if JOULEBENCH_BUILT_AVX512
double fma512_per_second(bool independent, double seconds);
#endif
#if JOULEBENCH_BUILT_AVX512_VNNI
double dpbusd512_per_second(bool independent, double seconds);
#endif
#if JOULEBENCH_BUILT_AVX512_BF16
double dpbf16512_per_second(bool independent, double seconds);
#endif
#if JOULEBENCH_BUILT_AVX2
double fma256_per_second(bool independent, double seconds);
#endif
#if JOULEBENCH_BUILT_NEON
double fma128_per_second(bool independent, double seconds);
#endif

#if JOULEBENCH_BUILT_AVX2 || JOULEBENCH_BUILT_NEON
/// Bytes per second read in order, again and again, from `bytes` at `data` (sized to sit in L2,
/// not L1: how a micro-kernel streams a B micro-panel that L1 cannot hold). One wide load
/// per instruction: AVX2 on x86-64, NEON on aarch64.
double l2_read_per_second(const void* data, std::size_t bytes, double seconds);
#endif

}  // namespace joulebench::inference::detail
