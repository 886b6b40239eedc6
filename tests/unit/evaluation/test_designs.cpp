// Evaluation designs: exact values on a hand-built panel, recovery of an effect planted in a
// simulated panel within the reported interval, the counterfactual scenario, and the whole
// virtual evaluation on a reduced world.
#include <gtest/gtest.h>

#include <cmath>

#include "../calibration/small_world.hpp"
#include "sim/experiment/counterfactual.hpp"
#include "sim/evaluation/designs.hpp"
#include "sim/evaluation/evaluate.hpp"
#include "sim/core/rng.hpp"

namespace schoolsim::evaluation {
namespace {

using namespace test::calibration;

/// n schools over terms 0..terms, attainment y[t][i] given row by row.
Panel toy(const std::vector<std::vector<double>>& y, std::vector<int> first, std::vector<double> d) {
  Panel p;
  p.n = static_cast<int>(y[0].size());
  p.terms = static_cast<int>(y.size()) - 1;
  for (const auto& row : y) p.attainment.insert(p.attainment.end(), row.begin(), row.end());
  p.phase.assign(static_cast<std::size_t>(p.n), 0);
  p.disadvantage = std::move(d);
  p.first_treated = std::move(first);
  return p;
}

TEST(EvaluationDesigns, HandComputedValues) {
  // Terms 0..3; school 0 treated from term 2; schools 1-3 never; pre = 1 (term 1), outcome term 3.
  const Panel p = toy({{0.0, 0.0, 0.0, 0.0}, {0.0, 0.1, 0.5, -0.2}, {0.3, 0.2, 0.6, -0.1}, {0.6, 0.3, 0.4, 0.0}},
                      {2, kNeverTreated, kNeverTreated, kNeverTreated}, {0.1, 0.1, 0.5, 0.1});
  const DesignOptions o{1, 1, 1};
  ASSERT_EQ(treated_units(p, o).size(), 1u);
  // Naive: 0.6 - mean(0.3, 0.4, 0.0).
  EXPECT_NEAR(naive_comparison(p, o).estimate, 0.6 - 0.7 / 3, 1e-12);
  // DiD: (0.6 - 0.0) - mean(0.3 - 0.1, 0.4 - 0.5, 0.0 + 0.2).
  const Estimate did = event_time_did(p, o);
  EXPECT_NEAR(did.estimate, 0.6 - 0.3 / 3, 1e-12);
  EXPECT_EQ(did.n_treated, 1);
  EXPECT_EQ(did.n_controls, 3);
  // Influence variance: treated term 0 (one treated); controls (dY - mean)/3 each.
  const double m = 0.1, v = (std::pow(0.2 - m, 2) + std::pow(-0.1 - m, 2) + std::pow(0.2 - m, 2)) / 9.0;
  EXPECT_NEAR(did.se, std::sqrt(v), 1e-12);
  EXPECT_NEAR(did.hi - did.lo, 2 * 1.959963984540054 * did.se, 1e-12);
  // Matched: pre 0.0 and d 0.1; controls (0.1, 0.1), (0.5, 0.5), (-0.2, 0.1); SDs of the
  // controls standardise; the nearest is school 1 (distance 0.1 / sd_x) vs school 3 (0.2 / sd_x).
  const Estimate matched = matched_comparison(p, o);
  EXPECT_NEAR(matched.estimate, 0.6 - 0.3, 1e-12);
  EXPECT_EQ(matched.n_controls, 1);
  EXPECT_NEAR(matched.se, 0.0, 1e-12);  // one pair: no spread, no reuse
}

TEST(EvaluationDesigns, ControlsTreatedLaterAreCleanOnlyBeyondTheWindow) {
  Panel p = toy({{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, {1, 3, 4}, {0, 0, 0});
  const DesignOptions o{1, 2, 1};
  EXPECT_FALSE(clean_control(p, 1, 1, o));  // treated at 3 = 1 + horizon: inside the window
  EXPECT_TRUE(clean_control(p, 2, 1, o));
  EXPECT_THROW(check_options(DesignOptions{1, 2, 3}), std::invalid_argument);
}

/// A reduced-world panel without partnerships (the market scenario's counterfactual).
calibration::Trace untreated_trace() {
  auto lib = library(with(reduced_world(), {"run.terms=24"}));
  calibration::WorldCache worlds;
  const auto s = lib.get(std::string("market") + calibration::kCounterfactualSuffix);
  return calibration::trace_run(s, worlds.get(*s), 0, evaluation_needs(s->run.terms));
}

TEST(EvaluationDesigns, PlantedEffectIsRecoveredWithinTheInterval) {
  const calibration::Trace tr = untreated_trace();
  ASSERT_TRUE(tr.partnerships.empty());
  const Panel base = panel_from_trace(tr, Role::Any);
  const DesignOptions o;  // pre 3, horizon 6, outcome event times 4..6
  // Treatment at random (a fixed stream): a third of the schools, start terms 3..18; the
  // planted effect rises linearly to tau over the first 4 terms and then stays.
  const double tau = 0.08;
  Panel planted = base;
  for (int i = 0; i < base.n; ++i) {
    Stream r(7, 0, 0, Process::Practice, static_cast<std::uint32_t>(i));
    if (r.uniform() >= 1.0 / 3.0) continue;
    const int start = 3 + static_cast<int>(r.below(16));
    planted.first_treated[i] = start;
    for (int t = start; t <= planted.terms; ++t)
      planted.attainment[static_cast<std::size_t>(t) * planted.n + i] += tau * std::min(1.0, (t - start + 1) / 4.0);
  }
  EXPECT_GT(treated_units(planted, o).size(), 100u);
  EXPECT_NEAR(true_att(planted, base, o), tau, 1e-12);  // event times 4..6: full effect
  for (Design d : {Design::Matched, Design::DiD, Design::Naive}) {
    const Estimate e = estimate(d, planted, o);
    EXPECT_LE(e.lo, tau) << to_string(d) << " estimate " << e.estimate << " se " << e.se;
    EXPECT_GE(e.hi, tau) << to_string(d) << " estimate " << e.estimate << " se " << e.se;
    EXPECT_GT(e.se, 0.0);
    // Matching and DiD remove the schools' levels, so they tell the effect from zero; the
    // naive comparison keeps the between-school spread in its error.
    if (d != Design::Naive) {
      EXPECT_LT(e.se, tau / 2) << to_string(d);
    }
  }
  // Without the planted effect the same designs find nothing (intervals hold 0).
  for (Design d : {Design::Matched, Design::DiD}) {
    Panel null_panel = base;
    null_panel.first_treated = planted.first_treated;
    const Estimate e = estimate(d, null_panel, o);
    EXPECT_LE(e.lo, 0.0) << to_string(d);
    EXPECT_GE(e.hi, 0.0) << to_string(d);
  }
}

TEST(EvaluationDesigns, CounterfactualSwitchesOffEveryFormation) {
  auto lib = library(reduced_world());
  const Scenario cf = counterfactual_scenario(*lib.get("city_challenge"));
  EXPECT_TRUE(cf.programmes.empty());
  EXPECT_FALSE(cf.brokering.enabled);
  EXPECT_FALSE(cf.brokering.mandate_inadequate);
  EXPECT_FALSE(cf.self_organised.enabled);
  EXPECT_FALSE(cf.national_broker.enabled);
  EXPECT_FALSE(cf.academisation.enabled);
  EXPECT_EQ(cf.name, "city_challenge~counterfactual");
}

TEST(EvaluationDesigns, VirtualEvaluationOfBrokeredSupport) {
  auto lib = library(with(reduced_world(), {"run.terms=24"}));
  calibration::WorldCache worlds;
  EvaluationOptions o;
  o.replicates = 3;
  o.role = Role::Receiver;
  const EvaluationResult r = evaluate(lib, worlds, "la_brokered", o);
  ASSERT_EQ(r.replicates.size(), 3u);
  for (const auto& rep : r.replicates) {
    EXPECT_GT(rep.n_treated, 10);
    EXPECT_GT(rep.true_att, 0.0);  // receiving support raises attainment against no partnerships
    for (const auto& e : rep.estimates) EXPECT_TRUE(std::isfinite(e.estimate));
  }
  EXPECT_EQ(r.designs[0].replicates, 3);
  EXPECT_GE(r.designs[0].coverage, 0.0);
  EXPECT_LE(r.designs[0].coverage, 1.0);
}

}  // namespace
}  // namespace schoolsim::evaluation
