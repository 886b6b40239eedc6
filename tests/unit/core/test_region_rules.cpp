// Regions defined by a rule on the world (sim/core/region_rules.hpp): evaluated on hand-built
// worlds whose LA centres and mean disadvantage are known, and parsed from YAML with errors
// that name the key.
#include <gtest/gtest.h>

#include <string>

#include "sim/config/scenario_yaml.hpp"
#include "sim/core/la_table.hpp"
#include "sim/core/region_rules.hpp"
#include "sim/io/world_builder.hpp"
#include "sim/run/engine.hpp"
#include "../test_support.hpp"

namespace schoolsim {
namespace {

// Five LAs on a line: LA k's schools sit around x = 10 k (LA 3 has no school); LA mean
// disadvantage 0.10, 0.40, 0.20, -, 0.30.
World line_world() {
  using test::SchoolSpec;
  return test::tiny_world({{0, 0, 0, 0, 0.10},
                           {2, 0, 1, 0, 0.10},
                           {9, 0, 0, 1, 0.40},
                           {21, 0, 0, 2, 0.15},
                           {19, 0, 0, 2, 0.25},
                           {40, 0, 0, 4, 0.30}},
                          5);
}

RegionRule nearest(int la, int count) {
  RegionRule rule;
  rule.kind = RegionRule::Kind::Nearest, rule.la = la, rule.count = count;
  return rule;
}
RegionRule most_disadvantaged(double percentile) {
  RegionRule rule;
  rule.kind = RegionRule::Kind::MostDisadvantaged, rule.percentile = percentile;
  return rule;
}

TEST(LaTable, CentresAreMeanSchoolPositions) {
  const auto t = la_table(line_world());
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].schools, 2);
  EXPECT_EQ(t[0].primary, 1);
  EXPECT_EQ(t[0].secondary, 1);
  EXPECT_DOUBLE_EQ(t[0].centre_x, 1.0);
  EXPECT_DOUBLE_EQ(t[2].centre_x, 20.0);
  EXPECT_DOUBLE_EQ(t[2].mean_disadvantage, 0.2);
  EXPECT_DOUBLE_EQ(t[2].places, 600.0);
  EXPECT_EQ(t[3].schools, 0);
  EXPECT_TRUE(std::isnan(t[3].centre_x));
}

