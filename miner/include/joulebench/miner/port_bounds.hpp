// How close a sha256d kernel can come to a core: the vector operations one hash costs each
// kernel (counted by running the kernel's own round and schedule code over counting operands)
// and, per core, the pipes that execute them (a cited table). The port bound is the fewest
// cycles per hash those pipes allow; a kernel measured near it has nothing left to gain there.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace joulebench::miner {

/// Vector operations per hash of one kernel, by the pipes they need.
struct KernelOps {
  std::string_view kernel;
  int versions = 1;       ///< > 1: version rolling, hash 1's schedule shared by this many versions
  int width_bits = 0;     ///< vector width of the operations (SHA-NI: 128)
  double vector_ops = 0;  ///< every vector ALU operation, the rotates and shifts included
  double rotates = 0, shifts = 0;
  double sha_rounds2 = 0, sha_msg1 = 0, sha_msg2 = 0;  ///< SHA-NI instructions
  std::string_view counted_how;
};

/// The operation counts of `kernel` (a sha256d kernel name); nullopt for kernels without a
/// model (scalar, the OpenSSL reference).
std::optional<KernelOps> kernel_ops(std::string_view kernel, int versions = 1);

/// Execution resources of one core for the operations above. A rate of 0: the core lacks it.
struct CorePipes {
  int vector_bits = 0;
  double ops_per_cycle = 0;      ///< any vector integer ALU op
  double shifts_per_cycle = 0;   ///< immediate shifts (vpsrld/vpslld)
  double rotates_per_cycle = 0;  ///< vprord/vprold; 0 = none (AVX2 shifts and ORs instead)
};

struct CoreModel {
  std::string_view name;  ///< "Zen 5"
  std::string_view vendor;
  int family = -1;
  std::pair<int, int> models[4] = {{0, 255}, {-1, -1}, {-1, -1}, {-1, -1}};  ///< inclusive ranges
  CorePipes ymm, zmm;  ///< zmm.vector_bits == 0: no AVX-512
  bool sha_ni = false;
  double rounds2_cycles = 0, msg1_cycles = 0, msg2_cycles = 0;  ///< reciprocal throughputs
  std::string_view llvm_mcpu;  ///< llvm-mca's -mcpu for a static estimate ("" when LLVM has none)
  std::string_view source;
};

/// The cores modelled, each with where its figures come from.
std::span<const CoreModel> core_models();
/// The model for a CPU as /proc/cpuinfo names it; nullptr when none matches.
const CoreModel* find_core_model(std::string_view vendor, int family, int model);

struct PortBound {
  double cycles_per_hash = 0;  ///< 0: the core cannot run the kernel
  std::string limit;           ///< which resource binds, e.g. "vector ALU (4/cycle)"
};

/// The fewest cycles per hash `ops` can take on `core`: the busiest resource's cycles.
PortBound port_bound(const KernelOps& ops, const CoreModel& core);

}  // namespace joulebench::miner
