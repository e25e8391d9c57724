// Fuzzes the results reader behind compare, merge and report: any bytes as results.json are
// refused (std::runtime_error, or a JSON type error naming the field, which the commands turn
// into exit 2), or read and rendered (CSV, report) without crashing or undefined behaviour.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "report/pages.hpp"
#include "results/compare.hpp"
#include "results/fleet.hpp"
#include "results/outputs.hpp"
#include "results/validity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace joulebench;
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("joulebench-fuzz-results-" + std::to_string(::getpid()) + ".json");
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  fuzz::expect_only<std::runtime_error>([&] {
    const nlohmann::json r = suite::load_results(file);
    fuzz::expect_only<nlohmann::json::exception>([&] {
      (void)suite::curves_csv(r);
      (void)suite::steps_csv(r);
      (void)suite::render_report(r, nlohmann::json::array());
      (void)suite::validity(r);
      (void)suite::render_fleet(suite::load_fleet({file}));
    });
    fuzz::expect_only<std::runtime_error>([&] {
      const auto report = suite::compare_results(r, r, {});
      if (report.regression) __builtin_trap();  // a run never regresses against itself
      suite::CompareInputs in{r, r, nlohmann::json::array(), nlohmann::json::array(), "a", "b"};
      fuzz::expect_only<nlohmann::json::exception>([&] { (void)suite::render_compare(in, report, {}); });
    });
  });
  return 0;
}
