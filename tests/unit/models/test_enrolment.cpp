// 7.2 Enrolment and competition: conservation of pupils, capacity limits, the direction of
// parental choice, competition values and the pupil-flow trust shock, falling rolls.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "../test_support.hpp"

namespace schoolsim {
namespace {

using test::Sim;
using test::small_scenario;
using test::total;

TEST(Enrolment, PupilsAreConserved) {
  // Strong choice so popular schools fill up and the overflow placement runs as well.
  Sim sim(small_scenario({"competition.lambda_attainment=4"}));
  const double pupils0 = total(sim.st.pupils);
  bool some_school_full = false;
  for (int t = 1; t <= 10; ++t) {
    const double before = total(sim.st.pupils);
    sim.step();
    EXPECT_NEAR(total(sim.st.pupils), before, 1e-9 * before) << "term " << t;
    EXPECT_NEAR(total(sim.st.pupils), pupils0, 1e-9 * pupils0) << "term " << t;
    for (int i = 0; i < sim.w.n; ++i) some_school_full |= sim.st.pupils[i] >= sim.st.places[i] - 1e-9;
  }
  EXPECT_TRUE(some_school_full) << "the test should exercise full schools and overflow";
}

TEST(Enrolment, NoSchoolAbovePlaces) {
  Sim sim(small_scenario({"competition.lambda_attainment=6", "world.initial_roll=1.0"}));
  for (int t = 1; t <= 7; ++t) {
    sim.step();
    for (int i = 0; i < sim.w.n; ++i) {
      EXPECT_LE(sim.st.pupils[i], sim.st.places[i] * (1 + 1e-12)) << "school " << i << " term " << t;
      EXPECT_GE(sim.st.pupils[i], 0.0);
    }
  }
}

TEST(Enrolment, MoreAttainmentWeightMovesPupilsTowardHighAttainers) {
  // Rolls at 60% of places: no school is full, so the choice shares alone decide.
  const Sim base(small_scenario({"world.initial_roll=0.6"}));
  std::vector<int> primary = base.w.phase_members[0];
  std::sort(primary.begin(), primary.end(),
            [&](int a, int b) { return base.st.attainment[a] > base.st.attainment[b]; });
  const std::vector<int> top(primary.begin(), primary.begin() + static_cast<std::ptrdiff_t>(primary.size() / 5));
  auto top_roll = [&](double lambda) {
    Sim sim = base;
    sim.s.competition.lambda_attainment = lambda;
    auto c = sim.ctx(1);
    enrol_pupils(c);
    double roll = 0;
    for (int i : top) roll += sim.st.pupils[i];
    return roll;
  };
  const double weak = top_roll(0.5), strong = top_roll(2.5), none = top_roll(0.0);
  EXPECT_GT(strong, weak);
  EXPECT_GT(weak, none);
}

TEST(Enrolment, CompetitionIsInUnitIntervalAndSymmetric) {
  Sim sim(small_scenario({"competition.lambda_attainment=3"}));
  auto c = sim.ctx(1);
  enrol_pupils(c);
  const auto& nl = sim.w.neighbours;
  ASSERT_EQ(sim.st.competition.size(), nl.index.size());
  int positive = 0;
  for (std::size_t e = 0; e < nl.index.size(); ++e) {
    const double comp = sim.st.competition[e];
    EXPECT_GE(comp, 0.0);
    EXPECT_LE(comp, 1.0);
    EXPECT_EQ(comp, sim.st.competition[nl.reverse[e]]) << "comp_ij must equal comp_ji";
    positive += comp > 0;
  }
  EXPECT_GT(positive, 0);
  // Beyond the choice radius there is no competition.
  for (int i = 0; i < sim.w.n; ++i)
    for (auto e = nl.end_within(i, sim.s.competition.choice_radius_km[sim.w.phase[i]]); e < nl.end(i); ++e)
      EXPECT_EQ(sim.st.competition[e], 0.0);
}

TEST(Enrolment, FlowShockLowersStoredTrustOfCompetingPairs) {
  Sim sim(small_scenario());
  const auto& nl = sim.w.neighbours;
  // The first school with a neighbour inside its choice radius; that pair gets stored trust.
  int i = 0;
  while (nl.end_within(i, sim.s.competition.choice_radius_km[sim.w.phase[i]]) == nl.begin(i)) ++i;
  const int j = nl.index[nl.begin(i)];
  test::set_trust(sim.w, sim.st, i, j, 0.8);
  const Sim before = sim;
  auto c = sim.ctx(1);
  enrol_pupils(c);
  const double psi = sim.s.competition.psi_flow;
  const double comp = pair_competition(sim.w, sim.st, i, j);
  ASSERT_GT(comp, 0.0);
  EXPECT_DOUBLE_EQ(pair_trust(sim.w, sim.st, i, j), 0.8 * (1.0 - psi * comp));
  // Every competing pair ends below its trust before the shock, by exactly psi * comp.
  int shocked = 0;
  for (int a = 0; a < sim.w.n; ++a)
    for (auto e = nl.begin(a); e < nl.end(a); ++e) {
      const int b = nl.index[e];
      if (b < a || sim.st.competition[e] <= 0) continue;
      const double t0 = pair_trust(before.w, before.st, a, b);
      EXPECT_DOUBLE_EQ(pair_trust(sim.w, sim.st, a, b), t0 * (1.0 - psi * sim.st.competition[e]));
      EXPECT_LT(pair_trust(sim.w, sim.st, a, b), t0);
      ++shocked;
    }
  EXPECT_GT(shocked, 0);

  // Without the shock (psi_flow = 0), trust is untouched.
  Sim calm = before;
  calm.s.competition.psi_flow = 0.0;
  auto c2 = calm.ctx(1);
  enrol_pupils(c2);
  EXPECT_EQ(pair_trust(calm.w, calm.st, i, j), 0.8);
}

TEST(Enrolment, NonEnrolmentTermsLeaveRollsUnchanged) {
  Sim sim(small_scenario());
  auto c1 = sim.ctx(1);
  enrol_pupils(c1);
  const auto pupils = sim.st.pupils;
  const auto competition = sim.st.competition;
  const auto trust = sim.st.trust;
  for (int t : {2, 3, 5, 6, 8, 9}) {
    auto c = sim.ctx(t);
    enrol_pupils(c);
    EXPECT_EQ(sim.st.pupils, pupils) << "term " << t;
    EXPECT_EQ(sim.st.competition, competition) << "term " << t;
    EXPECT_EQ(sim.st.trust, trust) << "term " << t;
    EXPECT_EQ(sim.st.pupils_moved, 0.0);
  }
  auto c4 = sim.ctx(4);
  enrol_pupils(c4);
  EXPECT_GT(sim.st.pupils_moved, 0.0);
}

TEST(Enrolment, FallingRollShrinksPlacesAfterClosureTerms) {
  Sim sim(small_scenario({"competition.closure_terms=3", "competition.closure_roll=0.5"}));
  const int low = 0, recovers = 1;
  const double places_low = sim.st.places[low], places_rec = sim.st.places[recovers];
  sim.st.pupils[low] = 0.3 * places_low;
  sim.st.pupils[recovers] = 0.3 * places_rec;
  // Non-enrolment terms only, so rolls stay where they are set.
  auto run = [&](int t) {
    auto c = sim.ctx(t);
    enrol_pupils(c);
  };
  run(2);
  EXPECT_EQ(sim.st.places[low], places_low);
  EXPECT_EQ(sim.st.low_roll_terms[low], 1);
  run(3);
  EXPECT_EQ(sim.st.places[low], places_low);
  EXPECT_EQ(sim.st.low_roll_terms[low], 2);
  sim.st.pupils[recovers] = 0.6 * places_rec;  // back above closure_roll: the count restarts
  run(5);
  EXPECT_EQ(sim.st.places[low], sim.st.pupils[low]) << "after closure_terms low terms places shrink to the roll";
  EXPECT_EQ(sim.st.low_roll_terms[low], 0);
  EXPECT_EQ(sim.st.places[recovers], places_rec);
  EXPECT_EQ(sim.st.low_roll_terms[recovers], 0);
  // Schools at normal rolls never shrink.
  for (int i = 2; i < sim.w.n; ++i) EXPECT_EQ(sim.st.places[i], sim.w.places[i]);
}

}  // namespace
}  // namespace schoolsim
