// Fuzzes cap values ("120W", "2.1GHz", "60%") against a watt, a hertz and a fraction actuator:
// a finite number or std::invalid_argument, never another exception.
#include <cmath>
#include <stdexcept>

#include "fuzz_input.hpp"
#include "joulebench/power/actuator.hpp"

namespace {

class UnitActuator final : public joulebench::power::Actuator {
 public:
  explicit UnitActuator(std::string unit, double max) : unit_(std::move(unit)), max_(max) {}
  std::string name() const override { return "fuzz"; }
  std::string unit() const override { return unit_; }
  bool hardware() const override { return true; }
  double min() const override { return 0; }
  double max() const override { return max_; }
  double value() const override { return max_; }
  joulebench::power::CapResult set(double v) override { return {v, v, {}}; }
  void restore() override {}

 private:
  std::string unit_;
  double max_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace joulebench;
  static const UnitActuator watts("W", 150), hertz("Hz", 3e9), fraction("fraction", 1);
  for (const auto* a : {&watts, &hertz, &fraction}) {
    fuzz::expect_only<std::invalid_argument>([&] {
      if (!std::isfinite(power::parse_cap_value(fuzz::text(data, size), *a))) __builtin_trap();
    });
  }
  return 0;
}
