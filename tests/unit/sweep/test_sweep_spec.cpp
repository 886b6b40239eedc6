// Sweep specifications: loading, validation errors (file:line:col, key, did-you-mean), the
// plan of runs (points x replicates, rounding, common random numbers) and the resolved YAML.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sim/config/scenario_yaml.hpp"
#include "sim/sweep/run_plan.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace {

using namespace schoolsim;
using namespace schoolsim::sweep;

const std::string kFolder = std::string(SCHOOLSIM_SOURCE_DIR) + "/scenarios/sweeps";

SweepSpec load(const std::string& text) { return load_sweep_text(text, "test.yaml", kFolder); }

/// The problems of an invalid spec, joined.
std::string problems(const std::string& text) {
  try {
    load(text);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << text;
  return "";
}

const std::string kGrid = R"(base: ../la_brokered.yaml
set: {world.n_primary: 250, world.n_secondary: 50, world.n_las: 5, run.terms: 6}
parameters:
  brokering.slots_per_term: {min: 1, max: 5}
  brokering.broker_radius_km: {values: [5, 10, 20]}
design: grid
replicates: 4
seed: 2024
)";

TEST(SweepSpec, ExampleFileLoads) {
  const SweepSpec spec = load_sweep_file(kFolder + "/la_brokered_grid.yaml");
  EXPECT_EQ(spec.name, "la_brokered_grid");
  EXPECT_EQ(spec.points(), 9);
  EXPECT_EQ(spec.runs(), 36);
  ASSERT_EQ(spec.parameters.size(), 2u);
  EXPECT_EQ(spec.parameters[0].variable, "brokering__slots_per_term");
  EXPECT_EQ(spec.parameters[0].type, ValueType::Int32);
  EXPECT_EQ(spec.parameters[1].type, ValueType::Real);
  EXPECT_EQ(spec.base_scenario.name, "la_brokered");
  EXPECT_EQ(spec.base_scenario.world.n_primary, 250);
  EXPECT_EQ(spec.base_scenario.run.terms, 6);
  EXPECT_TRUE(spec.write_per_school);
  EXPECT_EQ(spec.seed, 2024u);
}

TEST(SweepSpec, GridPlanIsPointMajorWithCommonRandomNumbers) {
  const SweepSpec spec = load(kGrid);
  const SweepPlan plan(spec);
  ASSERT_EQ(plan.runs(), 36);
  const std::vector<double> slots = {1, 3, 5}, radius = {5, 10, 20};
  for (std::int64_t id = 0; id < 36; ++id) {
    const RunPlan r = plan.run(id);
    EXPECT_EQ(r.point, id / 4);
    EXPECT_EQ(r.replicate, id % 4);
    EXPECT_EQ(r.seed, run_seed(2024, static_cast<std::uint32_t>(id % 4)));  // same seed at every point
    EXPECT_EQ(plan.value(r.point, 0), slots[static_cast<std::size_t>(r.point / 3)]);
    EXPECT_EQ(plan.value(r.point, 1), radius[static_cast<std::size_t>(r.point % 3)]);
    const Scenario s = plan.run_scenario(r);
    EXPECT_EQ(s.brokering.slots_per_term, static_cast<int>(slots[static_cast<std::size_t>(r.point / 3)]));
    EXPECT_EQ(s.brokering.broker_radius_km, radius[static_cast<std::size_t>(r.point % 3)]);
    EXPECT_EQ(s.run.seed, static_cast<std::int64_t>(r.seed));
    EXPECT_EQ(s.run.replicate, r.replicate);
  }
}

