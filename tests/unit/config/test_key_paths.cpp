// Key paths into list entries (issue 15 item 2): `--set`, a sweep's `set:` and swept
// parameters address `programmes[0].budget` and `programmes[name].budget` alike, through the
// one parser of sim/config/key_path.hpp.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "sim/config/key_path.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/sweep/run_plan.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace {

using namespace schoolsim;

const std::string kTwoProgrammes = R"(world: {regions: {north: [0, 1]}}
programmes:
  - {name: city_challenge, region: north, start: 2, end: 8, budget: 5.0e7}
  - {name: pathfinder, start: 3, end: 9, budget: 2.0e6}
funding:
  changes: [{term: 4, multiplier: 0.9}]
)";

std::string error_of(const std::vector<std::string>& sets) {
  try {
    config::load_scenario_text(kTwoProgrammes, "test.yaml", sets);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

/// The lines of the resolved scenarios that differ (a, b).
std::vector<std::pair<std::string, std::string>> differing_lines(const Scenario& a, const Scenario& b) {
  std::istringstream sa(config::to_yaml(a)), sb(config::to_yaml(b));
  std::vector<std::pair<std::string, std::string>> out;
  std::string la, lb;
  while (std::getline(sa, la) && std::getline(sb, lb))
    if (la != lb) out.emplace_back(la, lb);
  EXPECT_FALSE(std::getline(sa, la) || std::getline(sb, lb)) << "the resolved scenarios differ in length";
  return out;
}

TEST(KeyPaths, SetChangesExactlyTheNamedFieldByIndexAndByName) {
  const Scenario original = config::load_scenario_text(kTwoProgrammes, "test.yaml");
  for (const std::string key : {"programmes[1].budget", "programmes[pathfinder].budget"}) {
    const Scenario set = config::load_scenario_text(kTwoProgrammes, "test.yaml", {key + "=1e7"});
    EXPECT_EQ(set.programmes[1].budget, 1e7) << key;
    const auto diff = differing_lines(original, set);
    ASSERT_EQ(diff.size(), 1u) << key;
    EXPECT_EQ(diff[0].first, "    budget: 2.0e+06") << key;
    EXPECT_EQ(diff[0].second, "    budget: 1.0e+07") << key;
  }
  const Scenario changed =
      config::load_scenario_text(kTwoProgrammes, "test.yaml", {"funding.changes[0].multiplier=0.8"});
  const auto diff = differing_lines(original, changed);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0].second, "      multiplier: 0.8");
}

TEST(KeyPaths, ErrorsNameTheKeyPathTheEntriesAndTheClosestName) {
  EXPECT_NE(error_of({"programmes[2].budget=1"})
                .find("--set 'programmes[2].budget=1': programmes[2].budget: the scenario has 2 programmes entries, so "
                      "programmes[2] does not exist (entries are programmes[0] to programmes[1])"),
            std::string::npos)
      << error_of({"programmes[2].budget=1"});
  EXPECT_NE(error_of({"programmes[city_chalenge].end=5"})
                .find("programmes[city_chalenge].end: no programmes entry is named 'city_chalenge' (did you mean "
                      "'city_challenge'?); names: city_challenge, pathfinder"),
            std::string::npos)
      << error_of({"programmes[city_chalenge].end=5"});
  EXPECT_NE(
      error_of({"programmes[0].budgt=1"}).find("unknown key 'budgt' of programmes entries (did you mean 'budget'?)"),
      std::string::npos);
  EXPECT_NE(error_of({"programmes[0].budget=-1"}).find("programmes[0].budget: value -1 is out of range [0, "),
            std::string::npos)
      << error_of({"programmes[0].budget=-1"});
  EXPECT_NE(error_of({"funding.changes[first].term=2"}).find("funding.changes entries have no names"),
            std::string::npos);
  EXPECT_NE(error_of({"brokering[0].w_gap=2"}).find("'brokering' is not a list"), std::string::npos);
  EXPECT_NE(error_of({"programmes[0.budget=2"}).find("no ']' closes the '[' after 'programmes'"), std::string::npos);
  // Cross-field validation still runs on the changed entry.
  EXPECT_NE(error_of({"programmes[city_challenge].end=1"}).find("programmes[0].end: must not be before start (2)"),
            std::string::npos);
}

