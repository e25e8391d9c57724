// The GEMM kernel table (this module's only global state) and the blocking model.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "detail/ukernels.hpp"
#include "joulebench/inference/gemm.hpp"
#include "joulebench/inference/machine_rates.hpp"
#include "joulebench/platform/cpu_features.hpp"
#include "joulebench/platform/topology.hpp"

namespace joulebench::inference {
namespace {

using platform::cpu_features;

bool always() { return true; }
[[maybe_unused]] bool has_avx512() { return cpu_features().avx512_core(); }
[[maybe_unused]] bool has_avx512_bf16() { return cpu_features().avx512_core() && cpu_features().avx512_bf16; }
[[maybe_unused]] bool has_avx512_vnni() { return cpu_features().avx512_core() && cpu_features().avx512_vnni; }
[[maybe_unused]] bool has_avx2() { return cpu_features().avx2 && cpu_features().fma; }
[[maybe_unused]] bool has_avx_vnni() { return cpu_features().avx2 && cpu_features().avx_vnni; }
[[maybe_unused]] bool has_neon() { return cpu_features().asimd; }
[[maybe_unused]] bool has_sve() { return cpu_features().sve; }
[[maybe_unused]] bool has_arm_bf16() { return cpu_features().arm_bf16; }
[[maybe_unused]] bool has_arm_dotprod() { return cpu_features().asimd_dotprod; }
[[maybe_unused]] bool has_i8mm() { return cpu_features().i8mm; }

constexpr GemmKernelInfo kKernels[] = {
#if JOULEBENCH_BUILT_AVX512
    {"gemm_f32_avx512_8x48", "avx512", DType::fp32, 8, 48, 1, "avx512f+avx512bw+avx512vl+avx512dq",
     has_avx512, detail::gemm_f32_avx512_8x48, 127, 512, "vfmadd231ps zmm"},
#endif
#if JOULEBENCH_BUILT_AVX2
    {"gemm_f32_avx2_6x16", "avx2", DType::fp32, 6, 16, 1, "avx2+fma", has_avx2, detail::gemm_f32_avx2_6x16,
     127, 256, "vfmadd231ps ymm"},
#endif
#if JOULEBENCH_BUILT_NEON
    {"gemm_f32_neon_8x12", "neon", DType::fp32, 8, 12, 1, "asimd", has_neon, detail::gemm_f32_neon_8x12, 127,
     128, "fmla v.4s"},
#endif
#if JOULEBENCH_BUILT_SVE
    // Any vector length; after NEON because no SVE machine has timed it against NEON yet.
    {"gemm_f32_sve_4x16", "sve", DType::fp32, 4, 16, 1, "sve", has_sve, detail::gemm_f32_sve_4x16, 127, 0,
     "fmla z.s"},
#endif
    {"gemm_f32_portable_4x16", "portable", DType::fp32, 4, 16, 1, "", always, detail::gemm_f32_portable_4x16,
     127, 0, ""},
#if JOULEBENCH_BUILT_AVX512_BF16
    {"gemm_bf16_avx512_8x48", "avx512", DType::bf16, 8, 48, 2, "avx512_bf16", has_avx512_bf16,
     detail::gemm_bf16_avx512_8x48, 127, 512, "vdpbf16ps zmm"},
#endif
#if JOULEBENCH_BUILT_AVX512
    // bf16 storage, fp32 math: AVX-512 without AVX512_BF16 (Ice Lake, Cascade Lake).
    {"gemm_bf16_avx512f_8x48", "avx512f", DType::bf16, 8, 48, 2, "avx512f+avx512bw+avx512vl+avx512dq",
     has_avx512, detail::gemm_bf16_avx512f_8x48, 127, 512, "vfmadd231ps zmm"},
#endif
#if JOULEBENCH_BUILT_AVX2
    {"gemm_bf16_avx2_4x16", "avx2", DType::bf16, 4, 16, 2, "avx2+fma", has_avx2, detail::gemm_bf16_avx2_4x16,
     127, 256, "vfmadd231ps ymm"},
#endif
#if JOULEBENCH_BUILT_ARM_BF16
    {"gemm_bf16_armbf16_8x12", "arm-bf16", DType::bf16, 8, 12, 2, "bf16", has_arm_bf16,
     detail::gemm_bf16_armbf16_8x12, 127, 128, "bfdot v.4s"},
#endif
#if JOULEBENCH_BUILT_ARM_I8MM  // built with -march=armv8.6-a, which has BF16 too
    {"gemm_bf16_bfmmla_8x12", "bfmmla", DType::bf16, 8, 12, 2, "bf16", has_arm_bf16,
     detail::gemm_bf16_bfmmla_8x12, 127, 128, "bfmmla v.4s"},
#endif
#if JOULEBENCH_BUILT_NEON
    // bf16 storage, fp32 math: aarch64 without the BF16 extension.
    {"gemm_bf16_neon_6x12", "neon", DType::bf16, 6, 12, 2, "asimd", has_neon, detail::gemm_bf16_neon_6x12,
     127, 128, "fmla v.4s"},
#endif
    {"gemm_bf16_portable_4x16", "portable", DType::bf16, 4, 16, 2, "", always,
     detail::gemm_bf16_portable_4x16, 127, 0, ""},
#if JOULEBENCH_BUILT_AVX512_VNNI
    {"gemm_s8_avx512vnni_8x48", "avx512", DType::int8, 8, 48, 4, "avx512_vnni", has_avx512_vnni,
     detail::gemm_s8_avx512vnni_8x48, 127, 512, "vpdpbusd zmm"},
#endif
#if JOULEBENCH_BUILT_AVXVNNI
    {"gemm_s8_avxvnni_6x16", "avxvnni", DType::int8, 6, 16, 4, "avx_vnni", has_avx_vnni,
     detail::gemm_s8_avxvnni_6x16, 127, 256, "vpdpbusd ymm"},
#endif
// No VNNI: vpmaddubsw + vpmaddwd, 7-bit weights so the s16 pair sums cannot saturate.
#if JOULEBENCH_BUILT_AVX512
    {"gemm_s8_avx512bw_8x48", "avx512bw", DType::int8, 8, 48, 4, "avx512f+avx512bw+avx512vl+avx512dq",
     has_avx512, detail::gemm_s8_avx512bw_8x48, 63, 512, "vpmaddubsw zmm"},
#endif
#if JOULEBENCH_BUILT_AVX2
    {"gemm_s8_avx2_4x16", "avx2", DType::int8, 4, 16, 4, "avx2", has_avx2, detail::gemm_s8_avx2_4x16, 63, 256,
     "vpmaddubsw ymm"},
#endif
#if JOULEBENCH_BUILT_ARM_I8MM
    {"gemm_s8_usdot_8x12", "i8mm", DType::int8, 8, 12, 4, "i8mm", has_i8mm, detail::gemm_s8_usdot_8x12, 127,
     128, "usdot v.4s"},
    {"gemm_s8_usmmla_8x12", "usmmla", DType::int8, 8, 12, 4, "i8mm", has_i8mm, detail::gemm_s8_usmmla_8x12,
     127, 128, "usmmla v.4s"},
#endif
#if JOULEBENCH_BUILT_ARM_DOTPROD
    {"gemm_s8_sdot_8x12", "dotprod", DType::int8, 8, 12, 4, "asimddp", has_arm_dotprod,
     detail::gemm_s8_sdot_8x12, 127, 128, "sdot v.4s"},
#endif
    {"gemm_s8_portable_4x16", "portable", DType::int8, 4, 16, 4, "", always, detail::gemm_s8_portable_4x16,
     127, 0, ""},
};

int round_to(int v, int multiple) { return std::max(multiple, v / multiple * multiple); }

}  // namespace

std::span<const GemmKernelInfo> all_gemm_kernels() { return kKernels; }

const GemmKernelInfo& find_gemm_kernel(DType dtype, std::string_view isa_or_name) {
  std::string known;
  for (const auto& k : kKernels) {
    if (k.dtype != dtype) continue;
    known += (known.empty() ? "" : ", ") + std::string(k.isa) + " (" + std::string(k.name) + ")";
    const bool named = isa_or_name.empty() || k.isa == isa_or_name || k.name == isa_or_name;
    if (!named) continue;
    if (k.cpu_supports()) return k;
    if (!isa_or_name.empty()) {
      throw std::invalid_argument("kernel '" + std::string(isa_or_name) + "' for " +
                                  std::string(to_string(dtype)) + " needs the CPU feature " +
                                  std::string(k.cpu_feature) +
                                  ", which this CPU (or OS) lacks; pick another with --kernel or omit it");
    }
  }
  throw std::invalid_argument("unknown " + std::string(to_string(dtype)) + " GEMM kernel '" +
                              std::string(isa_or_name) + "'; choose one of: " + known);
}

namespace {

// A B micro-panel of KC x NR in `share` of a cache of `bytes` (4 bytes per k-group and column).
int kc_for(const GemmKernelInfo& k, std::size_t bytes, int share) {
  return round_to(static_cast<int>(bytes / share / (static_cast<std::size_t>(k.nr) * 4)) * k.kstep, k.kstep);
}

// MC: an MC x KC block of A fills about half of L2. NC: 32 panels per tile (fewer A passes;
// gemm() splits further when threads need tiles).
Blocking outer_blocks(const GemmKernelInfo& k, std::size_t l2_bytes, int kc) {
  Blocking b;
  b.kc = kc;
  b.mc = round_to(
      std::min(static_cast<int>(l2_bytes / 2 / (static_cast<std::size_t>(kc / k.kstep) * 4)), 4096), k.mr);
  b.nc = 32 * k.nr;
  return b;
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

// The B micro-panel is reused by every A micro-panel of a tile, so it should sit in the nearest
// cache that can feed the kernel at its pipe's rate. BLIS keeps it in L1 (its 32 x 12 tile's
// panel is 12 wide); our 48-wide panel would leave L1 a KC of about 128, and each KC block costs a
// pass over the partial sums: on Zen 5 (1024^3 fp32, 1 thread) KC 128 ran 0.78-0.81x oneDNN, the
// L2 rule's 1365 1.01-1.04x. So KC comes from L2 whenever L2 can deliver what a k-step reads at
// the measured pipe rate, and from L1 otherwise. The rate is measured because it differs between
// cores of one ISA: an AVX-512 core with one 512-bit FMA pipe asks half the bytes per cycle of one
// with two.
BlockingPlan plan_blocking(const GemmKernelInfo& k, const BlockingInputs& in) {
  BlockingPlan p;
  p.l1_rule = outer_blocks(k, in.l2_bytes, kc_for(k, in.l1d_bytes, 2));
  if (k.vector_bits > 0) p.accumulators = k.mr * k.nr * 32 / k.vector_bits;  // 32-bit lanes throughout
  if (p.accumulators > 0 && in.pipe != nullptr && in.pipe->per_cycle > 0) {
    const double latency = in.pipe->latency_cycles, rate = in.pipe->per_cycle;
    p.accumulators_needed = static_cast<int>(std::lround(latency * rate));
    // A tile with fewer accumulators than latency x rate waits on its own chains.
    const double cycles_per_kstep = std::max(p.accumulators / rate, latency);
    p.feed_bytes_per_cycle = (k.mr + k.nr) * 4.0 / cycles_per_kstep;
  }
  p.b_panel_in_l2 = p.feed_bytes_per_cycle <= 0 || in.l2_read_bytes_per_cycle <= 0 ||
                    p.feed_bytes_per_cycle <= in.l2_read_bytes_per_cycle;
  p.chosen = p.b_panel_in_l2 ? outer_blocks(k, in.l2_bytes, kc_for(k, in.l2_bytes, 4)) : p.l1_rule;
  return p;
}

std::string explain_blocking(const GemmKernelInfo& k, const BlockingInputs& in, const BlockingPlan& p) {
  std::string s = std::string(p.b_panel_in_l2 ? "B micro-panel in L2" : "B micro-panel in L1") + " (KC " +
                  std::to_string(p.chosen.kc) + "; BLIS's L1 rule would give " +
                  std::to_string(p.l1_rule.kc) + "): ";
  if (p.accumulators == 0) return s + "no fixed vector width, so no pipe to model; the L2 rule stands";
  if (in.pipe == nullptr) {
    return s + "no measured rate for " + std::string(k.instruction) +
           " (under an emulator, or no probe of its width in this build); the L2 rule stands";
  }
  const std::string stand_in =
      in.pipe_is_stand_in ? ", standing in for " + std::string(k.instruction) + ", which is not probed" : "";
  s += "a k-step reads " + std::to_string((k.mr + k.nr) * 4) + " B, " + fixed(p.feed_bytes_per_cycle, 1) +
       " B/cycle at " + fixed(in.pipe->per_cycle, 2) + " " + in.pipe->instruction + " per cycle" + stand_in +
       ", ";
  if (in.l2_read_bytes_per_cycle <= 0) {
    s += "L2 read not measured";
  } else {
    s += std::string(p.b_panel_in_l2 ? "within" : "beyond") + " the " + fixed(in.l2_read_bytes_per_cycle, 1) +
         " B/cycle L2 read measured";
  }
  s += "; " + std::to_string(p.accumulators) + " accumulators " +
       (p.accumulators >= p.accumulators_needed ? "cover" : "fall short of") + " latency " +
       fixed(in.pipe->latency_cycles, 1) + " x rate " + fixed(in.pipe->per_cycle, 2) + " (" +
       std::to_string(p.accumulators_needed) + ")";
  return s;
}

BlockingInputs blocking_inputs(const GemmKernelInfo& k) {
  const auto& topo = platform::topology();
  BlockingInputs in;
  in.l1d_bytes = topo.l1d_bytes;
  in.l2_bytes = topo.l2_bytes;
  // Under an emulator the rates would describe the emulator: keep the L2 rule.
  if (k.vector_bits == 0 || platform::emulation().has_value()) return in;
  const MachineRates& rates = machine_rates();
  in.l2_read_bytes_per_cycle = rates.l2_read_bytes_per_cycle;
  in.pipe = rates.find(k.instruction);
  if (in.pipe == nullptr) {
    // Not probed (vpmaddubsw, the Arm dot products): the FMA pipe of the same width. A kernel
    // that spends more than one instruction per vector and k-step (vpmaddubsw's spends three)
    // asks less than that rate gives: its feed is then an upper bound.
    for (const auto& r : rates.pipes) {
      if (r.width_bits == k.vector_bits &&
          (r.instruction.starts_with("vfmadd") || r.instruction.starts_with("fmla"))) {
        in.pipe = &r;
        in.pipe_is_stand_in = true;
        break;
      }
    }
  }
  return in;
}

Blocking Blocking::resolved(const GemmKernelInfo& k) const {
  Blocking b = *this;
  if (b.kc <= 0 || b.mc <= 0 || b.nc <= 0) {
    const BlockingPlan plan = plan_blocking(k, blocking_inputs(k));
    if (b.kc <= 0) b.kc = plan.chosen.kc;
    // A caller's KC changes the MC that fills half of L2.
    if (b.mc <= 0) b.mc = outer_blocks(k, platform::topology().l2_bytes, round_to(b.kc, k.kstep)).mc;
    if (b.nc <= 0) b.nc = plan.chosen.nc;
  }
  b.kc = round_to(b.kc, k.kstep);
  b.mc = round_to(std::min(b.mc, 4096), k.mr);
  b.nc = round_to(b.nc, k.nr);
  return b;
}

}  // namespace joulebench::inference
