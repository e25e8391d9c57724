// Fuzzes nBits and difficulty: compact hex text, raw 32-bit compacts and difficulties from bytes.
#include <cstring>
#include <stdexcept>

#include "fuzz_input.hpp"
#include "joulebench/miner/block_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace joulebench;
  fuzz::expect_only<std::invalid_argument>(
      [&] { (void)miner::target_from_compact(miner::parse_compact_hex(fuzz::text(data, size))); });
  if (size >= 4) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, data, 4);
    fuzz::expect_only<std::invalid_argument>([&] { (void)miner::target_from_compact(bits).to_hex(); });
  }
  if (size >= 8) {
    double d = 0;
    std::memcpy(&d, data, 8);
    fuzz::expect_only<std::invalid_argument>([&] { (void)miner::target_from_difficulty(d).to_hex(); });
  }
  return 0;
}
