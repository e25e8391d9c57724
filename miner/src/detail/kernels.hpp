// Every scan kernel compiled into the miner. Each ISA's function exists only when the compiler
// could build it (JOULEBENCH_BUILT_<ISA>); the dispatch table also checks the running CPU.
#pragma once

#include "detail/scan_job.hpp"

namespace joulebench::miner::detail {

std::size_t scan_ref(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_scalar(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_scalar_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                               RolledCandidate* out);
#if JOULEBENCH_BUILT_SHANI
std::size_t scan_shani(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_shani_2x(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_shani_3x(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_shani_3x_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                                 RolledCandidate* out);
std::size_t scan_shani_2x_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                                 RolledCandidate* out);
std::size_t scan_shani_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                              RolledCandidate* out);
#endif
#if JOULEBENCH_BUILT_ARM_SHA2
std::size_t scan_arm_sha2(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_arm_sha2_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                                 RolledCandidate* out);
std::size_t scan_arm_sha2_2x(const ScanJob& job, std::uint32_t first, std::uint64_t count,
                             std::uint32_t* out);
std::size_t scan_arm_sha2_2x_rolled(const ScanJob* jobs, int versions, std::uint32_t first,
                                    std::uint64_t count, RolledCandidate* out);
#endif
#if JOULEBENCH_BUILT_NEON
std::size_t scan_neon(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_neon_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                             RolledCandidate* out);
#endif
#if JOULEBENCH_BUILT_AVX2
std::size_t scan_avx2(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_avx2_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                             RolledCandidate* out);
#endif
#if JOULEBENCH_BUILT_AVX512
std::size_t scan_avx512(const ScanJob& job, std::uint32_t first, std::uint64_t count, std::uint32_t* out);
std::size_t scan_avx512_1x16(const ScanJob& job, std::uint32_t first, std::uint64_t count,
                             std::uint32_t* out);
std::size_t scan_avx512_rolled(const ScanJob* jobs, int versions, std::uint32_t first, std::uint64_t count,
                               RolledCandidate* out);
std::size_t scan_avx512_textbook(const ScanJob& job, std::uint32_t first, std::uint64_t count,
                                 std::uint32_t* out);
std::size_t scan_avx512_textbook_rolled(const ScanJob* jobs, int versions, std::uint32_t first,
                                        std::uint64_t count, RolledCandidate* out);
#endif

}  // namespace joulebench::miner::detail
