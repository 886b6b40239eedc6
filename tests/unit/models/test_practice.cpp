// 7.7 Own practice: self-improvement and staff turnover (direction, exact one-step values,
// labour-market changes over time) and the range of expertise.
#include <gtest/gtest.h>

#include <vector>

#include "../test_support.hpp"

namespace schoolsim {
namespace {

using test::Sim;

TEST(Practice, MoreTurnoverLowersExpertise) {
  const Sim base(test::small_scenario());
  auto after = [&](double tightness) {
    Sim sim = base;
    sim.s.practice.labour_tightness = tightness;
    auto c = sim.ctx(1);
    practise(c);
    return sim.st.expertise;
  };
  const auto loose = after(0.5), normal = after(1.0), tight = after(2.0);
  // Same draws in each run, so the only difference is turnover: lower wherever not clipped.
  for (Eigen::Index i = 0; i < loose.rows(); ++i)
    for (int d = 0; d < kDomains; ++d) {
      EXPECT_LE(normal(i, d), loose(i, d));
      EXPECT_LE(tight(i, d), normal(i, d));
    }
  EXPECT_GT(loose.mean(), normal.mean());
  EXPECT_GT(normal.mean(), tight.mean());
}

TEST(Practice, TurnoverIsHigherInDisadvantagedAndStrugglingSchools) {
  Scenario s = default_scenario();
  s.practice.practice_noise_sd = 0.0;
  Sim sim(s, test::tiny_world({{0, 0, 0, 0, 0.1}, {1, 0, 0, 0, 0.5}, {2, 0, 0, 0, 0.1}}));
  test::flatten(sim);
  sim.st.grade[2] = 3;
  auto c = sim.ctx(1);
  practise(c);
  EXPECT_GT(sim.st.expertise(0, 0), sim.st.expertise(1, 0)) << "disadvantage raises turnover";
  EXPECT_GT(sim.st.expertise(0, 0), sim.st.expertise(2, 0)) << "grade >= 3 raises turnover";
}

TEST(Practice, OneStepWithoutNoiseIsExact) {
  Scenario s = default_scenario();
  s.practice.practice_noise_sd = 0.0;
  s.practice.labour_changes = {{4, 1.5}};
  Sim sim(s, test::tiny_world({{0, 0, 0, 0, 0.2}}));
  test::flatten(sim);
  sim.st.expertise(0, 0) = 0.3;
  sim.st.capacity[0] = 0.6;
  sim.st.grade[0] = 3;
  const auto& pp = s.practice;
  auto expected = [&](double e, double tightness) {
    const double turnover = pp.turnover_base * (1.0 + pp.turnover_disadvantage * 0.2 + pp.turnover_grade) * tightness;
    return e + pp.self_improvement * 0.6 * (1.0 - e) - turnover * e * pp.turnover_loss;
  };
  Sim before_change = sim;
  auto c3 = before_change.ctx(3);
  practise(c3);
  EXPECT_NEAR(before_change.st.expertise(0, 0), expected(0.3, 1.0), 1e-15);
  EXPECT_NEAR(before_change.st.expertise(0, 1), expected(0.5, 1.0), 1e-15);
  auto c4 = sim.ctx(4);
  practise(c4);
  EXPECT_NEAR(sim.st.expertise(0, 0), expected(0.3, 1.5), 1e-15);
}

TEST(Practice, LabourTightnessFollowsTheLatestChangeInForce) {
  Scenario s = default_scenario();
  s.practice.labour_tightness = 1.0;
  s.practice.labour_changes = {{10, 0.8}, {4, 1.3}};  // listed out of order
  EXPECT_EQ(labour_tightness(s, 1), 1.0);
  EXPECT_EQ(labour_tightness(s, 4), 1.3);
  EXPECT_EQ(labour_tightness(s, 9), 1.3);
  EXPECT_EQ(labour_tightness(s, 10), 0.8);
  EXPECT_EQ(labour_tightness(s, 30), 0.8);
}

TEST(Practice, ExpertiseStaysInUnitInterval) {
  Sim sim(test::small_scenario({"practice.practice_noise_sd=0.5", "practice.labour_tightness=20"}));
  for (Eigen::Index i = 0; i < 20; ++i) sim.st.expertise.row(i).setConstant(i % 2 ? 1.0 : 0.0);
  for (int t = 1; t <= 5; ++t) {
    auto c = sim.ctx(t);
    practise(c);
    EXPECT_GE(sim.st.expertise.minCoeff(), 0.0);
    EXPECT_LE(sim.st.expertise.maxCoeff(), 1.0);
  }
}

}  // namespace
}  // namespace schoolsim
