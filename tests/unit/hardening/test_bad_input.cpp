// Bad input at the loaders (the CLI side is tests/python/test_bad_input.py): huge, endless,
// extreme and binary input to the scenario, sweep, register and world-file readers ends in
// the input error of that path, naming the file and what is wrong (docs/hardening.md).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <string>
#include <vector>

#include "../register/register_text.hpp"
#include "sim/core/damaged_file_error.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/register/register_import.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/io/world_file.hpp"

namespace {

using namespace schoolsim;
namespace fs = std::filesystem;
namespace reg = school_register;

fs::path folder_for(const std::string& name) {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = fs::path(base ? base : fs::temp_directory_path().string()) /
                          ("hardening_input_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

/// The problems of a ConfigError thrown by `f`, joined; fails the test if none is thrown.
template <class F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(BadInput, HugeScenarioFileIsRefusedBeforeParsing) {
  const fs::path folder = folder_for("huge_scenario");
  const fs::path file = folder / "huge.yaml";
  {
    std::ofstream f(file, std::ios::binary);
    const std::string line = "some_key: 1\n";
    for (std::size_t written = 0; written <= (std::size_t{9} << 20); written += line.size()) f << line;
  }
  const std::string e = config_error([&] { config::load_scenario_file(file); });
  EXPECT_TRUE(contains(e, file.string() + ": is too large (9.0 MiB; the limit is 8 MiB)")) << e;
  const std::string s = config_error([&] { sweep::load_sweep_file(file); });
  EXPECT_TRUE(contains(s, file.string() + ": is too large")) << s;
  fs::remove_all(folder);
}

TEST(BadInput, EndlessScenarioInputIsRefused) {
  const std::string e = config_error([] { config::load_scenario_file("/dev/zero"); });
  EXPECT_EQ(e, "/dev/zero: not a regular file (a character device)");
}

TEST(BadInput, ExtremeNumbersAreRangeOrTypeErrors) {
  struct Case {
    std::string yaml, expected;
  };
  const std::vector<Case> cases = {
      {"brokering: {broker_radius_km: 1e308}", "brokering.broker_radius_km: value 1e308 is out of range [0, 1000]"},
      {"brokering: {broker_radius_km: -1e308}", "value -1e308 is out of range"},
      {"brokering: {broker_radius_km: .inf}", "value .inf is out of range"},
      {"brokering: {broker_radius_km: .nan}", "value .nan is out of range"},
      {"run: {terms: 1e308}", "run.terms: expected an integer, got '1e308'"},
      {"run: {terms: 99999999999999999999}", "run.terms: value 99999999999999999999 is out of range"},
      {"run: {terms: 2147483648}", "run.terms: value 2147483648 is out of range"},
      {"world: {regions: {north: [99999999999]}}", "world.regions.north: expected an LA index"},
      {"inspection: {grade_shares: [1e308, 0, 0, 0]}", "inspection.grade_shares: value 1e308 is out of range"},
  };
  for (const auto& c : cases) {
    const std::string e = config_error([&] { config::load_scenario_text(c.yaml, "x.yaml"); });
    EXPECT_TRUE(contains(e, "x.yaml:1:")) << c.yaml << "\n" << e;
    EXPECT_TRUE(contains(e, c.expected)) << c.yaml << "\n" << e;
  }
}

TEST(BadInput, MillionElementListIsOneProblem) {
  // 10^7 elements in a file are refused by size (tests/python/test_bad_input.py); in text, 10^6.
  std::string yaml = "inspection:\n  grade_shares: [";
  yaml.reserve(2'000'100);
  for (int k = 0; k < 1'000'000; ++k) yaml += "0,";
  yaml += "0]\n";
  const std::string e = config_error([&] { config::load_scenario_text(yaml, "long.yaml"); });
  EXPECT_TRUE(contains(e, "long.yaml:2:17: inspection.grade_shares: expected a list of 4 reals, got a list"))
      << e.substr(0, 500);
}

TEST(BadInput, BinaryScenarioAndSweepFilesAreNamedAsSuch) {
  const fs::path folder = folder_for("binary");
  const fs::path file = folder / "binary.yaml";
  {
    std::ofstream f(file, std::ios::binary);
    for (int k = 0; k < 4096; ++k) f.put(static_cast<char>(k % 256));
  }
  EXPECT_EQ(config_error([&] { config::load_scenario_file(file); }),
            file.string() + ": not a YAML text file (binary data)");
  EXPECT_EQ(config_error([&] { sweep::load_sweep_file(file); }),
            file.string() + ": not a YAML text file (binary data)");
  fs::remove_all(folder);
}

TEST(BadInput, RegisterRowsWithExtremeNumbersAreMalformedRows) {
  std::vector<test::RegRow> rows(4);
  for (int k = 0; k < 4; ++k) rows[static_cast<std::size_t>(k)].urn = std::to_string(100 + k);
  rows[0].easting = "1e308";
  rows[1].pupils = "-1e308";
  rows[2].fsm = "nan";
  rows[3].urn = "99999999999999999999";
  std::vector<test::RegRow> good(96);
  for (int k = 0; k < 96; ++k) good[static_cast<std::size_t>(k)].urn = std::to_string(1000 + k);
  rows.insert(rows.end(), good.begin(), good.end());
  reg::ImportRules rules;
  rules.max_bad_share = 0.05;
  const reg::ImportResult r = reg::import_register(test::reg_text(rows), "extreme.csv", rules);
  EXPECT_EQ(r.report.skipped_malformed, 4);
  EXPECT_EQ(r.report.kept, 96);
  rules.max_bad_share = 0.01;
  try {
    reg::import_register(test::reg_text(rows), "extreme.csv", rules);
    FAIL() << "expected a RegisterError";
  } catch (const reg::RegisterError& e) {
    EXPECT_TRUE(contains(e.what(), "extreme.csv: 4 of 100 rows (4%) are malformed")) << e.what();
  }
}

TEST(BadInput, WorldFileWithExtremeValuesIsRefused) {
  const fs::path folder = folder_for("world");
  std::vector<test::RegRow> rows(3);
  for (int k = 0; k < 3; ++k) rows[static_cast<std::size_t>(k)].urn = std::to_string(100 + k);
  const reg::ImportResult imported = reg::import_register(test::reg_text(rows), "r.csv", reg::ImportRules{});
  struct Case {
    std::string name, expected;
    void (*edit)(WorldFileData&);
  };
  const std::vector<Case> cases = {
      {"x", "school_x/school_y beyond 100000 km", [](WorldFileData& d) { d.x[1] = 1e308; }},
      {"places", "school_places above 1000000", [](WorldFileData& d) { d.places[0] = 1e308, d.pupils[0] = 1; }},
      {"phase", "school_phase must be 0 or 1", [](WorldFileData& d) { d.phase[2] = 7; }},
      {"empty", "it has no schools", [](WorldFileData& d) { d = WorldFileData{}; }},
  };
  for (const auto& c : cases) {
    WorldFileData d = imported.world;
    c.edit(d);
    const fs::path file = folder / (c.name + ".h5");
    write_world_file(file, false, d);
    try {
      read_world_file(file);
      ADD_FAILURE() << c.name << ": expected a WorldFileError";
    } catch (const WorldFileError& e) {
      EXPECT_TRUE(contains(e.what(), file.string() + ": invalid world file: " + c.expected)) << e.what();
    }
  }
  // Not HDF5 or empty: the wrong file, an input error (exit 2). Truncated: a damaged world
  // file, a runtime error (exit 1; sim/core/damaged_file_error.hpp).
  const std::string bytes = [&] {
    write_world_file(folder / "ok.h5", false, imported.world);
    std::ifstream in(folder / "ok.h5", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  for (const auto& [name, content] :
       std::vector<std::pair<std::string, std::string>>{{"text.h5", "URN,LA\n1,2\n"}, {"zero.h5", ""}}) {
    std::ofstream(folder / name, std::ios::binary) << content;
    EXPECT_THROW(read_world_file(folder / name), WorldFileError) << name;
  }
  std::ofstream(folder / "half.h5", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_THROW(read_world_file(folder / "half.h5"), DamagedFileError);
  fs::remove_all(folder);
}

}  // namespace
