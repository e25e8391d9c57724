// Counts each kernel's vector operations by running its own round and schedule code
// (sha256d_lanes.inc) over counting operands: a value known at compile time (a broadcast
// constant) costs nothing, as the compiler folds it; every operation on a nonce-dependent value is
// charged what the kernel's ISA spends on it. Each kernel's recipe mirrors its Ops type.
#include "joulebench/miner/port_bounds.hpp"

#include <algorithm>
#include <cstdio>

#include "detail/kernel_lanes_prelude.hpp"

namespace joulebench::miner {
namespace detail {
namespace {

struct Cost {
  double alu = 0, shifts = 0, rotates = 0;  // alu: the ops that are neither
};

// What one vector-wide primitive costs in a kernel's instructions.
struct Recipe {
  Cost add, big_sigma, small_sigma, choose, majority, candidates;
};

// Avx512Ops: rot3 = 3 vprord + vpternlogd; rot2shr = 2 vprord + vpsrld + vpternlogd; ch, maj:
// one vpternlogd; candidates: vpshufb + one compare into a mask register.
constexpr Recipe kAvx512Recipe{{1, 0, 0}, {1, 0, 3}, {1, 1, 2}, {1, 0, 0}, {1, 0, 0}, {2, 0, 0}};
// Avx2Ops: rotr = srl + sll + or; Σ = 3 rotr + 2 xor; σ = 2 rotr + srl + 2 xor;
// ch = xor, and, xor; maj = and, or, and, or; candidates: shuffle, max, cmpeq, movemask.
constexpr Recipe kAvx2Recipe{{1, 0, 0}, {5, 6, 0}, {4, 5, 0}, {3, 0, 0}, {4, 0, 0}, {4, 0, 0}};

struct Tally {
  const Recipe* recipe;
  Cost sum{};
  void charge(const Cost& c) {
    sum.alu += c.alu;
    sum.shifts += c.shifts;
    sum.rotates += c.rotates;
  }
};

template <bool Textbook>
struct CountingOps {
  static constexpr bool kTextbookRounds = Textbook;
  struct V {
    Tally* tally = nullptr;  // null: known at compile time
  };

