// The estimated model's coefficient rows: /proc/cpuinfo of the machines this project runs on (and
// some from the table's source) map to the expected row; an unknown CPU gets the vendor mean with
// a warning naming it; the compiled-in table is the repository's data file.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fake_tree.hpp"
#include "joulebench/power/cpu_coefficients.hpp"
#include "joulebench/power/sensor.hpp"

namespace joulebench::power {
namespace {

using testing::FakeTree;

std::string x86(const std::string& vendor, int family, int model, int stepping, const std::string& name,
                int cpus = 2) {
  std::ostringstream s;
  for (int i = 0; i < cpus; ++i) {
    s << "processor\t: " << i << "\nvendor_id\t: " << vendor << "\ncpu family\t: " << family
      << "\nmodel\t\t: " << model << "\nmodel name\t: " << name << "\nstepping\t: " << stepping
      << "\nflags\t\t: fpu vme\n\n";
  }
  return s.str();
}

std::string arm(const char* implementer, const char* part, int cpus = 2) {
  std::ostringstream s;
  for (int i = 0; i < cpus; ++i) {
    s << "processor\t: " << i
      << "\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd sha2\nCPU implementer\t: " << implementer
      << "\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: " << part << "\nCPU revision\t: 1\n\n";
  }
  return s.str();
}

EstimateBasis basis_of(const std::string& cpuinfo) {
  const CpuIdentity cpu = parse_cpuinfo(cpuinfo);
  return estimate_basis(builtin_coefficients(), cpu, cpu.logical_cpus);
}

struct Case {
  const char* what;
  std::string cpuinfo;
  const char* row;
};

TEST(Coefficients, KnownCpusMapToTheirRow) {
  const std::vector<Case> cases{
      {"Zen 3 VM (GCP n2d)", x86("AuthenticAMD", 25, 1, 0, "AMD EPYC 7B13"), "EPYC 3rd Gen (Zen 3)"},
      {"Zen 5 VM (this project's)", x86("AuthenticAMD", 26, 2, 1, "AMD EPYC"), "EPYC 5th Gen (Zen 5)"},
      {"Ice Lake VM (AWS m6i)",
       x86("GenuineIntel", 6, 106, 6, "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"), "Ice Lake"},
      {"Cascade Lake (AWS m5)",
       x86("GenuineIntel", 6, 85, 7, "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz"), "Cascade Lake"},
      {"Skylake (AWS m5, 2017)",
       x86("GenuineIntel", 6, 85, 4, "Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz"), "Skylake"},
      {"Sapphire Rapids (AWS m7i)", x86("GenuineIntel", 6, 143, 8, "Intel(R) Xeon(R) Platinum 8488C"),
       "Sapphire Rapids"},
      {"Rome (AWS m5a)", x86("AuthenticAMD", 23, 49, 0, "AMD EPYC 7R32"), "EPYC 2nd Gen (Zen 2)"},
      {"Naples", x86("AuthenticAMD", 23, 1, 2, "AMD EPYC 7571"), "EPYC 1st Gen (Zen)"},
      {"Genoa (AWS m7a)", x86("AuthenticAMD", 25, 17, 1, "AMD EPYC 9R14"), "EPYC 4th Gen (Zen 4)"},
      {"Broadwell", x86("GenuineIntel", 6, 79, 1, "Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz"), "Broadwell"},
      {"Graviton2", arm("0x41", "0xd0c"), "Neoverse N1 (Graviton2, Ampere Altra)"},
      {"Graviton3", arm("0x41", "0xd40"), "Neoverse V1 (Graviton3)"},
      {"NVIDIA Grace", arm("0x41", "0xd4f"), "Neoverse V2 (Graviton4, NVIDIA Grace)"},
  };
  for (const auto& c : cases) {
    const EstimateBasis b = basis_of(c.cpuinfo);
    EXPECT_EQ(b.architecture, c.row) << c.what << ": " << b.cpu;
    EXPECT_FALSE(b.fallback) << c.what;
    EXPECT_TRUE(b.warning.empty()) << c.what;
    EXPECT_EQ(b.vcpus, 2u) << c.what;
    EXPECT_FALSE(b.source.empty()) << c.what;
    EXPECT_LT(b.min_watts_per_vcpu, b.max_watts_per_vcpu) << c.what;
  }
}

TEST(Coefficients, RowsAreTheCitedCcfValues) {
  // Spot checks against output/coefficients-aws-use.csv of ccf-coefficients (commit b0032d9).
  const EstimateBasis ice = basis_of(x86("GenuineIntel", 6, 106, 6, "Xeon 8375C"));
  EXPECT_NEAR(ice.min_watts_per_vcpu, 0.766796875, 1e-4);
  EXPECT_NEAR(ice.max_watts_per_vcpu, 3.7582031249999996, 1e-4);
  EXPECT_NE(ice.source.find("ccf-coefficients"), std::string::npos);
  const EstimateBasis milan = basis_of(x86("AuthenticAMD", 25, 1, 0, "AMD EPYC 7B13"));
  EXPECT_NEAR(milan.min_watts_per_vcpu, 0.45562453497023814, 1e-4);
  EXPECT_NEAR(milan.max_watts_per_vcpu, 1.957333519345238, 1e-4);
  // Zen 5 borrows the EPYC 4th Gen row and says why.
  const EstimateBasis zen5 = basis_of(x86("AuthenticAMD", 26, 2, 1, "AMD EPYC"));
  EXPECT_NE(zen5.note.find("4th Gen"), std::string::npos);
}

TEST(Coefficients, UnknownCpuGetsTheVendorMeanWithAWarningNamingIt) {
  const EstimateBasis alder = basis_of(x86("GenuineIntel", 6, 151, 2, "12th Gen Intel(R) Core(TM) i7-12700"));
  EXPECT_TRUE(alder.fallback);
  EXPECT_NE(alder.architecture.find("GenuineIntel"), std::string::npos);
  EXPECT_NE(alder.warning.find("i7-12700"), std::string::npos) << alder.warning;
  EXPECT_NE(alder.warning.find("model 0x97"), std::string::npos) << alder.warning;
  EXPECT_NE(alder.warning.find("calibrate"), std::string::npos) << alder.warning;
  // The mean of the Intel rows lies between the smallest and largest Intel row.
  double lo = 1e9, hi = 0;
  for (const auto& r : builtin_coefficients().rows) {
    if (r.vendor != "GenuineIntel") continue;
    lo = std::min(lo, r.max_watts_per_vcpu);
    hi = std::max(hi, r.max_watts_per_vcpu);
  }
  EXPECT_GT(alder.max_watts_per_vcpu, lo);
  EXPECT_LT(alder.max_watts_per_vcpu, hi);
  const EstimateBasis hygon = basis_of(x86("HygonGenuine", 24, 0, 1, "Hygon C86 7185 32-core Processor"));
  EXPECT_TRUE(hygon.fallback);
  EXPECT_NE(hygon.architecture.find("every row"), std::string::npos);
  EXPECT_TRUE(basis_of("").fallback);
}

TEST(Coefficients, ModelIsVcpusTimesMinPlusSpanTimesBusyVcpus) {
  const EstimateBasis b = basis_of(x86("GenuineIntel", 6, 106, 6, "Xeon 8375C", 4));
  const PowerModel m = coefficient_power_model(b);
  EXPECT_EQ(b.vcpus, 4u);
  EXPECT_NEAR(m.idle_watts, 4 * b.min_watts_per_vcpu, 1e-12);
  EXPECT_NEAR(m.idle_watts + 4 * m.active_watts_per_core, 4 * b.max_watts_per_vcpu, 1e-12);
  ASSERT_TRUE(m.basis.has_value());
  EXPECT_EQ(m.basis->architecture, "Ice Lake");
}

TEST(Coefficients, DiscoveryUsesTheRowOfTheTreesCpuinfoAndCalibrationWins) {
  FakeTree tree;
  tree.write("/proc/cpuinfo", x86("AuthenticAMD", 25, 1, 0, "AMD EPYC 7B13", 8));
  tree.write("/proc/stat", "cpu  0 0 0 100 0 0 0 0 0 0\ncpu0 0 0 0 50 0 0 0 0");
  const SensorSet set = discover_sensors({SysfsRoot(tree.root()), std::nullopt, false});
  const Sensor* est = nullptr;
  for (const auto& s : set.sensors)
    if (s->name() == "estimated:cpu") est = s.get();
  ASSERT_NE(est, nullptr);
  ASSERT_NE(est->model(), nullptr);
  ASSERT_TRUE(est->model()->basis.has_value());
  EXPECT_EQ(est->model()->basis->architecture, "EPYC 3rd Gen (Zen 3)");
  EXPECT_EQ(est->model()->basis->vcpus, 8u);
  EXPECT_NEAR(est->model()->idle_watts, 8 * 0.45562453497023814, 1e-3);
  EXPECT_NE(est->path().find("EPYC 3rd Gen"), std::string::npos);

  tree.write("/cal.json", R"({"idle_watts": 12.5, "active_watts_per_core": 3.25})");
  const SensorSet cal = discover_sensors({SysfsRoot(tree.root()), tree.root() / "cal.json", false});
  for (const auto& s : cal.sensors) {
    if (s->name() != "estimated:cpu") continue;
    EXPECT_FALSE(s->model()->basis.has_value());
    EXPECT_DOUBLE_EQ(s->model()->idle_watts, 12.5);
  }
}

TEST(Coefficients, CompiledTableIsTheDataFile) {
  std::ifstream in(JOULEBENCH_COEFFICIENTS_JSON);
  ASSERT_TRUE(in) << JOULEBENCH_COEFFICIENTS_JSON;
  std::stringstream text;
  text << in.rdbuf();
  const CoefficientTable file = parse_coefficient_table(text.str());
  ASSERT_EQ(file.rows.size(), builtin_coefficients().rows.size());
  for (std::size_t i = 0; i < file.rows.size(); ++i) {
    EXPECT_EQ(file.rows[i].architecture, builtin_coefficients().rows[i].architecture);
    EXPECT_EQ(file.rows[i].max_watts_per_vcpu, builtin_coefficients().rows[i].max_watts_per_vcpu);
  }
}

TEST(Coefficients, MalformedTableNamesTheRowAndField) {
  const std::string head = R"({"formula": "f", "scope": "s", "uncertainty": "u", "sources": {"a": "b"},
    "architectures": [)";
  try {
    (void)parse_coefficient_table(
        head + R"({"architecture": "Bad", "vendor": "V", "source": "a", "min_watts_per_vcpu": 3,
                   "max_watts_per_vcpu": 2}]})");
    FAIL() << "min above max was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'Bad'"), std::string::npos) << e.what();
  }
  try {
    (void)parse_coefficient_table(head + R"({"architecture": "NoMax", "vendor": "V", "source": "a",
                                            "min_watts_per_vcpu": 1}]})");
    FAIL() << "a row without max was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'NoMax'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)parse_coefficient_table("{}"), std::runtime_error);
}

}  // namespace
}  // namespace joulebench::power