TEST(SweepSpec, IntegerParametersAreRoundedInEveryDesign) {
  const SweepSpec spec = load(R"(base: ../la_brokered.yaml
parameters:
  brokering.slots_per_term: {min: 1, max: 9}
  brokering.need_quantile: {min: 0.05, max: 0.2}
design: {type: lhs, n: 40}
)");
  const SweepPlan plan(spec);
  ASSERT_EQ(plan.points(), 40);
  for (std::int64_t p = 0; p < 40; ++p) {
    EXPECT_EQ(plan.value(p, 0), std::round(plan.value(p, 0)));
    EXPECT_GE(plan.value(p, 0), 1);
    EXPECT_LE(plan.value(p, 0), 9);
    EXPECT_GE(plan.value(p, 1), 0.05);
    EXPECT_LT(plan.value(p, 1), 0.2);
  }
  EXPECT_EQ(spec.seed, 42u);  // default: the base scenario's run.seed
}

TEST(SweepSpec, SobolAndMorrisSizes) {
  const std::string params = R"(base: ../la_brokered.yaml
parameters:
  brokering.need_quantile: {min: 0.05, max: 0.2}
  trust.trust_gain: {min: 0.05, max: 0.3}
  practice.self_improvement: {min: 0.02, max: 0.08}
)";
  EXPECT_EQ(load(params + "design: {type: sobol, n: 8}\n").points(), 8 * 5);
  EXPECT_EQ(load(params + "design: {type: sobol, n: 8, saltelli: false}\n").points(), 8);
  EXPECT_EQ(load(params + "design: {type: morris, trajectories: 6}\nreplicates: 2\n").runs(), 6 * 4 * 2);
  const SweepSpec odd = load(params + "design: {type: sobol, n: 6}\n");
  ASSERT_FALSE(odd.notes.empty());
  EXPECT_NE(odd.notes[0].find("power of two"), std::string::npos);
}

TEST(SweepSpec, ListDesignTakesParametersFromPoints) {
  const SweepSpec spec = load(R"(base: ../la_brokered.yaml
design:
  type: list
  points:
    - {brokering.slots_per_term: 2, trust.trust_gain: 0.1}
    - {brokering.slots_per_term: 7, trust.trust_gain: 0.3}
replicates: 3
)");
  ASSERT_EQ(spec.parameters.size(), 2u);
  EXPECT_EQ(spec.runs(), 6);
  const SweepPlan plan(spec);
  EXPECT_EQ(plan.value(1, 0), 7);
  EXPECT_EQ(plan.value(1, 1), 0.3);
  EXPECT_EQ(spec.parameters[0].min, 2);
  EXPECT_EQ(spec.parameters[0].max, 7);
}

TEST(SweepSpec, ProgrammeParametersAddressAnExistingProgramme) {
  const std::string base = R"(base: ../la_brokered.yaml
set:
  programmes: [{name: p, start: 1, end: 4, grant_per_term: 10000}]
)";
  const SweepSpec spec =
      load(base + "parameters:\n  programmes[0].grant_per_term: {values: [5000, 20000]}\ndesign: grid\n");
  EXPECT_EQ(spec.parameters[0].variable, "programmes__0__grant_per_term");
  const SweepPlan plan(spec);
  EXPECT_EQ(plan.point_scenario(1).programmes[0].grant_per_term, 20000);
  EXPECT_NE(
      problems(base + "parameters:\n  programmes[1].budget: {values: [1, 2]}\ndesign: grid\n")
          .find(
              "test.yaml:5:3: parameters.programmes[1].budget: the base scenario (after 'set:') has 1 programmes entry"),
      std::string::npos);
  EXPECT_NE(problems(base + "parameters:\n  programmes[0].grant: {values: [1, 2]}\ndesign: grid\n")
                .find("did you mean 'grant_per_term'"),
            std::string::npos);
}

