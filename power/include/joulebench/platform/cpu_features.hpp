// CPU feature probe (CPUID and XGETBV) shared by every workload's kernel dispatch.
#pragma once

#include <string>

namespace joulebench::platform {

/// Instruction sets a kernel may need. Each is true only when the CPU reports it AND the OS has
/// enabled the register state it uses (XGETBV), so a kernel picked from here cannot fault.
struct CpuFeatures {
  bool sse41 = false;
  bool sha = false;
  bool avx2 = false;
  bool fma = false;
  bool bmi2 = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512dq = false;
  bool avx512_vnni = false;
  bool avx512_bf16 = false;
  bool avx_vnni = false;

  /// The kernels' usual AVX-512 baseline: F + BW + VL + DQ.
  [[nodiscard]] bool avx512_core() const { return avx512f && avx512bw && avx512vl && avx512dq; }
};

/// Probes this CPU once (cached); cheap after the first call.
const CpuFeatures& cpu_features();

/// The CPU's marketing name from CPUID (e.g. "AMD EPYC 9R45"), trimmed.
std::string cpu_brand();

}  // namespace joulebench::platform
