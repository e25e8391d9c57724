// CPU feature probe shared by every workload's kernel dispatch: CPUID and XGETBV on x86-64, the
// kernel's HWCAP words (getauxval) on aarch64.
#pragma once

#include <optional>
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

  // aarch64 (from HWCAP/HWCAP2; all false on x86-64).
  bool asimd = false;          ///< Advanced SIMD (NEON)
  bool arm_sha2 = false;       ///< SHA-256 instructions (sha256h/h2/su0/su1)
  bool asimd_dotprod = false;  ///< SDOT/UDOT (ASIMDDP)
  bool sve = false;
  bool arm_bf16 = false;         ///< BFMMLA/BFDOT (HWCAP2_BF16)
  bool i8mm = false;             ///< SMMLA/UMMLA (HWCAP2_I8MM)
  unsigned sve_vector_bits = 0;  ///< the SVE vector length this process runs with; 0 without SVE

  /// The kernels' usual AVX-512 baseline: F + BW + VL + DQ.
  [[nodiscard]] bool avx512_core() const { return avx512f && avx512bw && avx512vl && avx512dq; }
};

/// The aarch64 features two HWCAP words say (AT_HWCAP, AT_HWCAP2 as getauxval gives them), so a
/// test can feed any combination; pure bit decoding, built on every architecture.
CpuFeatures arm_features_from_hwcap(unsigned long hwcap, unsigned long hwcap2);

/// Probes this CPU once (cached); cheap after the first call.
const CpuFeatures& cpu_features();

/// The CPU's name: from CPUID on x86-64 (e.g. "AMD EPYC 9R45"), from the MIDR's implementer and
/// part on aarch64 (e.g. "Arm Neoverse-N1").
std::string cpu_brand();

/// Why this process runs under an instruction-set emulator (e.g. qemu-user running an aarch64
/// build on an x86-64 host), or nullopt when it runs natively: then its timings, and any energy
/// per unit of work, describe the emulator, not the hardware. Probed once.
const std::optional<std::string>& emulation();

/// The decision behind emulation(), from what it reads: the architecture this binary was built
/// for, /proc/cpuinfo's text and whether QEMU_CPU is set in the environment.
std::optional<std::string> emulation_from(const std::string& binary_arch, const std::string& cpuinfo,
                                          bool qemu_cpu_set);

}  // namespace joulebench::platform
