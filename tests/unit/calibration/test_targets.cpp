// Targets files: the shipped file parses into the 12 implemented targets with the right
// pass rules; bad files are rejected with file:line:col and the key; rules judge values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/calibration/statistics.hpp"
#include "sim/calibration/targets.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "small_world.hpp"

namespace schoolsim::calibration {
namespace {

using test::calibration::scenario_dir;

const TargetSpec& find(const TargetFile& f, const std::string& id) {
  for (const auto& t : f.targets)
    if (t.id == id) return t;
  throw std::runtime_error("no target " + id);
}

std::string error_of(const std::string& yaml) {
  try {
    load_targets_text(yaml, "t.yaml");
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Targets, ShippedFileHasEveryImplementedTarget) {
  const TargetFile f = load_targets(scenario_dir() / "targets" / "stylised_facts.yaml");
  ASSERT_EQ(f.targets.size(), 14u);
  // The 14 shared targets and the 3 stationarity targets of the extension file.
  const TargetFile stationarity = load_targets(scenario_dir() / "targets" / "stationarity.yaml");
  ASSERT_EQ(stationarity.targets.size(), 3u);
  EXPECT_EQ(known_statistics().size(), 17u);
  for (const auto& id : known_statistics())
    EXPECT_TRUE(std::any_of(f.targets.begin(), f.targets.end(), [&](const TargetSpec& t) { return t.id == id; }) ||
                std::any_of(stationarity.targets.begin(), stationarity.targets.end(),
                            [&](const TargetSpec& t) { return t.id == id; }))
        << id;
  // The England world of the file becomes world overrides.
  EXPECT_EQ(f.world_overrides,
            (std::vector<std::string>{"world.n_primary=16764", "world.n_secondary=3450", "world.n_las=153"}));
}

TEST(Targets, ShippedRulesAreParsedAsDefined) {
  const TargetFile f = load_targets(scenario_dir() / "targets" / "stylised_facts.yaml");
  const Criterion sdr = target_criterion(find(f, "supply_demand_ratio"));
  EXPECT_EQ(sdr.kind, Criterion::Kind::Near);
  EXPECT_DOUBLE_EQ(sdr.a, 2.26);
  EXPECT_DOUBLE_EQ(sdr.b, 0.25);
  const Criterion size = target_criterion(find(f, "partnership_size"));
  EXPECT_EQ(size.kind, Criterion::Kind::AtLeast);
  EXPECT_DOUBLE_EQ(size.a, 0.9);
  const Criterion gm = target_criterion(find(f, "gm_outstanding_primary"));
  EXPECT_DOUBLE_EQ(gm.a, 0.05);  // "+0.05" reads as a number
  const Criterion brokered = target_criterion(find(f, "brokered_reduces_polarisation"));
  EXPECT_EQ(brokered.kind, Criterion::Kind::AtLeast);
  EXPECT_DOUBLE_EQ(brokered.a, 0.9);  // "in at least 90% of paired replicates"
  EXPECT_DOUBLE_EQ(target_criterion(find(f, "self_organised_does_not_depolarise")).a, 0.5);
  const Criterion cliff = target_criterion(find(f, "funding_cliff"));
  EXPECT_EQ(cliff.kind, Criterion::Kind::Between);
  EXPECT_TRUE(cliff.strict);
  EXPECT_DOUBLE_EQ(cliff.a, 0.1);
  EXPECT_DOUBLE_EQ(cliff.b, 0.9);
  const Criterion mixed = target_criterion(find(f, "mixed_effects"));
  EXPECT_EQ(mixed.kind, Criterion::Kind::Above);
  EXPECT_DOUBLE_EQ(mixed.a, 1.0);
  // Roles default to the shipped scenarios.
  EXPECT_EQ(target_roles(find(f, "brokered_reduces_polarisation")),
            (Roles{{"control", "market"}, {"treatment", "la_brokered"}}));
}

TEST(Targets, CriteriaJudgeValues) {
  Criterion near{Criterion::Kind::Near, 2.0, 0.5, false};
  EXPECT_TRUE(near.passes(2.5));
  EXPECT_FALSE(near.passes(2.6));
  EXPECT_DOUBLE_EQ(near.discrepancy(3.0, 0.1), 2.0);
  Criterion open{Criterion::Kind::Between, 0.1, 0.9, true};
  EXPECT_FALSE(open.passes(0.1));
  EXPECT_TRUE(open.passes(0.5));
  EXPECT_NEAR(open.discrepancy(0.95, 0.1), 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(open.discrepancy(0.5, 0.1), 0.0);
  Criterion at_least{Criterion::Kind::AtLeast, 0.9, 0, false};
  EXPECT_TRUE(at_least.passes(0.9));
  EXPECT_DOUBLE_EQ(at_least.discrepancy(0.7, 0.1), -2.0);
  EXPECT_FALSE(at_least.passes(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(open.describe(), "in (0.1, 0.9)");
  EXPECT_EQ(near.describe(), "2 +- 0.5");
}

TEST(Targets, SubsetsAndChangedValuesAreAccepted) {
  TargetFile f = load_targets_text(
      "targets:\n"
      "  - id: supply_demand_ratio\n    value: 3.0\n    tolerance: 0.1\n    weight: 2\n"
      "  - id: funding_cliff\n    value: strictly between 0.2 and 0.6\n"
      "    scenarios: {scenario: pathfinder}\n",
      "t.yaml");
  ASSERT_EQ(f.targets.size(), 2u);
  EXPECT_DOUBLE_EQ(f.targets[0].weight, 2.0);
  EXPECT_DOUBLE_EQ(target_criterion(f.targets[1]).b, 0.6);
  EXPECT_EQ(target_roles(f.targets[1]).at("scenario"), "pathfinder");
  select_targets(f, {"funding_cliff"});
  ASSERT_EQ(f.targets.size(), 1u);
  EXPECT_THROW(select_targets(f, {"supply_demand_ratio"}), config::ConfigError);
}

TEST(Targets, ProblemsNameFileLineAndKey) {
  EXPECT_NE(
      error_of("targets:\n  - id: supply_demand_ratoi\n    value: 2\n    tolerance: 1\n")
          .find(
              "t.yaml:2:9: targets[0].id: unknown target 'supply_demand_ratoi' (did you mean 'supply_demand_ratio'?)"),
      std::string::npos);
  EXPECT_NE(error_of("targets:\n  - id: supply_demand_ratio\n    valeu: 2\n")
                .find("t.yaml:3:5: targets[0].valeu: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - id: supply_demand_ratio\n    tolerance: 1\n")
                .find("targets[0] (supply_demand_ratio).value: missing"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - id: supply_demand_ratio\n    value: 2\n").find("a numeric value needs a tolerance"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - id: partnership_size\n    value: lots\n")
                .find("t.yaml:3:12: targets[0] (partnership_size).value"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - id: supply_demand_ratio\n    value: 2\n    tolerance: -1\n")
                .find("tolerance: expected a number >= 0"),
            std::string::npos);
  EXPECT_NE(
      error_of(
          "targets:\n  - {id: supply_demand_ratio, value: 2, tolerance: 1}\n  - {id: supply_demand_ratio, value: 2, tolerance: 1}\n")
          .find("duplicate target 'supply_demand_ratio'"),
      std::string::npos);
  EXPECT_NE(error_of("world:\n  n_primry: 10\ntargets:\n  - {id: supply_demand_ratio, value: 2, tolerance: 1}\n")
                .find("t.yaml:2:3: world.n_primry: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - {id: funding_cliff, value: rarely}\n").find("expected 'between A and B'"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - {id: funding_cliff, value: between 0.1 and 0.9, scenarios: {scenaro: x}}\n")
                .find("scenarios.scenaro: unknown role"),
            std::string::npos);
  EXPECT_NE(error_of("targets: [unclosed\n").find("malformed YAML"), std::string::npos);
  EXPECT_NE(error_of("targets: []\n").find("the list is empty"), std::string::npos);
}

TEST(Targets, TextRulesAreRead) {
  EXPECT_DOUBLE_EQ(share_at_least("negative, in at least 90% of paired replicates", 0.5), 0.9);
  EXPECT_DOUBLE_EQ(share_at_least("at least 0.75 of them", 0.5), 0.75);
  EXPECT_DOUBLE_EQ(share_at_least("mostly", 0.5), 0.5);
  double lo = 0, hi = 0;
  ASSERT_TRUE(find_between("strictly between 0.1 and 0.9, and higher", lo, hi));
  EXPECT_DOUBLE_EQ(lo, 0.1);
  EXPECT_DOUBLE_EQ(hi, 0.9);
}

}  // namespace
}  // namespace schoolsim::calibration
