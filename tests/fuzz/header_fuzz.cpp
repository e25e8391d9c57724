// Fuzzes the 80-byte header parser: any text is a header (and round-trips) or std::invalid_argument.
#include <stdexcept>

#include "fuzz_input.hpp"
#include "joulebench/miner/block_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace joulebench;
  fuzz::expect_only<std::invalid_argument>([&] {
    const miner::BlockHeader h = miner::parse_header_hex(fuzz::text(data, size));
    if (miner::parse_header_hex(h.to_hex()).to_hex() != h.to_hex()) __builtin_trap();
    (void)miner::block_hash(h);
  });
  return 0;
}
