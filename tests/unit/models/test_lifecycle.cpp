// 7.4 Lifecycle: the sustain test when funding stops, the dissolution hazard of unfunded
// partnerships, permanent MATs, graduation of support pairs and the rebrokering cooldown.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "../test_support.hpp"

namespace schoolsim {
namespace {

using test::Sim;

Scenario funded_scenario() {
  Scenario s = default_scenario();
  Programme prog;
  prog.start = 1;
  prog.end = 30;
  s.programmes = {prog};
  return s;
}

// `pairs` support pairs (2k gives to 2k+1), primary schools 1 km apart in one LA.
Sim pairs_world(int pairs, Scenario s = default_scenario()) {
  std::vector<test::SchoolSpec> schools;
  for (int k = 0; k < 2 * pairs; ++k) schools.push_back({static_cast<double>(k % 10), static_cast<double>(k / 10)});
  Sim sim(std::move(s), test::tiny_world(schools));
  test::flatten(sim);
  for (int k = 0; k < pairs; ++k) sim.st.grade[2 * k + 1] = 3;  // receivers stay in need
  return sim;
}

bool active(const Sim& sim, int id) { return sim.st.partnerships[id].active; }

TEST(Lifecycle, SustainTestDissolvesLowTrustFundedPartnershipsAndKeepsHighTrustOnes) {
  Scenario s = funded_scenario();
  s.lifecycle.hazard_base = s.lifecycle.hazard_capacity = s.lifecycle.hazard_trust = 0.0;  // sustain test only
  Sim sim = pairs_world(3, s);
  auto c1 = sim.ctx(1);
  const int low = test::add_partnership(c1, PartnershipType::Pair, {0, 1}, true, 0);
  const int high = test::add_partnership(c1, PartnershipType::Pair, {2, 3}, true, 0);
  const int tired = test::add_partnership(c1, PartnershipType::Pair, {4, 5}, true, 0);
  test::set_trust(sim.w, sim.st, 0, 1, 0.3);
  test::set_trust(sim.w, sim.st, 2, 3, 0.8);
  test::set_trust(sim.w, sim.st, 4, 5, 0.8);
  const int last_grant = 1 + sim.s.lifecycle.partnership_terms;
  for (int t = 2; t <= last_grant + 3; ++t) {
    sim.st.capacity = {0.5, 0.5, 0.5, 0.5, 0.1, 0.1};  // the third pair has no spare capacity
    auto c = sim.ctx(t);
    pay_funding(c);
    run_lifecycle(c);
    const bool funded_term = t <= last_grant;
    EXPECT_EQ(active(sim, low), funded_term) << "term " << t;
    EXPECT_TRUE(active(sim, high)) << "term " << t;
    EXPECT_EQ(active(sim, tired), funded_term) << "term " << t;
  }
  EXPECT_EQ(sim.st.partnerships[low].end_term, last_grant + 1);
  EXPECT_FALSE(sim.st.partnerships[high].funded);
  // The ended pairs were recorded with the reason.
  int funding_ended = 0;
  for (const auto& e : sim.st.events)
    if (e.kind == 1) {
      EXPECT_EQ(e.reason, static_cast<std::int8_t>(EndReason::FundingEnded));
      ++funding_ended;
    }
  EXPECT_EQ(funding_ended, 2);
}

TEST(Lifecycle, FundedPartnershipsFaceNoHazardAndHazardStartsTheTermAfterFundingStops) {
  Scenario s = funded_scenario();
  s.lifecycle.hazard_base = 1.0;  // certain dissolution once the hazard applies
  Sim sim = pairs_world(1, s);
  auto c1 = sim.ctx(1);
  const int id = test::add_partnership(c1, PartnershipType::Pair, {0, 1}, true, 0);
  test::set_trust(sim.w, sim.st, 0, 1, 0.9);
  const int stop = 2 + sim.s.lifecycle.partnership_terms;  // first term without a grant
  for (int t = 2; t <= stop + 1; ++t) {
    auto c = sim.ctx(t);
    pay_funding(c);
    run_lifecycle(c);
    EXPECT_EQ(active(sim, id), t <= stop) << "term " << t;
  }
  EXPECT_EQ(sim.st.events.back().reason, static_cast<std::int8_t>(EndReason::Hazard));
}

TEST(Lifecycle, HazardEndsUnfundedPartnershipsOverTime) {
  constexpr int kPairs = 40, kTerms = 40;
  auto run = [&](double trust, Scenario s) {
    Sim sim = pairs_world(kPairs, s);
    auto c1 = sim.ctx(1);
    for (int k = 0; k < kPairs; ++k) {
      test::add_partnership(c1, PartnershipType::Network, {2 * k, 2 * k + 1});
      test::set_trust(sim.w, sim.st, 2 * k, 2 * k + 1, trust);
    }
    std::vector<std::vector<bool>> alive;  // [term][partnership]
    for (int t = 2; t <= kTerms; ++t) {
      auto c = sim.ctx(t);
      run_lifecycle(c);
      alive.emplace_back();
      for (int k = 0; k < kPairs; ++k) alive.back().push_back(active(sim, k));
    }
    return alive;
  };
  const Scenario s = default_scenario();
  const auto high = run(0.9, s), low = run(0.1, s);
  auto count = [](const std::vector<bool>& v) { return static_cast<int>(std::count(v.begin(), v.end(), true)); };
  for (std::size_t t = 1; t < high.size(); ++t) {
    EXPECT_LE(count(high[t]), count(high[t - 1]));
    // Same draws, higher hazard: every pair gone under high trust is gone under low trust.
    for (int k = 0; k < kPairs; ++k)
      if (!high[t][k]) {
        EXPECT_FALSE(low[t][k]);
      }
  }
  EXPECT_LT(count(high.back()), kPairs / 2);
  EXPECT_LT(count(low[10]), count(high[10]));
  // No hazard, no dissolution.
  Scenario safe = s;
  safe.lifecycle.hazard_base = safe.lifecycle.hazard_capacity = safe.lifecycle.hazard_trust = 0.0;
  EXPECT_EQ(count(run(0.1, safe).back()), kPairs);
}

TEST(Lifecycle, MatsNeverEnd) {
  Scenario s = default_scenario();
  s.lifecycle.hazard_base = 1.0;
  Sim sim = pairs_world(2, s);
  sim.st.capacity.assign(4, 0.0);
  auto c1 = sim.ctx(1);
  const int mat = test::add_partnership(c1, PartnershipType::Mat, {0, 1, 2, 3});
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b) test::set_trust(sim.w, sim.st, a, b, 0.0);
  for (int t = 2; t <= 20; ++t) {
    auto c = sim.ctx(t);
    pay_funding(c);
    run_lifecycle(c);
  }
  EXPECT_TRUE(active(sim, mat));
}

TEST(Lifecycle, GraduationEndsLowTrustSupportAndTurnsHighTrustIntoPeers) {
  Scenario s = default_scenario();
  s.lifecycle.hazard_base = s.lifecycle.hazard_capacity = s.lifecycle.hazard_trust = 0.0;
  s.brokering.max_give = 1;
  Sim sim = pairs_world(2, s);
  auto c1 = sim.ctx(1);
  const int low = test::add_partnership(c1, PartnershipType::Pair, {0, 1}, true);
  const int high = test::add_partnership(c1, PartnershipType::Pair, {2, 3}, true);
  test::set_trust(sim.w, sim.st, 0, 1, 0.3);
  test::set_trust(sim.w, sim.st, 2, 3, 0.8);
  // Still in need: nothing happens.
  auto c2 = sim.ctx(2);
  run_lifecycle(c2);
  EXPECT_TRUE(active(sim, low) && active(sim, high));
  // Receivers improve: grade 2 and attainment above the need cut-off.
  sim.st.grade[1] = sim.st.grade[3] = 2;
  sim.st.attainment[1] = sim.st.attainment[3] = 0.5;
  auto c3 = sim.ctx(3);
  c3.thresholds.need = {0.0, 0.0};
  c3.thresholds.support = {-10.0, -10.0};
  run_lifecycle(c3);
  EXPECT_FALSE(active(sim, low));
  EXPECT_EQ(sim.st.events.back().reason, static_cast<std::int8_t>(EndReason::Graduated));
  EXPECT_EQ(sim.st.receiving[1], -1);
  EXPECT_EQ(sim.st.giving[0], 0);
  const auto& peer = sim.st.partnerships[high];
  EXPECT_TRUE(peer.active);
  EXPECT_FALSE(peer.support);
  EXPECT_TRUE(peer.graduated);
  EXPECT_EQ(sim.st.receiving[3], -1);
  EXPECT_EQ(sim.st.giving[2], 1) << "a graduated peer pair still counts against the former giver's max_give";
  EXPECT_FALSE(can_support(c3, 2));
  EXPECT_TRUE(can_support(c3, 0));
  end_partnership(c3, high, EndReason::Hazard);
  EXPECT_EQ(sim.st.giving[2], 0);
  EXPECT_TRUE(can_support(c3, 2));
}

TEST(Lifecycle, EndedPairsCannotBeRebrokeredDuringCooldown) {
  Scenario s = default_scenario();
  s.lifecycle.rebroker_cooldown = 3;
  s.brokering.mandate_inadequate = false;
  s.self_organised.enabled = false;
  s.brokering.a0 = s.brokering.b0 = 50;  // both sides accept
  Sim sim = pairs_world(1, s);
  auto c2 = sim.ctx(2);
  const int id = test::add_partnership(c2, PartnershipType::Pair, {0, 1}, true);
  auto c3 = sim.ctx(3);
  end_partnership(c3, id, EndReason::Hazard);
  for (int t = 4; t <= 7; ++t) {
    EXPECT_EQ(brokerable_pair(sim.st, 0, 1, t), t > 3 + 3) << "term " << t;
    Sim copy = sim;
    auto c = copy.ctx(t);
    form_brokered(c);
    EXPECT_EQ(copy.st.partnerships.size(), t <= 6 ? 1u : 2u) << "term " << t;
  }
  EXPECT_TRUE(brokerable_pair(sim.st, 0, 2, 4)) << "other pairs are not affected";
}

}  // namespace
}  // namespace schoolsim
