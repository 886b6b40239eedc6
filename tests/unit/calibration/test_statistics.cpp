// Target statistics on a reduced world: the brokers' rules at term 0, the directional
// targets of the model's patterns P1 and P3, common random numbers between paired scenarios,
// and results that do not depend on the number of threads.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>

#include "models/context.hpp"
#include "models/partnerships.hpp"
#include "sim/calibration/check.hpp"
#include "sim/calibration/statistics.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/run/initial_state.hpp"
#include "small_world.hpp"

namespace schoolsim::calibration {
namespace {

using namespace test::calibration;

const TargetResult& result(const CheckReport& r, const std::string& id) {
  for (const auto& t : r.results)
    if (t.spec.id == id) return t;
  throw std::runtime_error("no result " + id);
}

CheckReport check(const TargetFile& targets, const std::vector<std::string>& overrides, int replicates) {
  auto lib = library(overrides);
  WorldCache worlds;
  return run_check(targets, lib, worlds, replicates);
}

TEST(CalibrationStatistics, SupplyAndDemandUseTheBrokersRules) {
  auto lib = library(reduced_world());
  const auto s = lib.get("baseline");
  WorldCache worlds;
  const auto w = worlds.get(*s);
  const State st = initial_state(*s, *w, static_cast<std::uint64_t>(s->run.seed), 0);
  const SupplyDemand sd = supply_demand(*s, *w, st);
  State copy = st;
  Context c{*s, *w, copy, 0, 0, 0, need_thresholds(*s, *w, copy)};
  std::array<int, kPhases> sup{}, need{};
  for (int i = 0; i < w->n; ++i) {
    sup[w->phase[i]] += can_support(c, i) ? 1 : 0;
    need[w->phase[i]] += in_need(c, i) ? 1 : 0;
  }
  EXPECT_EQ(sd.supporters, sup);
  EXPECT_EQ(sd.in_need, need);
  EXPECT_EQ(static_cast<int>(sd.secondary_supporters_nearby.size()), need[1]);
  EXPECT_GT(sup[0], need[0]);  // P7: more supporters than schools in need
  // The trace of a zero-term run carries the same numbers.
  const Trace tr = trace_run(s, w, 0, RunNeeds{0, {}, false});
  EXPECT_EQ(tr.term0.supporters, sup);
}

TEST(CalibrationStatistics, ReducedWorldMeetsTheDirectionalTargets) {
  const auto targets =
      shipped_targets({"brokered_reduces_polarisation", "self_organised_does_not_depolarise", "funding_cliff"});
  const CheckReport r = check(targets, reduced_world(), 5);
  for (const auto& t : r.results) EXPECT_TRUE(t.pass) << t.spec.id << ": " << t.details;
  const auto& cliff = result(r, "funding_cliff");
  EXPECT_GT(cliff.value, 0.1);
  EXPECT_LT(cliff.value, 0.9);
  EXPECT_EQ(result(r, "brokered_reduces_polarisation").value, 1.0);
}

TEST(CalibrationStatistics, PairedScenariosShareTheirRandomNumbers) {
  // A scenario compared with itself differs by exactly zero in every replicate.
  const auto targets = load_targets_text(
      "targets:\n"
      "  - {id: brokered_reduces_polarisation, value: at least 90%, scenarios: {treatment: market, control: market}}\n"
      "  - {id: gm_outstanding_primary, value: 0.05, tolerance: 0.03,\n"
      "     scenarios: {programme: city_challenge, control: city_challenge}}\n"
      "  - {id: gm_effect_concentrated_on_disadvantaged, value: '> 1',\n"
      "     scenarios: {programme: city_challenge, control: baseline}}\n"
      "  - {id: gm_disadvantaged_faster, value: 3, tolerance: 1.5}\n",
      "t.yaml");
  const CheckReport r = check(targets, with(reduced_world(), {"run.terms=9"}), 3);
  const auto& self = result(r, "brokered_reduces_polarisation");
  EXPECT_EQ(self.value, 0.0);
  EXPECT_NE(self.details.find("mean difference 0)"), std::string::npos) << self.details;
  EXPECT_EQ(result(r, "gm_outstanding_primary").value, 0.0);
  // Against the baseline, the programme raises attainment in its region (families, pairs).
  const auto& concentrated = result(r, "gm_effect_concentrated_on_disadvantaged");
  EXPECT_TRUE(std::isfinite(concentrated.value));
  EXPECT_NE(concentrated.details.find("other region schools"), std::string::npos);
  // The seed's reading compares region schools with like schools outside, in one run.
  const auto& faster = result(r, "gm_disadvantaged_faster");
  EXPECT_TRUE(std::isfinite(faster.value));
  EXPECT_NE(faster.details.find("outside the region at or above the same d"), std::string::npos) << faster.details;
}

TEST(CalibrationStatistics, OwnSchoolShareIsTheIntakeLeftAtItsOrigin) {
  // The share is 1 - moved / intake per phase: with one phase's intake the engine's
  // pupils_moved is the rest of it; a steeper distance decay keeps more pupils at home.
  auto share = [](double lambda_distance, std::uint32_t replicate = 0) {
    auto lib = library(with(reduced_world(), {"competition.lambda_distance=" + std::to_string(lambda_distance)}));
    const auto s = lib.get("baseline");
    WorldCache worlds;
    const Trace tr =
        trace_run(s, worlds.get(*s), static_cast<std::uint32_t>(s->run.replicate) + replicate, RunNeeds{1, {}, false});
    return tr.own_school_share.at(1);
  };
  const auto four = share(4), eight = share(8);
  for (int ph = 0; ph < kPhases; ++ph) {
    EXPECT_GT(four[ph], 0.0);
    EXPECT_LT(four[ph], eight[ph]);
    EXPECT_LE(eight[ph], 1.0);
  }
  const auto targets =
      load_targets_text("targets:\n  - {id: own_school_share, value: 0.6, tolerance: 0.05}\n", "t.yaml");
  const CheckReport r = check(targets, with(reduced_world(), {"competition.lambda_distance=4"}), 2);
  EXPECT_DOUBLE_EQ(result(r, "own_school_share").value, (four[0] + share(4, 1)[0]) / 2);  // mean over replicates
}

TEST(CalibrationStatistics, ResultsDoNotDependOnThreads) {
  const auto targets = shipped_targets({"supply_demand_ratio", "funding_cliff", "mat_share_of_academies"});
  auto run = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    return check(targets, reduced_world(), 3);
  };
  const CheckReport one = run(1), two = run(2);
  ASSERT_EQ(one.results.size(), two.results.size());
  for (std::size_t k = 0; k < one.results.size(); ++k) {
    EXPECT_EQ(one.results[k].value, two.results[k].value) << one.results[k].spec.id;
    EXPECT_EQ(one.results[k].sd, two.results[k].sd) << one.results[k].spec.id;
    EXPECT_EQ(one.results[k].details, two.results[k].details);
  }
}

TEST(CalibrationStatistics, ScenarioProblemsAreInputErrors) {
  const auto no_programme = load_targets_text(
      "targets:\n  - {id: funding_cliff, value: between 0.1 and 0.9, scenarios: {scenario: baseline}}\n", "t.yaml");
  EXPECT_THROW(check(no_programme, reduced_world(), 1), config::ConfigError);
  const auto missing = load_targets_text(
      "targets:\n  - {id: supply_demand_ratio, value: 2, tolerance: 1, scenarios: {scenario: nowhere}}\n", "t.yaml");
  try {
    check(missing, reduced_world(), 1);
    FAIL() << "expected an error";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere.yaml: no such scenario file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace schoolsim::calibration
