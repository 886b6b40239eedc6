// 7.3 Capacity: range, the target's response to funding, and partnership load divided by
// the partnership type's efficiency.
#include <gtest/gtest.h>

#include <vector>

#include "../test_support.hpp"

namespace schoolsim {
namespace {

using test::Sim;

// Six primary schools in one LA, all alike after flatten().
Sim six_schools(Scenario s = default_scenario()) {
  Sim sim(std::move(s), test::tiny_world({{0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, 1}, {2, 1}}));
  test::flatten(sim);
  return sim;
}

TEST(Capacity, StaysInUnitInterval) {
  // Extreme loads and boosts, and a run with many partnerships.
  Scenario s = default_scenario();
  s.capacity.load_giver = s.capacity.load_peer = 1.0;
  Sim sim = six_schools(s);
  sim.st.capacity = {0.0, 0.01, 0.5, 0.99, 1.0, 0.7};
  sim.st.boost = {5.0, 0.0, 0.0, 5.0, 0.0, 0.0};
  auto c = sim.ctx(1);
  test::add_partnership(c, PartnershipType::Pair, {1, 2}, true);
  test::add_partnership(c, PartnershipType::Network, {2, 4, 5}, false);
  update_capacity(c);
  for (double cap : sim.st.capacity) {
    EXPECT_GE(cap, 0.0);
    EXPECT_LE(cap, 1.0);
  }
  EXPECT_EQ(sim.st.capacity[0], 1.0);
  EXPECT_EQ(sim.st.capacity[2], 0.0);

  Sim run(test::small_scenario({"self_organised.p_self=0.5", "self_organised.min_capacity_self=0",
                                "capacity.load_peer=0.3", "capacity.load_giver=0.3", "funding.capacity_per_10k=1"},
                               "programmes:\n  - {name: p, start: 1, end: 12}\n"));
  for (int t = 1; t <= 8; ++t) {
    run.step();
    for (double cap : run.st.capacity) {
      ASSERT_GE(cap, 0.0);
      ASSERT_LE(cap, 1.0);
    }
  }
}

TEST(Capacity, MoreFundingGivesHigherTargetCapacity) {
  Sim sim = six_schools();
  for (int i = 0; i < 6; ++i) sim.st.funding[i] = sim.st.funding_reference;
  const double at_reference = target_capacity(sim.s, sim.st, 0);
  sim.st.funding[0] *= 1.2;
  const double richer = target_capacity(sim.s, sim.st, 0);
  EXPECT_GT(richer, at_reference);
  EXPECT_NEAR(richer - at_reference, sim.s.capacity.phi_funding * 0.2, 1e-12);

  // Through the funding rules: a funding rise raises every school's target and capacity.
  Scenario up = default_scenario();
  up.funding.changes = {{1, 1.3}};
  Sim base = six_schools(), more = six_schools(up);
  auto cb = base.ctx(1), cm = more.ctx(1);
  pay_funding(cb), pay_funding(cm);
  update_capacity(cb), update_capacity(cm);
  for (int i = 0; i < 6; ++i) {
    EXPECT_GT(target_capacity(more.s, more.st, i), target_capacity(base.s, base.st, i));
    EXPECT_GT(more.st.capacity[i], base.st.capacity[i]);
  }
}

TEST(Capacity, TargetFollowsLeadershipPressureAndSurplus) {
  Sim sim = six_schools();
  for (int i = 0; i < 6; ++i) sim.st.funding[i] = sim.st.funding_reference;
  const double base = target_capacity(sim.s, sim.st, 0);
  sim.st.expertise(1, kLeadership) = 0.8;
  EXPECT_GT(target_capacity(sim.s, sim.st, 1), base);
  sim.st.grade[2] = 3;
  sim.st.grade[3] = 4;
  EXPECT_NEAR(base - target_capacity(sim.s, sim.st, 2), 0.5 * sim.s.capacity.phi_pressure, 1e-12);
  EXPECT_NEAR(base - target_capacity(sim.s, sim.st, 3), 1.0 * sim.s.capacity.phi_pressure, 1e-12);
  sim.st.pupils[4] = 0.6 * sim.st.places[4];  // 40% surplus, against 10% for the others
  EXPECT_NEAR(base - target_capacity(sim.s, sim.st, 4), 0.3 * sim.s.capacity.phi_surplus, 1e-12);
}

// Capacity after one update with and without a partnership of the given type and roles.
struct LoadCase {
  std::vector<double> with, without;
};
LoadCase capacity_with(PartnershipType type, bool support) {
  Sim with = six_schools(), without = six_schools();
  auto cw = with.ctx(1), co = without.ctx(1);
  if (support)
    test::add_partnership(cw, type, {0, 1}, true);
  else
    test::add_partnership(cw, type, {0, 1, 2}, false);
  update_capacity(cw), update_capacity(co);
  return {with.st.capacity, without.st.capacity};
}

TEST(Capacity, PartnershipLoadLowersCapacity) {
  const auto& cp = default_scenario().capacity;
  const auto support = capacity_with(PartnershipType::Pair, true);
  EXPECT_NEAR(support.without[0] - support.with[0], cp.load_giver, 1e-12);
  // A receiver's load is in proportion to its own capacity (0.5 before the update).
  EXPECT_NEAR(support.without[1] - support.with[1], cp.load_receiver * 0.5, 1e-12);
  EXPECT_EQ(support.without[2], support.with[2]);
  const auto peers = capacity_with(PartnershipType::Network, false);
  for (int m = 0; m < 3; ++m) EXPECT_NEAR(peers.without[m] - peers.with[m], cp.load_peer, 1e-12);
  EXPECT_EQ(peers.without[3], peers.with[3]);
}

TEST(Capacity, EfficiencyDividesLoad) {
  const auto& cp = default_scenario().capacity;
  const auto federation = capacity_with(PartnershipType::Federation, false);
  const auto mat = capacity_with(PartnershipType::Mat, false);
  const auto network = capacity_with(PartnershipType::Network, false);
  for (int m = 0; m < 3; ++m) {
    EXPECT_NEAR(federation.without[m] - federation.with[m], cp.load_peer / cp.efficiency[2], 1e-12);
    EXPECT_NEAR(mat.without[m] - mat.with[m], cp.load_peer / cp.efficiency[3], 1e-12);
    EXPECT_GT(federation.with[m], network.with[m]) << "shared leadership lowers the load";
    EXPECT_GT(mat.with[m], federation.with[m]);
  }
  const auto fed_support = capacity_with(PartnershipType::Federation, true);
  EXPECT_NEAR(fed_support.without[0] - fed_support.with[0], cp.load_giver / cp.efficiency[2], 1e-12);
}

TEST(Capacity, MovesTowardTargetAtCapacityRate) {
  Sim sim = six_schools();
  for (int i = 0; i < 6; ++i) sim.st.funding[i] = sim.st.funding_reference;
  sim.st.capacity = {0.1, 0.2, 0.3, 0.6, 0.8, 0.9};
  const double target = target_capacity(sim.s, sim.st, 0);  // all schools alike
  auto c = sim.ctx(1);
  update_capacity(c);
  const std::vector<double> before = {0.1, 0.2, 0.3, 0.6, 0.8, 0.9};
  for (int i = 0; i < 6; ++i)
    EXPECT_NEAR(sim.st.capacity[i], before[i] + sim.s.capacity.capacity_rate * (target - before[i]), 1e-15);
}

}  // namespace
}  // namespace schoolsim