TEST(SweepSpec, UnknownKeysNameFileLineColumnWithSuggestion) {
  const std::string e = problems(kGrid + "replicate: 3\n");
  EXPECT_NE(e.find("test.yaml:9:1: replicate: unknown key (did you mean 'replicates'?)"), std::string::npos) << e;
  const std::string p = problems(R"(base: ../la_brokered.yaml
parameters:
  brokering.slots_per_trm: {min: 1, max: 3}
design: grid
)");
  EXPECT_NE(
      p.find(
          "test.yaml:3:3: parameters.brokering.slots_per_trm: unknown parameter (did you mean 'brokering.slots_per_term'?)"),
      std::string::npos)
      << p;
  const std::string r = problems(R"(base: ../la_brokered.yaml
parameters:
  brokering.slots_per_term: {min: 1, maxi: 3}
design: grid
)");
  EXPECT_NE(r.find("test.yaml:3:38: parameters.brokering.slots_per_term.maxi: unknown key (did you mean 'max'?)"),
            std::string::npos)
      << r;
  const std::string d = problems("base: ../la_brokered.yaml\ndesign: grd\n");
  EXPECT_NE(
      d.find("test.yaml:2:9: design: expected one of grid, list, lhs, sobol, morris, got 'grd' (did you mean 'grid'?)"),
      std::string::npos)
      << d;
}

TEST(SweepSpec, WrongTypesAndRangesAreErrors) {
  const std::string head = "base: ../la_brokered.yaml\ndesign: grid\n";
  EXPECT_NE(problems(head + "replicates: four\n").find("test.yaml:3:13: replicates: expected an integer, got 'four'"),
            std::string::npos);
  EXPECT_NE(problems(head + "replicates: 0\n").find("replicates: value 0 is out of range [1, 1000000]"),
            std::string::npos);
  EXPECT_NE(problems(head + "seed: -1\n").find("seed: value -1 is out of range"), std::string::npos);
  const std::string range = problems(head + "parameters:\n  brokering.need_quantile: {min: 0.3, max: 1.5}\n");
  EXPECT_NE(range.find("test.yaml:4:44: parameters.brokering.need_quantile.max: value 1.5 is out of range [0, 1]"),
            std::string::npos)
      << range;
  const std::string order = problems(head + "parameters:\n  brokering.need_quantile: {min: 0.3, max: 0.1}\n");
  EXPECT_NE(order.find("min (0.3) must be below max (0.1)"), std::string::npos) << order;
  const std::string integer = problems(head + "parameters:\n  brokering.slots_per_term: {min: 1.5, max: 4}\n");
  EXPECT_NE(integer.find("expected an integer (brokering.slots_per_term is an integer parameter), got '1.5'"),
            std::string::npos)
      << integer;
  const std::string dup = problems(head + "parameters:\n  brokering.slots_per_term: {min: 1, max: 3, levels: 5}\n");
  EXPECT_NE(dup.find("5 levels of an integer parameter over [1, 3] repeat values after rounding; use at most 3 levels"),
            std::string::npos)
      << dup;
}

TEST(SweepSpec, UnsweepableParametersAreRefusedWithAReason) {
  const std::string head = "base: ../la_brokered.yaml\ndesign: grid\nparameters:\n";
  EXPECT_NE(problems(head + "  world.n_las: {values: [5, 10]}\n").find("world parameters cannot be swept"),
            std::string::npos);
  EXPECT_NE(problems(head + "  run.terms: {values: [5, 10]}\n").find("run parameters cannot be swept"),
            std::string::npos);
  EXPECT_NE(
      problems(head + "  brokering.enabled: {values: [0, 1]}\n").find("only real and integer parameters can be swept"),
      std::string::npos);
}

TEST(SweepSpec, DesignOptionsAreChecked) {
  const std::string params = "base: ../la_brokered.yaml\nparameters:\n  trust.trust_gain: {min: 0.1, max: 0.2}\n";
  EXPECT_NE(problems(params + "design: lhs\n").find("a lhs design needs n"), std::string::npos);
  EXPECT_NE(problems(params + "design: {type: morris, trajectories: 4, levels: 5}\n").find("even number of levels"),
            std::string::npos);
  EXPECT_NE(problems(params + "design: {type: sobol, n: 4, levels: 3}\n").find("design.levels: unknown key"),
            std::string::npos);
  EXPECT_NE(
      problems(
          "base: ../la_brokered.yaml\nparameters:\n  trust.trust_gain: {values: [0.1, 0.2]}\ndesign: {type: lhs, n: 4}\n")
          .find("explicit values are for grid designs"),
      std::string::npos);
  EXPECT_NE(problems("base: ../nowhere.yaml\ndesign: grid\n")
                .find("test.yaml:1:7: base: scenario file '../nowhere.yaml' not found"),
            std::string::npos);
  EXPECT_NE(problems("design: grid\n").find("base: missing"), std::string::npos);
}