TEST(KeyPaths, DuplicateNamesMustBeAddressedByIndex) {
  const std::string yaml = "programmes: [{name: p}, {name: p}]\n";
  try {
    config::load_scenario_text(yaml, "test.yaml", {"programmes[p].budget=5"});
    FAIL() << "an ambiguous name was accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("2 programmes entries are named 'p' (programmes[0] and programmes[1])"),
              std::string::npos)
        << e.what();
  }
}

TEST(KeyPaths, OneParserForSetAndSweeps) {
  config::KeyPath path;
  EXPECT_EQ(config::parse_key_path("programmes[city_challenge].budget", path), "");
  EXPECT_EQ(path.list, "programmes");
  EXPECT_EQ(path.selector, "city_challenge");
  EXPECT_EQ(path.field, "budget");
  EXPECT_EQ(config::parse_key_path("brokering.w_gap", path), "");
  EXPECT_FALSE(path.entry());
  EXPECT_NE(config::parse_key_path("brokering..w_gap", path), "");
  const Scenario s = config::load_scenario_text(kTwoProgrammes, "test.yaml");
  EXPECT_EQ(config::canonical_key("programmes[pathfinder].end", s), "programmes[1].end");
  EXPECT_EQ(config::canonical_key("brokering.w_gap", s), "brokering.w_gap");
}

const std::string kFolder = std::string(SCHOOLSIM_SOURCE_DIR) + "/scenarios/sweeps";
const std::string kSweepHead = R"(base: ../la_brokered.yaml
set:
  world.n_primary: 200
  programmes: [{name: city_challenge, start: 1, end: 6, budget: 1.0e6}, {name: pathfinder, start: 2, end: 4}]
  programmes[pathfinder].budget: 3.0e5
)";

std::string sweep_problems(const std::string& text) {
  try {
    sweep::load_sweep_text(text, "test.yaml", kFolder);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

TEST(KeyPaths, SweepsSetAndVaryEntriesByName) {
  const auto spec = sweep::load_sweep_text(
      kSweepHead + "parameters:\n  programmes[city_challenge].end: {values: [4, 6]}\ndesign: grid\n", "test.yaml",
      kFolder);
  EXPECT_EQ(spec.base_scenario.programmes[1].budget, 3.0e5) << "set: by name";
  ASSERT_EQ(spec.parameters.size(), 1u);
  EXPECT_EQ(spec.parameters[0].key, "programmes[city_challenge].end");
  EXPECT_EQ(spec.parameters[0].variable, "programmes__0__end") << "variables name entries by index";
  const sweep::SweepPlan plan(spec);
  EXPECT_EQ(plan.point_scenario(0).programmes[0].end, 4);
  EXPECT_EQ(plan.point_scenario(1).programmes[0].end, 6);
  EXPECT_EQ(plan.point_scenario(1).programmes[1].end, 4);
}

TEST(KeyPaths, SweepEntryErrorsPointAtTheSweepFile) {
  const std::string bad_set = sweep_problems(kSweepHead + "  programmes[pathfindr].end: 3\ndesign: grid\n");
  EXPECT_NE(bad_set.find("test.yaml:6:3: set.programmes[pathfindr].end: no programmes entry is named 'pathfindr' "
                         "(did you mean 'pathfinder'?)"),
            std::string::npos)
      << bad_set;
  const std::string bad_index =
      sweep_problems(kSweepHead + "parameters:\n  programmes[2].end: {values: [3, 4]}\ndesign: grid\n");
  EXPECT_NE(bad_index.find("parameters.programmes[2].end: the base scenario (after 'set:') has 2 programmes entries"),
            std::string::npos)
      << bad_index;
  // One entry by two spellings is one parameter.
  const std::string twice = sweep_problems(
      kSweepHead +
      "parameters:\n  programmes[0].end: {values: [3, 4]}\n  programmes[city_challenge].end: {values: [5, 6]}\n"
      "design: grid\n");
  EXPECT_NE(twice.find("duplicate parameter (the same as parameters.programmes[0].end)"), std::string::npos) << twice;
  const std::string set_and_swept =
      sweep_problems(kSweepHead +
                     "  programmes[0].start: 2\nparameters:\n"
                     "  programmes[city_challenge].start: {values: [1, 2]}\ndesign: grid\n");
  EXPECT_NE(set_and_swept.find("sets a parameter the sweep varies"), std::string::npos) << set_and_swept;
}

}  // namespace
