#include <gtest/gtest.h>

#include <string>

#include "sim/config/scenario_yaml.hpp"

using schoolsim::BrokerStrategy;
using schoolsim::config::ConfigError;
using schoolsim::config::load_scenario_text;

namespace {
// Returns the error text of loading `yaml`, or "" if it loads.
std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_text(yaml, "test.yaml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(ScenarioYaml, EmptyDocumentGivesDefaults) {
  const auto s = load_scenario_text("", "empty.yaml");
  EXPECT_EQ(s.world.n_primary, 16764);
  EXPECT_EQ(s.world.n_secondary, 3450);
  EXPECT_EQ(s.world.n_las, 153);
  EXPECT_DOUBLE_EQ(s.brokering.w_gap, 1.0);
  EXPECT_DOUBLE_EQ(s.competition.choice_radius_km[1], 10.0);
}

TEST(ScenarioYaml, OverridesNestedAndListValues) {
  const auto s = load_scenario_text(
      "name: t\nbrokering:\n  strategy: nearest\n  slots_per_term: 5\ncompetition:\n  choice_radius_km:\n"
      "    primary: 2.5\ninspection:\n  inspection_terms: [9, 9, 3, 2]\nfunding:\n  changes:\n"
      "    - {term: 10, multiplier: 0.9}\nworld:\n  regions:\n    gm: [0, 1, 2]\n"
      "programmes:\n  - {name: gmc, region: gm, start: 2, end: 10, budget: 5.0e7}\n",
      "t.yaml");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.brokering.strategy, BrokerStrategy::Nearest);
  EXPECT_EQ(s.brokering.slots_per_term, 5);
  EXPECT_DOUBLE_EQ(s.competition.choice_radius_km[0], 2.5);
  EXPECT_DOUBLE_EQ(s.competition.choice_radius_km[1], 10.0);
  EXPECT_EQ(s.inspection.inspection_terms[3], 2);
  ASSERT_EQ(s.funding.changes.size(), 1u);
  EXPECT_EQ(s.funding.changes[0].term, 10);
  EXPECT_DOUBLE_EQ(s.funding.changes[0].multiplier, 0.9);
  ASSERT_EQ(s.programmes.size(), 1u);
  EXPECT_EQ(s.programmes[0].region, "gm");
  EXPECT_DOUBLE_EQ(s.programmes[0].budget, 5.0e7);
  EXPECT_EQ(s.world.regions.at("gm").size(), 3u);
}

TEST(ScenarioYaml, UnknownKeyNamesLineColumnAndSuggestion) {
  const std::string e = error_of("name: x\nbrokering:\n  w_gapp: 1\n");
  EXPECT_NE(e.find("test.yaml:3:3: brokering.w_gapp: unknown key (did you mean 'brokering.w_gap'?)"), std::string::npos)
      << e;
}

TEST(ScenarioYaml, KeyInWrongGroupSuggestsTheRightGroup) {
  const std::string e = error_of("brokering:\n  p_self: 0.2\n");
  EXPECT_NE(e.find("did you mean 'self_organised.p_self'?"), std::string::npos) << e;
}

TEST(ScenarioYaml, WrongTypeIsReported) {
  const std::string e = error_of("brokering:\n  slots_per_term: lots\n");
  EXPECT_NE(e.find("test.yaml:2:19: brokering.slots_per_term: expected an integer, got 'lots'"), std::string::npos)
      << e;
  EXPECT_NE(error_of("brokering:\n  enabled: 3\n").find("expected true or false"), std::string::npos);
  EXPECT_NE(error_of("brokering: 5\n").find("expected a mapping"), std::string::npos);
}

TEST(ScenarioYaml, OutOfRangeValueIsReported) {
  const std::string e = error_of("brokering:\n  broker_radius_km: -5\n");
  EXPECT_NE(e.find("test.yaml:2:21: brokering.broker_radius_km: value -5 is out of range [0, 1000]"), std::string::npos)
      << e;
}

TEST(ScenarioYaml, MalformedYamlIsReportedWithLine) {
  const std::string e = error_of("name: x\nbrokering: [1, 2\n");
  EXPECT_NE(e.find("test.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("malformed YAML"), std::string::npos) << e;
}

TEST(ScenarioYaml, DuplicateKeyIsAnError) {
  EXPECT_NE(error_of("run:\n  terms: 3\n  terms: 4\n").find("run.terms: duplicate key"), std::string::npos);
}

TEST(ScenarioYaml, AllProblemsAreListed) {
  try {
    load_scenario_text("run:\n  terms: -1\n  sede: 3\n", "many.yaml");
    FAIL() << "expected an error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.problems().size(), 2u);
  }
}

TEST(ScenarioYaml, SetOverridesApplyAfterTheFile) {
  const auto s = load_scenario_text("run:\n  terms: 5\n", "t.yaml", {"run.terms=7", "brokering.strategy=optimal"});
  EXPECT_EQ(s.run.terms, 7);
  EXPECT_EQ(s.brokering.strategy, BrokerStrategy::Optimal);
}

TEST(ScenarioYaml, BadSetIsReported) {
  EXPECT_NE(
      error_of("", {"run.termz=3"}).find("--set 'run.termz=3': run.termz: unknown key (did you mean 'run.terms'?)"),
      std::string::npos);
  EXPECT_NE(error_of("", {"noequals"}).find("expected KEY.PATH=VALUE"), std::string::npos);
  EXPECT_NE(error_of("", {"run.terms=abc"}).find("expected an integer"), std::string::npos);
}

TEST(ScenarioYaml, CrossFieldValidation) {
  EXPECT_NE(error_of("inspection:\n  grade_shares: [0.5, 0.5, 0.5, 0.5]\n").find("must sum to 1"), std::string::npos);
  EXPECT_NE(error_of("programmes:\n  - {region: nowhere}\n").find("unknown region 'nowhere'"), std::string::npos);
  EXPECT_NE(error_of("programmes:\n  - {start: 5, end: 3}\n").find("must not be before start"), std::string::npos);
  EXPECT_NE(error_of("world:\n  n_las: 3\n  regions:\n    r: [7]\n").find("LA 7 does not exist"), std::string::npos);
}

TEST(ScenarioYaml, ResolvedYamlRoundTrips) {
  auto s = load_scenario_text(
      "world:\n  regions:\n    gm: [1, 2]\nprogrammes:\n  - {name: p, region: gm, budget: 123.5}\nbrokering:\n  w_gap: 0.1\n",
      "t.yaml");
  const std::string yaml = schoolsim::config::to_yaml(s);
  const auto back = load_scenario_text(yaml, "resolved.yaml");
  EXPECT_EQ(schoolsim::config::to_yaml(back), yaml);
  EXPECT_DOUBLE_EQ(back.brokering.w_gap, 0.1);
  EXPECT_DOUBLE_EQ(back.programmes.at(0).budget, 123.5);
  EXPECT_NE(yaml.find("w_gap: 0.1\n"), std::string::npos) << yaml;
}
