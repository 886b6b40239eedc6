// Replays every input the fuzzers (tests/fuzz, docs/hardening.md) start from or found a problem
// with, from tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/, through the same
// entry point: each must now load or be refused with the input error of its path (ConfigError,
// RegisterError), never anything else. The specific findings also have tests of their own below.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/config/scenario_yaml.hpp"
#include "sim/register/register_import.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace {

using namespace schoolsim;
namespace fs = std::filesystem;

const fs::path kSource = SCHOOLSIM_SOURCE_DIR;
const fs::path kSweeps = kSource / "scenarios" / "sweeps";

std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path folder = kSource / "tests" / "fuzz" / kind / target;
    if (fs::is_directory(folder))
      for (const auto& e : fs::directory_iterator(folder))
        if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `load` on every regression input of `target`: it may return or throw `Expected`.
template <class Expected, class Load>
void replay(const std::string& target, Load&& load) {
  const auto files = inputs(target);
  // A renamed folder must not turn this test into one that replays nothing.
  ASSERT_GE(files.size(), 3u) << "no fuzz inputs found for " << target;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const std::string text = bytes_of(file);
    try {
      load(text);
    } catch (const Expected&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected " << typeid(e).name() << ": " << e.what();
    }
  }
}

TEST(FuzzRegressions, ScenarioYamlInputs) {
  replay<config::ConfigError>("scenario_yaml",
                              [](const std::string& t) { config::load_scenario_text(t, "fuzz.yaml"); });
}

TEST(FuzzRegressions, SetOverrideInputs) {
  replay<config::ConfigError>("set_override", [](const std::string& t) {
    Scenario s = default_scenario();
    std::istringstream lines(t);
    for (std::string line; std::getline(lines, line);) {
      try {
        config::apply_override(s, line);
      } catch (const config::ConfigError&) {
      }
    }
    config::validate(s);
  });
}

TEST(FuzzRegressions, SweepSpecInputs) {
  replay<config::ConfigError>("sweep_spec",
                              [](const std::string& t) { sweep::load_sweep_text(t, "fuzz.yaml", kSweeps); });
}

TEST(FuzzRegressions, RegisterCsvInputs) {
  replay<school_register::RegisterError>("register_csv", [](const std::string& t) {
    school_register::import_register(t, "fuzz.csv", school_register::ImportRules{});
  });
}

// Found by fuzz_sweep_spec: a list index too large for size_t made std::stoul throw
// std::out_of_range out of the loader (the CLI said "error: stoul", exit status 1).
TEST(FuzzRegressions, HugeListIndexInASweepParameterIsAnInputError) {
  const std::string text =
      "base: ../la_brokered.yaml\nparameters:\n  programmes[99999999999999999999].budget: {values: [1, 2]}\n"
      "design: grid\n";
  try {
    sweep::load_sweep_text(text, "test.yaml", kSweeps);
    FAIL() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("test.yaml:3:3: parameters.programmes[99999999999999999999].budget: the base scenario (after "
                        "'set:') has no programmes entries"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("does not exist"), std::string::npos) << what;
  }
}

// Found by fuzz_set_override / fuzz_scenario_yaml (slow units): every unknown key computed
// "did you mean" edit distances against every parameter, O(key length) each, so a file of many
// or long unknown keys took minutes. Problems are now capped at 50 (the rest counted) and
// long keys get no suggestion.
TEST(FuzzRegressions, ManyUnknownKeysAreCappedAndFast) {
  std::string text;
  for (int k = 0; k < 5000; ++k) text += "unknown_key_" + std::to_string(k) + std::string(200, 'x') + ": 1\n";
  try {
    config::load_scenario_text(text, "many.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 51u);
    EXPECT_EQ(config::format_problem(e.problems().back()), "many.yaml: ... and 4950 more problems");
    EXPECT_EQ(config::format_problem(e.problems().front()),
              "many.yaml:1:1: unknown_key_0" + std::string(200, 'x') + ": unknown key");
  }
}

}  // namespace
