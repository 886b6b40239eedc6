// Enrolment with the per-run distance weights (float) and one exp of attainment per school
// (models/enrolment.cpp) against the full-exp enrolment it replaced
// (models/reference/enrolment_reference.cpp), on seeded worlds and states. Stated tolerance:
// 1e-6 relative for pupils, intake and pupils moved, 1e-6 absolute for competition and trust.
// A float weight is within 2^-24 (6e-8) of the double one, so a share is within about 1e-7 of
// the reference share; flows, rolls and the trust shock inherit that order.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "../test_support.hpp"
#include "models/reference/enrolment_reference.hpp"

namespace schoolsim {
namespace {

constexpr double kRelative = 1e-6;
constexpr double kAbsolute = 1e-6;

void expect_enrolment_matches_reference(const std::vector<std::string>& overrides, int warm_up_terms) {
  test::Sim sim(test::small_scenario(overrides));
  for (int t = 0; t < warm_up_terms; ++t) sim.step();  // partnerships, trust and varied attainment
  test::Sim fast = sim, reference = sim;
  const int enrolment_term = (sim.st.term / 3) * 3 + 4;  // a first term of a year (term % 3 == 1)
  auto c_fast = fast.ctx(enrolment_term);
  enrol_pupils(c_fast);
  auto c_reference = reference.ctx(enrolment_term);
  reference::enrol_pupils(c_reference);
  for (int i = 0; i < sim.w.n; ++i) {
    EXPECT_NEAR(fast.st.pupils[i], reference.st.pupils[i], kRelative * reference.st.pupils[i]) << "school " << i;
    EXPECT_EQ(fast.st.places[i], reference.st.places[i]) << "school " << i;
  }
  ASSERT_EQ(fast.st.competition.size(), reference.st.competition.size());
  double competing = 0;
  for (std::size_t e = 0; e < fast.st.competition.size(); ++e) {
    EXPECT_NEAR(fast.st.competition[e], reference.st.competition[e], kAbsolute) << "entry " << e;
    competing += reference.st.competition[e];
  }
  EXPECT_GT(competing, 0.0) << "the test should exercise competition";
  const auto trust_fast = fast.st.trust.entries(sim.w), trust_reference = reference.st.trust.entries(sim.w);
  ASSERT_EQ(trust_fast.size(), trust_reference.size());
  for (std::size_t k = 0; k < trust_fast.size(); ++k) {
    EXPECT_EQ(trust_fast[k].first, trust_reference[k].first);
    EXPECT_NEAR(trust_fast[k].second, trust_reference[k].second, kAbsolute);
  }
  EXPECT_NEAR(fast.st.pupils_moved, reference.st.pupils_moved, kRelative * reference.st.pupils_moved);
  for (int ph = 0; ph < kPhases; ++ph) {
    EXPECT_NEAR(fast.st.intake[ph], reference.st.intake[ph], kRelative * reference.st.intake[ph]);
    EXPECT_NEAR(fast.st.intake_at_origin[ph], reference.st.intake_at_origin[ph],
                kRelative * reference.st.intake_at_origin[ph]);
  }
}

TEST(EnrolmentReference, DefaultChoiceMatchesFullExpKernel) { expect_enrolment_matches_reference({}, 0); }

TEST(EnrolmentReference, AfterSevenTermsWithFullSchoolsAndOverflow) {
  expect_enrolment_matches_reference({"competition.lambda_attainment=4", "world.initial_roll=1.0"}, 7);
}

TEST(EnrolmentReference, WideRadiusAndSteepDistance) {
  expect_enrolment_matches_reference({"competition.lambda_distance=9", "world.seed=7"}, 4);
}

TEST(EnrolmentReference, KeptWeightsFollowChangedChoiceParameters) {
  // Weights kept from an enrolment with the default lambda_distance (4.8), then used with 1, as the engine keeps them.
  test::Sim sim(test::small_scenario({}));
  test::Sim reference = sim, warmed = sim;
  ChoiceWeights kept;
  auto c_warm = warmed.ctx(1);
  c_warm.choice_weights = &kept;
  enrol_pupils(c_warm);
  EXPECT_EQ(kept.lambda_distance, 4.8);
  sim.s.competition.lambda_distance = 1.0;
  reference.s.competition.lambda_distance = 1.0;
  auto c_fast = sim.ctx(1);
  c_fast.choice_weights = &kept;
  enrol_pupils(c_fast);
  auto c_reference = reference.ctx(1);
  reference::enrol_pupils(c_reference);
  EXPECT_EQ(kept.lambda_distance, 1.0);
  for (int i = 0; i < sim.w.n; ++i)
    EXPECT_NEAR(sim.st.pupils[i], reference.st.pupils[i], kRelative * reference.st.pupils[i]) << "school " << i;
}

}  // namespace
}  // namespace schoolsim
