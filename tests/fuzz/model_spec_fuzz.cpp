// Fuzzes the model grammar: a spec parses (and its canonical form parses to the same spec, with a
// finite memory bound) or it is std::invalid_argument naming the bad part.
#include <cmath>
#include <stdexcept>

#include "fuzz_input.hpp"
#include "joulebench/inference/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace joulebench;
  fuzz::expect_only<std::invalid_argument>([&] {
    const inference::ModelSpec s = inference::parse_model(fuzz::text(data, size));
    const inference::ModelSpec again = inference::parse_model(s.to_string());
    if (again.to_string() != s.to_string() || !std::isfinite(s.memory_bytes()) ||
        !(s.flops_per_inference() > 0))
      __builtin_trap();
  });
  return 0;
}