TEST(SweepSpec, SetEntriesAreCheckedAtTheirPosition) {
  const std::string e = problems("base: ../la_brokered.yaml\nset:\n  world:\n    n_las: -3\ndesign: grid\n");
  EXPECT_NE(e.find("test.yaml:4:12: set.world.n_las: value -3 is out of range [1, 100000]"), std::string::npos) << e;
  const std::string u = problems("base: ../la_brokered.yaml\nset: {brokering.slots_per_trem: 3}\ndesign: grid\n");
  EXPECT_NE(
      u.find("test.yaml:2:7: set.brokering.slots_per_trem: unknown key (did you mean 'brokering.slots_per_term'?)"),
      std::string::npos)
      << u;
}

TEST(SweepSpec, EveryProblemIsReportedAtOnce) {
  const std::string e = problems("base: ../la_brokered.yaml\ndesign: grid\nreplicates: x\nseeds: 1\n");
  EXPECT_NE(e.find("replicates:"), std::string::npos);
  EXPECT_NE(e.find("seeds: unknown key"), std::string::npos);
}

TEST(SweepSpec, PerSchoolOutputIsLimitedBySize) {
  const std::string spec = kGrid + "output: {per_school_limit: 1000}\n";
  const SweepSpec off = load(spec);
  EXPECT_FALSE(off.write_per_school);
  ASSERT_FALSE(off.notes.empty());
  EXPECT_NE(off.notes[0].find("per-school trajectories are off"), std::string::npos);
  EXPECT_NE(problems(kGrid + "output: {per_school: true, per_school_limit: 1000}\n")
                .find("output.per_school: per-school trajectories would hold 75600"),
            std::string::npos);
  EXPECT_FALSE(load(kGrid + "output: {per_school: false}\n").write_per_school);
}

TEST(SweepSpec, ResolvedYamlLoadsBackToTheSameSweep) {
  for (const std::string& text :
       {kGrid,
        std::string("base: ../la_brokered.yaml\nset: {world: {n_primary: 40, n_secondary: 10}}\nparameters:\n"
                    "  trust.trust_gain: {min: 0.1, max: 0.2}\n"
                    "  brokering.slots_per_term: {min: 1, max: 9}\ndesign: {type: sobol, n: 4}\nseed: 3\n"),
        std::string("base: ../la_brokered.yaml\nset: {world: {n_primary: 40, n_secondary: 10}}\n"
                    "design: {type: list, points: [{trust.trust_gain: 0.1}, {trust.trust_gain: 0.25}]}\n")}) {
    const SweepSpec a = load(text);
    const SweepSpec b = load(resolved_sweep_yaml(a));
    EXPECT_EQ(resolved_sweep_yaml(a), resolved_sweep_yaml(b));
    const World w = build_synthetic_world(a.base_scenario.world, required_neighbour_radius(a.base_scenario));
    EXPECT_EQ(sweep_fingerprint(a, w), sweep_fingerprint(b, w));
  }
  const SweepSpec grid = load(kGrid);
  const World w = build_synthetic_world(grid.base_scenario.world, required_neighbour_radius(grid.base_scenario));
  EXPECT_NE(sweep_fingerprint(grid, w), sweep_fingerprint(load(kGrid + "output: {per_school: false}\n"), w));
  WorldParams other = grid.base_scenario.world;
  other.seed += 1;
  EXPECT_NE(sweep_fingerprint(grid, w),
            sweep_fingerprint(grid, build_synthetic_world(other, required_neighbour_radius(grid.base_scenario))));
}

}  // namespace
