// The BLIS loops around the micro-kernel. Output tiles (MC x NC) are shared out over the worker
// arena; inside a tile: for each KC block (a throttle checkpoint), pack A, then for each B panel
// (jr) and A micro-panel (ir) call the micro-kernel, which applies the epilogue on the last block.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "detail/pack.hpp"
#include "detail/ukernel.hpp"
#include "joulebench/inference/gemm.hpp"
#include "joulebench/platform/throttle.hpp"
#include "joulebench/platform/topology.hpp"
#include "joulebench/platform/work_counters.hpp"

namespace joulebench::inference {
namespace {

int ceil_div(int a, int b) { return (a + b - 1) / b; }

std::size_t out_elem_size(OutType t) { return t == OutType::f32 ? 4 : (t == OutType::bf16 ? 2 : 1); }

// Per-thread scratch, grown on demand and kept across calls (no allocation in steady state).
struct Scratch {
  std::vector<std::uint8_t> a_pack;
  std::vector<std::uint8_t> acc;
  std::uint8_t* a(std::size_t n) {
    if (a_pack.size() < n + 64) a_pack.resize(n + 64);
    return a_pack.data();
  }
  std::uint8_t* sums(std::size_t n) {
    if (acc.size() < n) acc.resize(n);
    return acc.data();
  }
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Everything a tile needs that is the same for all tiles of one call.
struct Plan {
  const Activations* a;
  const PackedWeights* b;
  const GemmKernelInfo* k;
  const Epilogue* ep;
  std::uint8_t* c;
  int ldc;
  Blocking blk;
  int m, n, kgroups, kc_groups, n_tiles;
  std::vector<float> col_scale;        // int8
  std::vector<std::int32_t> col_comp;  // int8
  GemmContext* ctx;
  bool a_in_place = false;  // the kernel reads A's rows directly (see reads_a_in_place)
};

detail::UkernelArgs base_args(const Plan& p) {
  detail::UkernelArgs u{};
  u.out = static_cast<int>(p.ep->out);
  u.ldc = p.ldc;
  u.ld_residual = p.ep->ld_residual;
  u.activation = static_cast<int>(p.ep->activation);
  u.out_inv_scale = 1.0f / p.ep->out_quant.scale;
  u.out_zero_point = p.ep->out_quant.zero_point;
  return u;
}

// Tiles the threads can share evenly. Rows first, in equal row tiles and a multiple of the threads
// (256 x 1024 x 1024 fp32 on 2 threads: 3 row tiles of 96, 96, 64 ran 0.84x oneDNN, 4 of 64 0.95x),
// so B panels stay long; then the columns too in equal tiles (N = 2048 with NC 1536: two of 1024,
// +4% at 2048^3). What the caller fixed stays.
void balance_tiles(Blocking& blk, const Blocking& fixed, const GemmKernelInfo& k, int m, int n, int threads) {
  if (fixed.mc <= 0) {
    int m_tiles = ceil_div(m, blk.mc);
    if (threads > 1 && m_tiles > 1 && m_tiles % threads != 0) m_tiles = ceil_div(m_tiles, threads) * threads;
    blk.mc = std::max(k.mr, ceil_div(ceil_div(m, m_tiles), k.mr) * k.mr);
  }
  if (fixed.nc > 0) return;
  const int m_tiles = ceil_div(m, blk.mc);
  const int panels = ceil_div(n, k.nr);
  if (threads > 1 && m_tiles == 1) {
    // One row tile (a small batch streams B once): one column tile per thread, each as long as
    // it can be. 1 x 4096 x 4096 on 2 threads, oneDNN = 1: 18 tiles of 5 panels 0.58-0.73 (fp32),
    // 0.75 (bf16); 6 of 15 0.67-0.71; 5 of 21 0.83-0.88; 2 of 43 1.01-1.33 (fp32), 0.95-0.99
    // (bf16), 1.18-1.25 (int8); 8 x 4096 x 4096 stays at 0.93-1.05. Past 64 panels (3072 columns)
    // a tile is split again, in a multiple of the threads, so one KC block stays a short wait
    // for the throttle.
    const int tiles = ceil_div(ceil_div(panels, 64), threads) * threads;
    blk.nc = ceil_div(panels, tiles) * k.nr;
    return;
  }
  while (threads > 1 && blk.nc > 4 * k.nr && m_tiles * ceil_div(n, blk.nc) < 4 * threads)
    blk.nc = std::max(4, blk.nc / k.nr / 2) * k.nr;
  blk.nc = ceil_div(ceil_div(n, ceil_div(n, blk.nc)), k.nr) * k.nr;
  // Still not a multiple of the threads: fewer panels per tile, down to four, until it is.
  for (int per = blk.nc / k.nr; threads > 1 && (m_tiles * ceil_div(panels, per)) % threads != 0 && per > 4;) {
    --per;
    if ((m_tiles * ceil_div(panels, per)) % threads == 0) blk.nc = per * k.nr;
  }
}

// One KC block of one tile: every (B panel, A micro-panel) pair. Row ir of the tile's A starts at
// a_first + ir x a_step (packed or in place, see run_tile).
void tile_block(const Plan& p, int m0, int rows, int n0, int cols, int g0, int groups, bool first, bool last,
                const std::uint8_t* a_first, std::ptrdiff_t a_step, std::uint8_t* sums) {
  const int mr = p.k->mr, nr = p.k->nr;
  detail::UkernelArgs u = base_args(p);
  u.k_groups = groups;
  u.load_acc = !first;
  u.final = last;
  u.ld_acc = p.blk.nc;
  u.a_row_stride = p.a_in_place ? static_cast<std::ptrdiff_t>(p.a->ld * activation_bytes(p.k->dtype)) : 4;
  u.a_group_stride = p.a_in_place ? 4 : static_cast<std::ptrdiff_t>(mr) * 4;
  for (int jc = 0; jc < cols; jc += nr) {
    const int col = n0 + jc;
    u.b = p.b->panel(col / nr) + static_cast<std::size_t>(g0) * nr * 4;
    u.n = std::min(nr, p.n - col);
    u.bias = p.ep->bias != nullptr ? p.ep->bias + col : nullptr;
    u.col_scale = p.col_scale.empty() ? nullptr : p.col_scale.data() + col;
    u.col_comp = p.col_comp.empty() ? nullptr : p.col_comp.data() + col;
    for (int ir = 0; ir < rows; ir += mr) {
      const int row = m0 + ir;
      u.m = std::min(mr, rows - ir);
      u.a = a_first + ir * a_step;
      u.acc = sums + (static_cast<std::size_t>(ir) * p.blk.nc + jc) * 4;
      u.c = p.c + (static_cast<std::size_t>(row) * p.ldc + col) * out_elem_size(p.ep->out);
      u.residual = p.ep->residual != nullptr
                       ? p.ep->residual + static_cast<std::size_t>(row) * p.ep->ld_residual + col
                       : nullptr;
      p.k->run(u);
    }
  }
}

// A whole tile; false when the throttle's stop ended it early.
bool run_tile(const Plan& p, int tile) {
  const int mt = tile / p.n_tiles, nt = tile % p.n_tiles;
  const int m0 = mt * p.blk.mc, rows = std::min(p.blk.mc, p.m - m0);
  const int n0 = nt * p.blk.nc, cols = std::min(p.blk.nc, p.n - n0);
  const std::size_t slot = platform::WorkerArena::inside() ? platform::WorkerArena::current_slot() : 0;
  const int mr = p.k->mr;
  Scratch& s = scratch();
  std::uint8_t* apack =
      p.a_in_place ? nullptr : s.a(static_cast<std::size_t>(ceil_div(rows, mr)) * mr * p.kc_groups * 4);
  const std::size_t a_elem = activation_bytes(p.k->dtype);
  const int blocks = ceil_div(p.kgroups, p.kc_groups);
  std::uint8_t* sums =
      blocks > 1 ? s.sums(static_cast<std::size_t>(ceil_div(rows, mr)) * mr * p.blk.nc * 4) : nullptr;
  for (int blk = 0; blk < blocks; ++blk) {
    if (p.ctx->throttle != nullptr && !p.ctx->throttle->await_within_unit(p.ctx->stop)) return false;
    const int g0 = blk * p.kc_groups, groups = std::min(p.kc_groups, p.kgroups - g0);
    const std::uint8_t* a_first = apack;
    std::ptrdiff_t a_step = static_cast<std::ptrdiff_t>(groups) * 4;  // a packed row's groups
    if (p.a_in_place) {
      a_first = static_cast<const std::uint8_t*>(p.a->data) +
                (static_cast<std::size_t>(m0) * p.a->ld + static_cast<std::size_t>(g0) * p.k->kstep) * a_elem;
      a_step = static_cast<std::ptrdiff_t>(p.a->ld * a_elem);
    } else {
      detail::pack_a(*p.a, *p.k, p.b->k(), m0, rows, g0, groups, apack);
    }
    tile_block(p, m0, rows, n0, cols, g0, groups, blk == 0, blk == blocks - 1, a_first, a_step, sums);
    if (p.ctx->counters != nullptr) {
      p.ctx->counters->add(slot,
                           2ull * rows * cols * std::min(groups * p.k->kstep, p.b->k() - g0 * p.k->kstep));
    }
  }
  return true;
}

// The kernel broadcasts A's 4-byte groups straight from A's rows, as oneDNN's brgemm does, when
// every group lies inside K (no zero padding to add); else A is packed per tile and KC block.
// Packing cost half of a narrow int8 GEMM and a few percent of a compute-bound one (Zen 5,
// 1 thread, ours / oneDNN, in place against packed: 96 x 48 x 4096 int8 1.00-1.01 against 0.80;
// 1024^3 int8 0.88-0.90 against 0.87-0.89; 1024^3 fp32 0.98-0.99 against 0.96-0.99).
bool reads_a_in_place(const PackedWeights& b, const GemmKernelInfo& k) { return b.k() % k.kstep == 0; }

void validate(const Activations& a, const PackedWeights& b, int ldc, const Epilogue& ep) {
  if (a.m <= 0 || a.data == nullptr)
    throw std::invalid_argument("GEMM with M = " + std::to_string(a.m) + " rows; give M >= 1");
  if (a.ld < b.k()) {
    throw std::invalid_argument("A's leading dimension " + std::to_string(a.ld) +
                                " is less than K = " + std::to_string(b.k()));
  }
  if (ldc < b.n())
    throw std::invalid_argument("C's leading dimension " + std::to_string(ldc) +
                                " is less than N = " + std::to_string(b.n()));
  if (ep.residual != nullptr && ep.ld_residual < b.n())
    throw std::invalid_argument("residual leading dimension is less than N");
}

}  // namespace

bool gemm(const Activations& a, const PackedWeights& b, void* c, int ldc, const Epilogue& ep,
          GemmContext& ctx) {
  validate(a, b, ldc, ep);
  Plan p{&a,
         &b,
         &b.kernel(),
         &ep,
         static_cast<std::uint8_t*>(c),
         ldc,
         ctx.blocking.resolved(b.kernel()),
         a.m,
         b.n(),
         b.k_groups(),
         0,
         0,
         {},
         {},
         &ctx};
  // Equal KC blocks: K = 4096 with KC <= 1365 is 4 blocks of 1024, not 3 and a sliver.
  const int kc_max = std::max(1, p.blk.kc / p.k->kstep);
  p.kc_groups = ceil_div(p.kgroups, ceil_div(p.kgroups, kc_max));
  const int threads = ctx.arena != nullptr ? static_cast<int>(ctx.arena->threads()) : 1;
  balance_tiles(p.blk, ctx.blocking, *p.k, p.m, p.n, threads);
  p.n_tiles = ceil_div(p.n, p.blk.nc);
  p.a_in_place = reads_a_in_place(b, *p.k);
  if (p.k->dtype == DType::int8) {
    p.col_scale.resize(p.n);
    p.col_comp.resize(p.n);
    for (int j = 0; j < p.n; ++j) {
      p.col_scale[j] = a.quant.scale * b.scales()[j];
      p.col_comp[j] = a.quant.zero_point * b.column_sums()[j];
    }
  }
  const int tiles = ceil_div(p.m, p.blk.mc) * p.n_tiles;
  // One tile, or no arena: run on the calling thread. Entering an arena and forking a loop costs
  // microseconds, as much as a whole batch-1 GEMM (measured: int8 1x1024x1024 lost 40%).
  if (ctx.arena == nullptr || tiles == 1) {
    for (int t = 0; t < tiles; ++t) {
      if (!run_tile(p, t)) return false;
    }
    return true;
  }
  // Each arena slot claims tiles from one counter. A slot over the throttle's worker cap holds no
  // tile: it waits (polling, 100 us) until the cap rises or every tile is claimed, so the active
  // slots never wait on it. Slot 0 (the caller) is never over a cap of at least one.
  std::atomic<bool> complete{true};
  std::atomic<int> next{0};
  const auto slot_loop = [&](std::size_t slot) {
    for (;;) {
      while (ctx.throttle != nullptr && slot >= ctx.throttle->active_workers()) {
        if (next.load(std::memory_order_relaxed) >= tiles || ctx.stop.stop_requested()) return;
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      const int t = next.fetch_add(1, std::memory_order_relaxed);
      if (t >= tiles) return;
      if (!run_tile(p, t)) {
        complete = false;
        return;
      }
    }
  };
  const auto all_tiles = [&] {
    const int slots = static_cast<int>(ctx.arena->threads());
    tbb::parallel_for(
        tbb::blocked_range<int>(0, slots, 1),
        [&](const tbb::blocked_range<int>& r) {
          for (int i = r.begin(); i != r.end(); ++i) slot_loop(platform::WorkerArena::current_slot());
        },
        tbb::simple_partitioner());
  };
  // Callers that already run inside the arena (the inference workload) fork directly.
  if (platform::WorkerArena::inside()) {
    all_tiles();
  } else {
    ctx.arena->execute(all_tiles);
  }
  return complete;
}

}  // namespace joulebench::inference
