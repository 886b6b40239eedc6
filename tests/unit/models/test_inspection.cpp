// 7.9 Inspection: grades change only at inspection, the fixed thresholds reproduce the
// initial grade shares, exemption of outstanding schools, contextual grading, reinspection.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "../test_support.hpp"

namespace schoolsim {
namespace {

using test::Sim;

TEST(Inspection, GradesChangeOnlyAtInspection) {
  Sim sim(test::small_scenario());
  int changed = 0;
  for (int t = 1; t <= 12; ++t) {
    const auto grade = sim.st.grade;
    const auto last = sim.st.last_inspected;
    sim.step();
    for (int i = 0; i < sim.w.n; ++i) {
      const bool inspected = sim.st.last_inspected[i] == t;
      if (!inspected) {
        EXPECT_EQ(sim.st.last_inspected[i], last[i]);
        EXPECT_EQ(sim.st.grade[i], grade[i]) << "school " << i << " term " << t;
      } else {
        EXPECT_GE(t - last[i], sim.s.inspection.inspection_terms[grade[i] - 1]) << "inspected only when due";
        EXPECT_EQ(sim.st.grade[i], grade_for(sim.st, sim.w.phase[i], sim.st.attainment[i]));
      }
      changed += sim.st.grade[i] != grade[i];
    }
  }
  EXPECT_GT(changed, 0);
}

TEST(Inspection, DueSchoolsAreGradedOnMeasuredAttainment) {
  Sim sim(test::small_scenario());
  const auto before = sim.st;
  for (int i = 0; i < sim.w.n; ++i) sim.st.attainment[i] = -10.0;  // far below every threshold
  const int t = 3;
  auto c = sim.ctx(t);
  inspect(c);
  int inspected = 0;
  for (int i = 0; i < sim.w.n; ++i) {
    const bool due = t - before.last_inspected[i] >= sim.s.inspection.inspection_terms[before.grade[i] - 1];
    if (due) {
      ++inspected;
      EXPECT_EQ(sim.st.grade[i], 4);
      EXPECT_EQ(sim.st.last_inspected[i], t);
      EXPECT_EQ(sim.st.inadequate_since[i], before.grade[i] == 4 ? before.inadequate_since[i] : t);
    } else {
      EXPECT_EQ(sim.st.grade[i], before.grade[i]);
      EXPECT_EQ(sim.st.last_inspected[i], before.last_inspected[i]);
    }
  }
  EXPECT_GT(inspected, 0);
  EXPECT_LT(inspected, sim.w.n);
}

TEST(Inspection, ThresholdsReproduceInitialGradeSharesPerPhase) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Sim sim(test::small_scenario({"world.seed=" + std::to_string(seed)}), seed);
    const auto& shares = sim.s.inspection.grade_shares;
    for (int ph = 0; ph < kPhases; ++ph) {
      const auto& members = sim.w.phase_members[ph];
      const double n = static_cast<double>(members.size());
      std::array<double, kGrades> count{};
      for (int i : members) count[sim.st.grade[i] - 1] += 1;
      // Each threshold is a quantile, so each cumulative share is within 1/n of its target
      // (a single grade's share, a difference of two, within 2/n).
      double cum = 0, cum_target = 0;
      for (int g = 0; g < kGrades; ++g) {
        cum += count[g] / n;
        cum_target += shares[g];
        EXPECT_NEAR(cum, cum_target, 1.0 / n + 1e-12) << "phase " << ph << " grades <= " << g + 1;
        EXPECT_NEAR(count[g] / n, shares[g], 2.0 / n + 1e-12) << "phase " << ph << " grade " << g + 1;
      }
      // Thresholds are ordered.
      const auto& th = sim.st.grade_threshold[ph];
      EXPECT_GE(th[0], th[1]);
      EXPECT_GE(th[1], th[2]);
    }
  }
}

TEST(Inspection, ExemptOutstandingSchoolsAreNotInspected) {
  Scenario s = default_scenario();
  Sim sim(s, test::tiny_world({{0, 0}, {1, 0}}));
  test::flatten(sim);
  sim.st.grade = {1, 2};
  sim.st.last_inspected = {-50, -50};  // long overdue
  sim.st.attainment = {-10.0, -10.0};
  Sim exempt = sim;
  exempt.s.inspection.exempt_outstanding = true;
  auto ce = exempt.ctx(1);
  inspect(ce);
  EXPECT_EQ(exempt.st.grade[0], 1);
  EXPECT_EQ(exempt.st.last_inspected[0], -50);
  EXPECT_EQ(exempt.st.grade[1], 4) << "only outstanding schools are exempt";
  auto c = sim.ctx(1);
  inspect(c);
  EXPECT_EQ(sim.st.grade[0], 4);
  EXPECT_EQ(sim.st.last_inspected[0], 1);
}

TEST(Inspection, ContextualGradingCreditsDisadvantage) {
  Sim sim(default_scenario(), test::tiny_world({{0, 0, 0, 0, 0.05}, {1, 0, 0, 0, 0.45}}));
  test::flatten(sim);
  sim.st.grade_threshold[0] = {0.5, 0.0, -0.5};
  sim.st.last_inspected = {-20, -20};
  sim.st.attainment = {-0.1, -0.1};  // grade 3 on raw attainment
  Sim contextual = sim;
  contextual.s.inspection.contextual_grading = true;
  auto c = sim.ctx(1), cc = contextual.ctx(1);
  inspect(c), inspect(cc);
  EXPECT_EQ(sim.st.grade[0], 3);
  EXPECT_EQ(sim.st.grade[1], 3);
  // mean d = 0.25: the advantaged school loses 0.2, the disadvantaged gains 0.2.
  EXPECT_EQ(contextual.st.grade[0], 3);
  EXPECT_EQ(contextual.st.grade[1], 2);
}

TEST(Inspection, ProgrammeReinspectsItsRegionInItsLastFundedTerm) {
  Scenario s = default_scenario();
  s.world.regions = {{"r", {0}}};
  Programme prog;
  prog.region = "r";
  prog.start = 2;
  prog.end = 5;
  prog.reinspect = true;
  s.programmes = {prog};
  Sim sim(s, test::tiny_world({{0, 0, 0, 0}, {1, 0, 0, 1}, {2, 0, 0, 0}}, 2));
  test::flatten(sim);
  sim.st.last_inspected = {0, 0, 3};  // 2 was inspected after the programme started
  for (int t = 4; t <= 5; ++t) {
    auto c = sim.ctx(t);
    inspect(c);
  }
  EXPECT_EQ(sim.st.last_inspected, (std::vector<std::int32_t>{5, 0, 3}));
}

}  // namespace
}  // namespace schoolsim
