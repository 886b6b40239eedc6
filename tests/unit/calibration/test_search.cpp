// Calibration search: parameter ranges, and recovery of known parameters from targets the
// model itself generated on a reduced world, within the identification the search reports.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "sim/calibration/check.hpp"
#include "sim/calibration/search.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "small_world.hpp"

namespace schoolsim::calibration {
namespace {

using namespace test::calibration;

TEST(CalibrationSearch, ParameterRanges) {
  const ParamRange r = parse_param_range("brokering.w_gap=0:3");
  EXPECT_EQ(r.key, "brokering.w_gap");
  EXPECT_EQ(r.lo, 0.0);
  EXPECT_EQ(r.hi, 3.0);
  EXPECT_FALSE(r.integer);
  EXPECT_TRUE(parse_param_range("brokering.slots_per_term=1:8").integer);
  EXPECT_THROW(parse_param_range("brokering.slots_per_term=1:7.5"), config::ConfigError);
  EXPECT_THROW(parse_param_range("brokering.w_gapp=0:3"), config::ConfigError);
  EXPECT_THROW(parse_param_range("brokering.w_gap=3:1"), config::ConfigError);
  EXPECT_THROW(parse_param_range("brokering.w_gap=a:1"), config::ConfigError);
  EXPECT_THROW(parse_param_range("brokering.w_gap"), config::ConfigError);
  EXPECT_THROW(parse_param_range("brokering.broker_radius_km=-5:10"), config::ConfigError);  // out of range
}

/// The model's own value of each target at `truth` (so the targets are met exactly there).
TargetFile generated_targets(const std::vector<std::string>& ids, const std::vector<std::string>& truth,
                             const std::vector<double>& tolerance, int replicates) {
  TargetFile t = shipped_targets(ids);
  auto lib = library(with(reduced_world(), truth));
  WorldCache worlds;
  const CheckReport r = run_check(t, lib, worlds, replicates);
  std::string yaml = "targets:\n";
  for (std::size_t k = 0; k < r.results.size(); ++k) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  - {id: %s, value: %.17g, tolerance: %g}\n", ids[k].c_str(), r.results[k].value,
                  tolerance[k]);
    yaml += buf;
  }
  return load_targets_text(yaml, "generated.yaml");
}

TEST(CalibrationSearch, RecoversKnownParametersFromGeneratedTargets) {
  // Two parameters, each identified by one target: the supporters' attainment cut by the
  // supply/demand ratio, the initial MAT share by the MAT share of academies.
  const std::vector<std::string> ids = {"supply_demand_ratio", "mat_share_of_academies"};
  const int replicates = 3;
  FitProblem problem;
  problem.targets = generated_targets(ids, {"brokering.support_quantile=0.28", "academisation.initial_mat_share=0.5"},
                                      {0.05, 0.02}, replicates);
  problem.scenario_dir = scenario_dir();
  problem.relative_to = scenario_dir() / "targets";
  problem.base_overrides = reduced_world();
  FitOptions options;
  options.budget = 40;
  options.replicates = replicates;
  WorldCache worlds;
  const FitResult r = fit(problem,
                          {parse_param_range("brokering.support_quantile=0.15:0.45"),
                           parse_param_range("academisation.initial_mat_share=0.1:0.9")},
                          options, worlds);
  ASSERT_EQ(r.evaluations.size(), 40u);
  const auto& best = r.evaluations[r.best];
  EXPECT_LT(best.objective, 1.0);
  const double truth[] = {0.28, 0.5};
  for (int k = 0; k < 2; ++k) {
    const auto& id = r.identification[k];
    // The search reports the parameter as identified (J rises by 1 within a few per cent
    // of its range), and the estimate lies within twice that half-width of the truth.
    EXPECT_TRUE(std::isfinite(id.half_width)) << r.params[k].key;
    EXPECT_LT(id.half_width, 0.1 * (r.params[k].hi - r.params[k].lo)) << r.params[k].key;
    EXPECT_NEAR(best.x[k], truth[k], 2 * id.half_width) << r.params[k].key << " half-width " << id.half_width;
    EXPECT_LE(id.good_lo, truth[k] + 2 * id.half_width);
    EXPECT_GE(id.good_hi, truth[k] - 2 * id.half_width);
  }
}

}  // namespace
}  // namespace schoolsim::calibration
