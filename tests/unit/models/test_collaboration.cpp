// 7.6 Collaboration and trust: direction of transfer, bounds, group-size dilution, the trust
// rules of models/trust.hpp (exact values) and their use in collaborate().
#include <gtest/gtest.h>

#include <vector>

#include "../test_support.hpp"
#include "models/trust.hpp"

namespace schoolsim {
namespace {

using test::Sim;

Sim schools(int n, Scenario s = default_scenario()) {
  std::vector<test::SchoolSpec> spec;
  for (int k = 0; k < n; ++k) spec.push_back({static_cast<double>(k), 0.0});
  Sim sim(std::move(s), test::tiny_world(spec));
  test::flatten(sim);
  return sim;
}

void set_expertise(Sim& sim, int i, double e) {
  for (int d = 0; d < kDomains; ++d) sim.st.expertise(i, d) = e;
}

/// Receiver 1's expertise gain in domain 0 from a support pair 0 -> 1 with the given trust.
double support_gain(double trust, Scenario s = default_scenario()) {
  Sim sim = schools(2, s);
  set_expertise(sim, 0, 0.8);
  set_expertise(sim, 1, 0.4);
  test::set_trust(sim.w, sim.st, 0, 1, trust);
  auto c = sim.ctx(1);
  test::add_partnership(c, PartnershipType::Pair, {0, 1}, true);
  collaborate(c);
  return sim.st.expertise(1, 0) - 0.4;
}

TEST(Collaboration, MoreTrustGivesMoreTransfer) {
  Scenario no_creation = default_scenario();
  no_creation.collaboration.gamma = 0.0;
  const auto& cp = no_creation.collaboration;
  // Hand-computed: absorptive capacity A_r = 0.2 + 0.8 * 0.5 * (0.5 + 0.5 * 0.4) = 0.48;
  // gain = eta * intensity[pair] * T * A_r * (0.8 - 0.4).
  const double absorb = 0.2 + 0.8 * 0.5 * (0.5 + 0.5 * 0.4);
  for (double t : {0.3, 0.8}) EXPECT_NEAR(support_gain(t, no_creation), cp.eta * 1.0 * t * absorb * 0.4, 1e-15);
  EXPECT_GT(support_gain(0.8, no_creation), support_gain(0.3, no_creation));
  // With joint creation too.
  EXPECT_GT(support_gain(0.8), support_gain(0.3));
  EXPECT_GT(support_gain(0.3), 0.0);
  EXPECT_EQ(support_gain(0.0), 0.0) << "no trust, no flow";
}

TEST(Collaboration, TransferNeverMovesAReceiverAboveItsGiver) {
  // The largest transfer the parameter ranges allow at intensity 1: eta = 1, trust 1, full
  // absorption; the receiver reaches its giver and no further.
  Scenario s = default_scenario();
  s.collaboration.gamma = 0.0;
  s.collaboration.eta = 1.0;
  s.collaboration.absorb_floor = 1.0;
  s.collaboration.size_dilution = 0.0;
  s.collaboration.intensity = {1.0, 1.0, 1.0, 1.0};
  {
    Sim sim = schools(2, s);
    const double giver[kDomains] = {0.9, 0.3, 0.6}, receiver[kDomains] = {0.2, 0.7, 0.6};
    for (int d = 0; d < kDomains; ++d) sim.st.expertise(0, d) = giver[d], sim.st.expertise(1, d) = receiver[d];
    test::set_trust(sim.w, sim.st, 0, 1, 1.0);
    auto c = sim.ctx(1);
    test::add_partnership(c, PartnershipType::Pair, {0, 1}, true);
    collaborate(c);
    for (int d = 0; d < kDomains; ++d) {
      EXPECT_LE(sim.st.expertise(1, d), std::max(giver[d], receiver[d])) << "domain " << d;
      // The giver learns back (reciprocity) only where the receiver is ahead, and not past it.
      EXPECT_LE(sim.st.expertise(0, d), std::max(giver[d], receiver[d])) << "domain " << d;
    }
    EXPECT_NEAR(sim.st.expertise(1, 0), 0.9, 1e-15);
    EXPECT_GT(sim.st.expertise(0, 1), 0.3);
  }
  // A network: the receiver gains at most up to its best giver.
  Sim sim = schools(4, s);
  const double e[4] = {0.2, 0.9, 0.5, 0.7};
  for (int i = 0; i < 4; ++i) set_expertise(sim, i, e[i]);
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b) test::set_trust(sim.w, sim.st, a, b, 1.0);
  auto c = sim.ctx(1);
  test::add_partnership(c, PartnershipType::Network, {0, 1, 2, 3});
  collaborate(c);
  for (int i = 0; i < 4; ++i)
    for (int d = 0; d < kDomains; ++d) EXPECT_LE(sim.st.expertise(i, d), 0.9 + 1e-15);
  EXPECT_GT(sim.st.expertise(0, 0), 0.2);
}

TEST(Collaboration, ExpertiseStaysInUnitInterval) {
  Sim sim(test::small_scenario({"self_organised.p_self=1", "self_organised.min_capacity_self=0", "brokering.a0=5"}));
  for (int t = 1; t <= 4; ++t) sim.step();
  ASSERT_GT(sim.st.partnerships.size(), 20u);
  // Far beyond the defaults: every increment overshoots.
  auto& cp = sim.s.collaboration;
  cp.eta = cp.gamma = cp.reciprocity = 1.0;
  cp.intensity = {20.0, 20.0, 20.0, 20.0};
  for (int t = 5; t <= 8; ++t) {
    auto c = sim.ctx(t);
    collaborate(c);
    for (int i = 0; i < sim.w.n; ++i)
      for (int d = 0; d < kDomains; ++d) {
        ASSERT_GE(sim.st.expertise(i, d), 0.0);
        ASSERT_LE(sim.st.expertise(i, d), 1.0);
      }
  }
}

/// Receiver 1's gain in a peer network of `n` schools: 0 is ahead (0.8), the rest at 0.4.
double network_gain(int n) {
  Scenario s = default_scenario();
  s.collaboration.gamma = 0.0;
  Sim sim = schools(n, s);
  set_expertise(sim, 0, 0.8);
  for (int i = 1; i < n; ++i) set_expertise(sim, i, 0.4);
  std::vector<std::int32_t> members;
  for (int i = 0; i < n; ++i) members.push_back(i);
  auto c = sim.ctx(1);
  test::add_partnership(c, PartnershipType::Network, members);
  collaborate(c);
  return sim.st.expertise(1, 0) - 0.4;
}

TEST(Collaboration, LargerGroupsGiveLessPerEdge) {
  const auto& cp = default_scenario().collaboration;
  const double pair = network_gain(2), four = network_gain(4), eight = network_gain(8);
  EXPECT_GT(pair, four);
  EXPECT_GT(four, eight);
  // Per-edge intensity intensity[network] / (1 + size_dilution (n - 2)) / (n - 1).
  auto per_edge = [&](int n) { return cp.intensity[1] / (1.0 + cp.size_dilution * (n - 2)) / (n - 1); };
  EXPECT_NEAR(four / pair, per_edge(4) / per_edge(2), 1e-12);
  EXPECT_NEAR(eight / pair, per_edge(8) / per_edge(2), 1e-12);
}

TEST(Collaboration, TrustRulesExactValues) {
  const TrustParams t;  // gain 0.15, loss 0.3, decay 0.05
  EXPECT_DOUBLE_EQ(trust_after(t, 0.5, 0.5), 0.5 + 0.15 * 0.5 * 0.5);
  EXPECT_DOUBLE_EQ(trust_after(t, 0.5, -0.5), 0.5 - 0.3 * 0.5 * 0.5);
  EXPECT_DOUBLE_EQ(trust_after(t, 0.2, 1.0), 0.2 + 0.15 * 0.8);
  EXPECT_DOUBLE_EQ(trust_after(t, 0.2, -1.0), 0.2 - 0.3 * 0.2);
  EXPECT_DOUBLE_EQ(trust_after(t, 0.7, 0.0), 0.7);
  EXPECT_DOUBLE_EQ(trust_relaxed(t, 0.9, 0.49), 0.9 + 0.05 * (0.49 - 0.9));
  EXPECT_DOUBLE_EQ(trust_relaxed(t, 0.1, 0.49), 0.1 + 0.05 * 0.39);
  EXPECT_DOUBLE_EQ(partnership_success(0.0, 0.012), -1.0);
  EXPECT_DOUBLE_EQ(partnership_success(0.012, 0.012), 0.0);
  EXPECT_DOUBLE_EQ(partnership_success(0.018, 0.012), 0.5);
  EXPECT_DOUBLE_EQ(partnership_success(1.0, 0.012), 1.0);
  EXPECT_DOUBLE_EQ(partnership_success(-1.0, 0.012), -1.0);
}

TEST(Collaboration, TrustFallsFasterThanItRises) {
  // Relative to the room available (1 - T to gain, T to lose), a failure always costs more
  // than the same success earns (trust_loss > trust_gain); in absolute terms too once trust is
  // at least trust_gain / (trust_gain + trust_loss) = 1/3, e.g. around sustain_trust = 0.5.
  const TrustParams t;
  for (double trust : {0.1, 0.3, 0.5, 0.7, 0.9}) {
    for (double s : {0.1, 0.5, 1.0}) {
      const double up = trust_after(t, trust, s) - trust, down = trust - trust_after(t, trust, -s);
      EXPECT_GT(up, 0.0);
      EXPECT_GT(down / trust, up / (1.0 - trust)) << "trust " << trust << " success " << s;
      if (trust >= 0.5) {
        EXPECT_GT(down, up) << "trust " << trust << " success " << s;
      }
    }
  }
}

TEST(Collaboration, TrustStaysInUnitInterval) {
  TrustParams extreme;
  extreme.trust_gain = extreme.trust_loss = extreme.trust_decay = 1.0;
  for (const TrustParams& t : {TrustParams{}, extreme})
    for (int a = 0; a <= 20; ++a)
      for (int b = -10; b <= 10; ++b) {
        const double trust = a / 20.0, s = b / 10.0;
        const double next = trust_after(t, trust, s);
        EXPECT_GE(next, 0.0);
        EXPECT_LE(next, 1.0);
        const double relaxed = trust_relaxed(t, trust, (20 - a) / 20.0);
        EXPECT_GE(relaxed, 0.0);
        EXPECT_LE(relaxed, 1.0);
      }
}

TEST(Collaboration, TrustRisesAfterSuccessAndFallsAfterFailure) {
  Sim sim = schools(4);
  set_expertise(sim, 0, 0.8);
  set_expertise(sim, 1, 0.4);  // 0 -> 1: a large gain, success clipped at 1
  test::set_trust(sim.w, sim.st, 0, 1, 0.8);
  test::set_trust(sim.w, sim.st, 2, 3, 0.6);  // 2 and 3 alike: no gain at all, success -1
  auto c = sim.ctx(1);
  test::add_partnership(c, PartnershipType::Pair, {0, 1}, true);
  test::add_partnership(c, PartnershipType::Pair, {2, 3});
  collaborate(c);
  EXPECT_DOUBLE_EQ(pair_trust(sim.w, sim.st, 0, 1), 0.8 + 0.15 * (1 - 0.8) * 1.0);
  EXPECT_DOUBLE_EQ(pair_trust(sim.w, sim.st, 2, 3), 0.6 - 0.3 * 0.6);
  for (int t = 2; t <= 200; ++t) {
    auto ct = sim.ctx(t);
    collaborate(ct);
    ASSERT_GE(pair_trust(sim.w, sim.st, 2, 3), 0.0);
    ASSERT_LE(pair_trust(sim.w, sim.st, 0, 1), 1.0);
  }
  EXPECT_LT(pair_trust(sim.w, sim.st, 2, 3), 1e-6);
}

TEST(Collaboration, IdlePairsDecayTowardBaseline) {
  Sim sim = schools(4);
  sim.st.openness = {0.5, 0.6, 0.8, 0.9};
  test::set_trust(sim.w, sim.st, 0, 1, 0.95);  // above baseline 0.30
  test::set_trust(sim.w, sim.st, 2, 3, 0.05);  // below baseline 0.72
  auto c = sim.ctx(1);
  collaborate(c);
  EXPECT_DOUBLE_EQ(pair_trust(sim.w, sim.st, 0, 1), 0.95 + 0.05 * (0.5 * 0.6 - 0.95));
  EXPECT_DOUBLE_EQ(pair_trust(sim.w, sim.st, 2, 3), 0.05 + 0.05 * (0.8 * 0.9 - 0.05));
  for (int t = 2; t <= 400; ++t) {
    auto ct = sim.ctx(t);
    collaborate(ct);
  }
  EXPECT_NEAR(pair_trust(sim.w, sim.st, 0, 1), 0.5 * 0.6, 1e-6);
  EXPECT_NEAR(pair_trust(sim.w, sim.st, 2, 3), 0.8 * 0.9, 1e-6);
  // A pair in a partnership does not decay; it follows its partnership's success instead.
  Sim busy = schools(2);
  test::set_trust(busy.w, busy.st, 0, 1, 0.95);
  set_expertise(busy, 0, 0.8);
  set_expertise(busy, 1, 0.4);
  auto cb = busy.ctx(1);
  test::add_partnership(cb, PartnershipType::Pair, {0, 1}, true);
  collaborate(cb);
  EXPECT_GT(pair_trust(busy.w, busy.st, 0, 1), 0.95);
}

TEST(Collaboration, EveryPartnershipReadsTrustFromBeforeThisTermsUpdates) {
  // The same pair in two partnerships: both transfers use the old trust, and the pair gets
  // both trust updates in turn.
  Scenario s = default_scenario();
  s.collaboration.gamma = 0.0;
  Sim sim = schools(2, s);
  set_expertise(sim, 0, 0.8);
  set_expertise(sim, 1, 0.4);
  test::set_trust(sim.w, sim.st, 0, 1, 0.5);
  auto c = sim.ctx(1);
  test::add_partnership(c, PartnershipType::Pair, {0, 1}, true);
  test::add_partnership(c, PartnershipType::Network, {0, 1});
  collaborate(c);
  const auto& cp = s.collaboration;
  const double absorb = 0.2 + 0.8 * 0.5 * (0.5 + 0.5 * 0.4);
  const double expected = cp.eta * 0.5 * absorb * 0.4 * (cp.intensity[0] + cp.intensity[1]);
  EXPECT_NEAR(sim.st.expertise(1, 0) - 0.4, expected, 1e-15);
  EXPECT_DOUBLE_EQ(pair_trust(sim.w, sim.st, 0, 1), trust_after(s.trust, trust_after(s.trust, 0.5, 1.0), 1.0));
}

}  // namespace
}  // namespace schoolsim
