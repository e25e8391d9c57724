// What this core's vector pipes and its L2 sustain, measured on the calling thread: the inputs
// the GEMM blocking takes beside the cache sizes (an AVX-512 core may retire one 512-bit FMA a
// cycle or two, and the L2 must feed B at that rate for a B micro-panel to live there).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace joulebench::inference {

struct GemmKernelInfo;

/// One vector arithmetic instruction on this core.
struct PipeRate {
  std::string instruction;  ///< as GemmKernelInfo::instruction names it, e.g. "vfmadd231ps zmm"
  int width_bits = 0;
  double per_cycle = 0;       ///< retired per cycle with enough independent accumulators
  double latency_cycles = 0;  ///< cycles per instruction along one dependent chain
};

struct MachineRates {
  double clock_hz = 0;                 ///< dependent-add clock, the cycles the rates count in
  std::vector<PipeRate> pipes;         ///< the instructions this CPU and build have
  double l2_read_bytes_per_cycle = 0;  ///< in-order reads of half of L2 (0: not measured)
  int samples = 0;
  std::string how;  ///< how it was measured, for the record

  /// The pipe `instruction` runs on, or null when it was not measured.
  [[nodiscard]] const PipeRate* find(std::string_view instruction) const;
};

/// `samples` rounds of windows of `window_s` each: the clock, then each pipe's throughput and
/// latency, then the L2 read, interleaved; each figure is the best round (a preempted window
/// only lowers a rate). About 3 x (2 + 2 x pipes) windows in all.
MachineRates measure_machine_rates(double window_s = 0.001, int samples = 3);

/// measure_machine_rates() once per process, on the first call (about 30 ms).
const MachineRates& machine_rates();

}  // namespace joulebench::inference