  static V charged(V v, Cost Recipe::*what) {
    if (v.tally != nullptr) v.tally->charge(v.tally->recipe->*what);
    return v;
  }
  static V any(V a, V b) { return a.tally != nullptr ? a : b; }
  static V set1(std::uint32_t) { return {}; }
  static V add(V a, V b) { return charged(any(a, b), &Recipe::add); }
  static V bsig0(V v) { return charged(v, &Recipe::big_sigma); }
  static V bsig1(V v) { return charged(v, &Recipe::big_sigma); }
  static V ssig0(V v) { return charged(v, &Recipe::small_sigma); }
  static V ssig1(V v) { return charged(v, &Recipe::small_sigma); }
  static V ch(V e, V f, V g) { return charged(any(any(e, f), g), &Recipe::choose); }
  static V maj(V a, V b, V c) { return charged(any(any(a, b), c), &Recipe::majority); }
  static std::uint64_t candidates(V h7, std::uint32_t) {
    charged(h7, &Recipe::candidates);
    return 0;
  }
};

#include "detail/sha256d_lanes.inc"

// Per vector of lanes: hash 1's schedule (shared by a roll's versions) and the rest of one hash.
struct LaneCounts {
  Cost schedule, per_version;
};

template <bool Textbook>
LaneCounts count_lanes(const Recipe& recipe) {
  using Ops = CountingOps<Textbook>;
  const Sha256dPrecomp pre{};
  Tally schedule{&recipe}, rest{&recipe};
  typename Ops::V w1[64];
  schedule_hash1<Ops>(pre, typename Ops::V{&schedule}, w1);
  for (auto& w : w1)
    if (w.tally != nullptr) w.tally = &rest;
  sha256d_candidates_scheduled<Ops>(pre, typename Ops::V{&rest}, w1, 0);
  schedule.charge({2, 0, 0});  // the nonce words: add the lane offsets, byte-swap
  return {schedule.sum, rest.sum};
}

}  // namespace
}  // namespace detail

namespace {

KernelOps lanes_ops(std::string_view kernel, int versions, const detail::Recipe& recipe, int width_bits,
                    bool textbook = false) {
  const auto counts = textbook ? detail::count_lanes<true>(recipe) : detail::count_lanes<false>(recipe);
  const double lanes = width_bits / 32.0;
  const auto per_hash = [&](double schedule, double per_version) {
    return (schedule / versions + per_version) / lanes;
  };
  KernelOps k;
  k.kernel = kernel;
  k.versions = versions;
  k.width_bits = width_bits;
  k.shifts = per_hash(counts.schedule.shifts, counts.per_version.shifts);
  k.rotates = per_hash(counts.schedule.rotates, counts.per_version.rotates);
  k.vector_ops = per_hash(counts.schedule.alu, counts.per_version.alu) + k.shifts + k.rotates;
  k.counted_how = "the kernel's round and schedule code run over counting operands";
  return k;
}

// SHA-NI, counted from kernel_shani.cpp: block 2 runs quads 1-15 (round 3 pre-hashed, 30 rnds2)
// and schedules quads 4-15 (12 msg1 + 12 msg2, each quad also an alignr and an add); hash 2 runs
// quads 0-14 and rounds 60-61 (31 rnds2) with the same 12-quad schedule. Each quad adds K and
// shuffles the second pair of words (2 ops); about 10 more ops convert layouts and add midstates.
KernelOps shani_ops(std::string_view kernel, int versions) {
  KernelOps k;
  k.kernel = kernel;
  k.versions = versions;
  k.width_bits = 128;
  k.sha_rounds2 = 61;
  k.sha_msg1 = 12.0 / versions + 12;
  k.sha_msg2 = k.sha_msg1;
  k.vector_ops = (15 + 12 * 2.0 / versions) + 2 * 15 + 12 * 2 + 2 + 10;
  k.counted_how = "counted by hand from the kernel's quads (kernel_shani.cpp)";
  return k;
}

// Zen 3 and Zen 4 from LLVM 16's scheduling models, read with `llvm-mca-16 -mcpu=X
// -instruction-info` (reciprocal throughputs); Zen 5 measured; Ice Lake from Intel's manual.
constexpr CoreModel kCores[] = {
    {"Zen 3",
     "AuthenticAMD",
     0x19,
     {{0x00, 0x0f}, {0x20, 0x2f}, {0x40, 0x5f}, {-1, -1}},
     {256, 4, 2, 0},
     {},
     true,
     2.00,
     0.75,
     2.00,
     "znver3",
     "LLVM 16 X86ScheduleZnver3.td (llvm-mca-16 -mcpu=znver3): vpaddd/vpxor ymm 0.25, vpsrld/vpslld ymm "
     "0.50, sha256rnds2 2.00, sha256msg1 0.75, sha256msg2 2.00 cycles"},
    {"Zen 4",
     "AuthenticAMD",
     0x19,
     {{0x10, 0x1f}, {0x60, 0x7f}, {0xa0, 0xaf}, {-1, -1}},
     {256, 4, 2, 1},
     {512, 2, 2, 1},
     true,
     2.00,
     0.75,
     2.00,
     "znver4",
     "LLVM 16 X86ScheduleZnver4.td (llvm-mca-16 -mcpu=znver4): vpaddd/vpternlogd zmm 0.50 (512-bit ops "
     "double-pumped on 256-bit pipes), vpsrld zmm 0.50, vprord zmm 1.00, vpaddd ymm 0.25, vpsrld ymm 0.50, "
     "vprord ymm 1.00, sha256rnds2 2.00, sha256msg1 0.75, sha256msg2 2.00 cycles"},
    {"Zen 5",
     "AuthenticAMD",
     0x1a,
     {{0x00, 0xff}, {-1, -1}, {-1, -1}, {-1, -1}},
     {256, 4, 2, 2},
     {512, 4, 2, 2},
     true,
     1.99,
     1.01,
     2.07,
     "",
     "measured on a Zen 5 VM (EPYC, Turin-like) with pinned inline-asm throughput loops: vpaddd/vpxord/"
     "vpternlogd zmm 0.25, vprord/vpsrld zmm and ymm 0.48, sha256rnds2 1.99, sha256msg1 1.01, sha256msg2 "
     "2.07 cycles (LLVM 16 has no Zen 5 model)"},
    {"Ice Lake",
     "GenuineIntel",
     6,
     {{0x6a, 0x6a}, {0x6c, 0x6c}, {0x7d, 0x7e}, {-1, -1}},
     {256, 3, 2, 2},
     {512, 2, 1, 1},
     true,
     0,
     0,
     0,
     "icelake-server",
     "Intel 64 and IA-32 Architectures Optimization Reference Manual: 512-bit uops issue on port 0 (ports 0 "
     "and 1 fused) and port 5, 256-bit on ports 0, 1, 5; vector shifts and rotates on port 0 (zmm) or ports "
     "0 and 1 (ymm). No cited SHA-NI throughput (LLVM 16's icelake-server model gives sha256rnds2 0.50, "
     "not trusted), so no SHA-NI bound"},
};

std::string per_cycle(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g/cycle", rate);
  return buf;
}

}  // namespace

std::optional<KernelOps> kernel_ops(std::string_view kernel, int versions) {
  versions = std::max(1, versions);
  if (kernel == "avx512" || kernel == "avx512-1x16")
    return lanes_ops(kernel, versions, detail::kAvx512Recipe, 512);
  if (kernel == "avx512-textbook") return lanes_ops(kernel, versions, detail::kAvx512Recipe, 512, true);
  if (kernel == "avx2") return lanes_ops(kernel, versions, detail::kAvx2Recipe, 256);
  if (kernel == "shani" || kernel == "shani-2x" || kernel == "shani-3x") return shani_ops(kernel, versions);
  return std::nullopt;
}

std::span<const CoreModel> core_models() { return kCores; }

const CoreModel* find_core_model(std::string_view vendor, int family, int model) {
  for (const auto& c : kCores) {
    if (c.vendor != vendor || c.family != family) continue;
    for (const auto& [first, last] : c.models)
      if (model >= first && model <= last) return &c;
  }
  return nullptr;
}

PortBound port_bound(const KernelOps& ops, const CoreModel& core) {
  PortBound b;
  const auto consider = [&b](double cycles, std::string what) {
    if (cycles > b.cycles_per_hash) b = {cycles, std::move(what)};
  };
  if (ops.sha_rounds2 > 0) {
    if (!core.sha_ni || core.rounds2_cycles <= 0) return {0, "no SHA-NI figures for this core"};
    consider(ops.sha_rounds2 * core.rounds2_cycles,
             "sha256rnds2 (one per " + std::to_string(core.rounds2_cycles).substr(0, 4) + " cycles)");
    consider(ops.sha_msg1 * core.msg1_cycles + ops.sha_msg2 * core.msg2_cycles, "sha256msg1/msg2");
    consider(ops.vector_ops / core.ymm.ops_per_cycle,
             "vector ALU (" + per_cycle(core.ymm.ops_per_cycle) + ")");
    return b;
  }
  const CorePipes& p = ops.width_bits == 512 ? core.zmm : core.ymm;
  if (p.vector_bits == 0) return {0, "no " + std::to_string(ops.width_bits) + "-bit vectors"};
  if (ops.rotates > 0 && p.rotates_per_cycle <= 0) return {0, "no vector rotate"};
  consider(ops.vector_ops / p.ops_per_cycle, "vector ALU (" + per_cycle(p.ops_per_cycle) + ")");
  // Shifts and rotates share their pipes on every modelled core.
  const double shift_pipe =
      ops.shifts / p.shifts_per_cycle + (ops.rotates > 0 ? ops.rotates / p.rotates_per_cycle : 0);
  consider(shift_pipe, "shift/rotate pipes (" + per_cycle(p.shifts_per_cycle) + ")");
  return b;
}

}  // namespace joulebench::miner