TEST(RegionRules, NearestTakesTheClosestCentresAndSkipsEmptyLas) {
  const World w = line_world();
  // Centres 1, 9, 20, -, 40: from LA 1, distances 8, 0, 11, 31.
  EXPECT_EQ(evaluate_region_rule(nearest(1, 1), w), (std::vector<int>{1}));
  EXPECT_EQ(evaluate_region_rule(nearest(1, 2), w), (std::vector<int>{0, 1}));
  EXPECT_EQ(evaluate_region_rule(nearest(1, 3), w), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(evaluate_region_rule(nearest(4, 2), w), (std::vector<int>{2, 4}));
  EXPECT_EQ(evaluate_region_rule(nearest(1, 99), w), (std::vector<int>{0, 1, 2, 4}));
  EXPECT_TRUE(evaluate_region_rule(nearest(3, 2), w).empty());  // an LA without schools has no centre
}

TEST(RegionRules, NearestBreaksDistanceTiesByLaIndex) {
  using test::SchoolSpec;
  // LA 1 at x = 10, LAs 0 and 2 both 10 km away.
  const World w = test::tiny_world({{0, 0, 0, 0}, {10, 0, 0, 1}, {20, 0, 0, 2}}, 3);
  EXPECT_EQ(evaluate_region_rule(nearest(1, 2), w), (std::vector<int>{0, 1}));
}

TEST(RegionRules, MostDisadvantagedTakesTheTopShareOfLasWithSchools) {
  const World w = line_world();
  // 4 LAs with schools, by mean disadvantage: LA 1 (0.40), 4 (0.30), 2 (0.20), 0 (0.10).
  EXPECT_EQ(evaluate_region_rule(most_disadvantaged(75), w), (std::vector<int>{1}));
  EXPECT_EQ(evaluate_region_rule(most_disadvantaged(50), w), (std::vector<int>{1, 4}));
  EXPECT_EQ(evaluate_region_rule(most_disadvantaged(40), w), (std::vector<int>{1, 4}));     // round(2.4) = 2
  EXPECT_EQ(evaluate_region_rule(most_disadvantaged(30), w), (std::vector<int>{1, 2, 4}));  // round(2.8) = 3
  EXPECT_EQ(evaluate_region_rule(most_disadvantaged(99), w), (std::vector<int>{1}));        // at least one
  EXPECT_EQ(evaluate_region_rule(most_disadvantaged(0), w), (std::vector<int>{0, 1, 2, 4}));
}

TEST(RegionRules, ResolvedScenarioKeepsListsAndAddsRules) {
  Scenario s;
  s.world.regions["listed"] = {3, 0};
  s.world.region_rules["around_1"] = nearest(1, 2);
  const Scenario r = with_region_rules_resolved(s, line_world());
  EXPECT_EQ(r.world.regions.at("listed"), (std::vector<int>{3, 0}));
  EXPECT_EQ(r.world.regions.at("around_1"), (std::vector<int>{0, 1}));
  EXPECT_EQ(r.world.region_rules.size(), 1u);
}

TEST(RegionRules, YamlRulesLoadAndRoundTrip) {
  const Scenario s = config::load_scenario_text(
      "world:\n  regions:\n    gm: {rule: nearest, la: 4, count: 10}\n    deprived: {rule: most_disadvantaged, "
      "percentile: 80}\n    listed: [1, 2]\nprogrammes:\n  - {name: p, region: gm}\n",
      "rules.yaml");
  EXPECT_EQ(s.world.region_rules.at("gm"), nearest(4, 10));
  EXPECT_EQ(s.world.region_rules.at("deprived"), most_disadvantaged(80));
  EXPECT_EQ(s.world.regions.at("listed"), (std::vector<int>{1, 2}));
  EXPECT_EQ(s.world.regions.count("gm"), 0u);
  const Scenario again = config::load_scenario_text(config::to_yaml(s), "again.yaml");
  EXPECT_EQ(again.world.region_rules, s.world.region_rules);
  EXPECT_EQ(again.world.regions, s.world.regions);
}

std::string error_of(const std::string& yaml) {
  try {
    config::load_scenario_text(yaml, "r.yaml");
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RegionRules, BadRulesNameFileLineAndKey) {
  EXPECT_NE(error_of("world:\n  regions:\n    gm: {rule: nearst, la: 0, count: 2}\n")
                .find("r.yaml:3:16: world.regions.gm.rule: unknown rule 'nearst' ('nearest' or 'most_disadvantaged')"),
            std::string::npos);
  EXPECT_NE(error_of("world:\n  regions:\n    gm: {rule: nearest, la: 0}\n").find("world.regions.gm.count: missing"),
            std::string::npos);
  EXPECT_NE(error_of("world:\n  regions:\n    gm: {rule: nearest, la: 0, count: 0}\n")
                .find("r.yaml:3:39: world.regions.gm.count: expected an integer from 1 to 100000, got '0'"),
            std::string::npos);
  EXPECT_NE(error_of("world:\n  regions:\n    d: {rule: most_disadvantaged, percentile: 100}\n")
                .find("world.regions.d.percentile: expected a number in [0, 100), got '100'"),
            std::string::npos);
  EXPECT_NE(
      error_of("world:\n  regions:\n    d: {rule: most_disadvantaged, percentil: 80}\n")
          .find("world.regions.d.percentil: unknown key of a 'most_disadvantaged' rule (did you mean 'percentile'?)"),
      std::string::npos);
  EXPECT_NE(error_of("world:\n  n_las: 5\n  regions:\n    gm: {rule: nearest, la: 5, count: 2}\n")
                .find("world.regions.gm.la: LA 5 does not exist (world.n_las = 5)"),
            std::string::npos);
  EXPECT_NE(error_of("world:\n  regions:\n    gm: {la: 5}\n").find("world.regions.gm.rule: missing"),
            std::string::npos);
}

// A programme over a rule region runs exactly like the same programme over the rule's LAs
// written as a list, and unlike no programme (so the comparison can fail).
TEST(RegionRules, AProgrammeOnARuleRegionRunsLikeOnItsList) {
  const std::string world =
      "world:\n  n_primary: 300\n  n_secondary: 60\n  n_las: 12\n  width_km: 120\n  height_km: 80\n";
  const std::string rest = "run: {terms: 6}\nprogrammes:\n  - {name: p, region: r, start: 1, end: 6, budget: 5.0e6}\n";
  const Scenario with_rule = config::load_scenario_text(
      world + "  regions:\n    r: {rule: most_disadvantaged, percentile: 70}\n" + rest, "rule.yaml");
  const World w = build_world(with_rule, "");
  const std::vector<int> las = evaluate_region_rule(with_rule.world.region_rules.at("r"), w);
  ASSERT_EQ(las.size(), 4u);  // round(0.3 x 12)
  std::string list;
  for (int la : las) {
    if (!list.empty()) list += ", ";
    list += std::to_string(la);
  }
  const Scenario with_list =
      config::load_scenario_text(world + "  regions:\n    r: [" + list + "]\n" + rest, "list.yaml");
  const Scenario without = config::load_scenario_text(world + "run: {terms: 6}\n", "none.yaml");
  const auto final_hash = [&](const Scenario& s) {
    Engine e(s, w, 7, 0);
    for (int t = 0; t < s.run.terms; ++t) e.step();
    return state_hash(w, e.state());
  };
  EXPECT_EQ(final_hash(with_rule), final_hash(with_list));
  EXPECT_NE(final_hash(with_rule), final_hash(without));
}

}  // namespace
}  // namespace schoolsim
