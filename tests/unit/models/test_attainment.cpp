// 7.8 Attainment: effectiveness moves toward its target by attainment_rate (hand-computed),
// cohort noise is autoregressive, and better practice means higher attainment.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../test_support.hpp"

namespace schoolsim {
namespace {

using test::Sim;

Sim one_school(double noise_sd) {
  Scenario s = default_scenario();
  s.attainment.noise_sd = noise_sd;
  Sim sim(s, test::tiny_world({{0, 0, 0, 0, 0.25}}));
  test::flatten(sim);
  sim.st.expertise(0, 0) = 0.6, sim.st.expertise(0, 1) = 0.5, sim.st.expertise(0, 2) = 0.4;
  sim.st.mean_quality0 = 0.5;
  sim.st.mean_disadvantage = 0.15;
  sim.st.effectiveness[0] = 0.2;
  sim.st.noise[0] = 0.2;
  return sim;
}

TEST(Attainment, EffectivenessMovesTowardTargetByAttainmentRate) {
  Sim sim = one_school(0.0);
  // q = 0.5 * 0.6 + 0.3 * 0.5 + 0.2 * 0.4 = 0.53; target = 3 * (0.53 - 0.5) - 1 * (0.25 - 0.15)
  // = -0.01; effectiveness 0.2 + 0.15 * (-0.01 - 0.2) = 0.1685; noise 0.5 * 0.2 = 0.1.
  EXPECT_NEAR(quality(sim.s, sim.st, 0), 0.53, 1e-15);
  auto c = sim.ctx(1);
  update_attainment(c);
  EXPECT_NEAR(sim.st.effectiveness[0], 0.1685, 1e-15);
  EXPECT_NEAR(sim.st.noise[0], 0.1, 1e-15);
  EXPECT_NEAR(sim.st.attainment[0], 0.2685, 1e-15);
  // The lag: after k terms the distance to the target has shrunk by (1 - rate)^k.
  for (int t = 2; t <= 10; ++t) {
    auto ct = sim.ctx(t);
    update_attainment(ct);
  }
  EXPECT_NEAR(sim.st.effectiveness[0] - (-0.01), std::pow(0.85, 10) * (0.2 - (-0.01)), 1e-14);
  EXPECT_NEAR(sim.st.noise[0], 0.2 * std::pow(0.5, 10), 1e-15);
}

TEST(Attainment, NoiseOnlyEntersMeasuredAttainment) {
  Sim quiet = one_school(0.0), noisy = one_school(0.3);
  auto cq = quiet.ctx(1), cn = noisy.ctx(1);
  update_attainment(cq), update_attainment(cn);
  EXPECT_EQ(quiet.st.effectiveness[0], noisy.st.effectiveness[0]);
  EXPECT_NE(quiet.st.attainment[0], noisy.st.attainment[0]);
  EXPECT_DOUBLE_EQ(noisy.st.attainment[0], noisy.st.effectiveness[0] + noisy.st.noise[0]);
}

TEST(Attainment, BetterPracticeRaisesTheTarget) {
  Sim low = one_school(0.0), high = one_school(0.0);
  high.st.expertise(0, 0) += 0.1;  // teaching and learning, weight 0.5
  auto cl = low.ctx(1), ch = high.ctx(1);
  update_attainment(cl), update_attainment(ch);
  EXPECT_NEAR(high.st.effectiveness[0] - low.st.effectiveness[0], 0.15 * 3.0 * 0.5 * 0.1, 1e-12);
}

TEST(Attainment, InitialEffectivenessIsOnTarget) {
  Sim sim(test::small_scenario({"attainment.noise_sd=0", "attainment.noise_ar=0"}));
  const auto before = sim.st.effectiveness;
  auto c = sim.ctx(1);
  update_attainment(c);
  for (int i = 0; i < sim.w.n; ++i) EXPECT_NEAR(sim.st.effectiveness[i], before[i], 1e-12);
}

}  // namespace
}  // namespace schoolsim
