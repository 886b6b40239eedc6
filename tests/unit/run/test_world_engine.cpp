// The world and the engine: the synthetic world is a pure function of world.seed, neighbour
// lists are complete, symmetric and sorted (against brute force), runs are deterministic in
// the run seed, and the conservation laws and ranges hold over a whole run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "../test_support.hpp"
#include "sim/run/engine.hpp"

namespace schoolsim {
namespace {

template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

bool same_world(const World& a, const World& b) {
  const auto &na = a.neighbours, &nb = b.neighbours;
  return a.n == b.n && same_bytes(a.phase, b.phase) && same_bytes(a.la, b.la) && same_bytes(a.x, b.x) &&
         same_bytes(a.y, b.y) && same_bytes(a.disadvantage, b.disadvantage) && same_bytes(a.places, b.places) &&
         same_bytes(na.offset, nb.offset) && same_bytes(na.index, nb.index) && same_bytes(na.distance, nb.distance) &&
         same_bytes(na.reverse, nb.reverse);
}

TEST(World, IsDeterministicInWorldSeed) {
  const Scenario s = test::small_scenario();
  const auto radius = required_neighbour_radius(s);
  const World a = build_synthetic_world(s.world, radius), b = build_synthetic_world(s.world, radius);
  EXPECT_TRUE(same_world(a, b));
  WorldParams other = s.world;
  other.seed = 2;
  const World c = build_synthetic_world(other, radius);
  EXPECT_FALSE(same_bytes(a.x, c.x));
  EXPECT_FALSE(same_bytes(a.disadvantage, c.disadvantage));
  // Shape of the world follows the parameters.
  EXPECT_EQ(a.n, 360);
  EXPECT_EQ(a.phase_members[0].size(), 300u);
  EXPECT_EQ(a.phase_members[1].size(), 60u);
  for (int i = 0; i < a.n; ++i) {
    EXPECT_TRUE(a.x[i] >= 0.0 && a.x[i] <= 60.0 && a.y[i] >= 0.0 && a.y[i] <= 40.0) << "school " << i;
    EXPECT_TRUE(a.disadvantage[i] >= 0.0 && a.disadvantage[i] <= 1.0) << "school " << i;
    EXPECT_TRUE(a.la[i] >= 0 && a.la[i] < 4) << "school " << i;
  }
}

// Brute force: every same-phase school within the phase radius, sorted by (distance, id).
void expect_lists_match_brute_force(const std::vector<double>& x, const std::vector<double>& y,
                                    const std::vector<std::int8_t>& phase, const NeighbourLists& nl) {
  const int n = static_cast<int>(x.size());
  ASSERT_EQ(nl.offset.size(), static_cast<std::size_t>(n) + 1);
  std::int64_t entries = 0;
  for (int i = 0; i < n; ++i) {
    std::vector<std::pair<double, int>> expected;
    for (int j = 0; j < n; ++j) {
      if (j == i || phase[j] != phase[i]) continue;
      const double d = std::hypot(x[i] - x[j], y[i] - y[j]);
      if (d <= nl.radius[phase[i]]) expected.emplace_back(d, j);
    }
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(nl.end(i) - nl.begin(i), static_cast<std::int64_t>(expected.size())) << "school " << i;
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const auto e = nl.begin(i) + static_cast<std::int64_t>(k);
      EXPECT_EQ(nl.index[e], expected[k].second) << "school " << i << " entry " << k;
      EXPECT_EQ(nl.distance[e], expected[k].first);
      // Reverse: the entry (j -> i) in j's list.
      const int j = nl.index[e];
      const auto r = nl.reverse[e];
      ASSERT_GE(r, nl.begin(j));
      ASSERT_LT(r, nl.end(j));
      EXPECT_EQ(nl.index[r], i);
      EXPECT_EQ(nl.distance[r], nl.distance[e]) << "lists are symmetric";
      EXPECT_EQ(nl.reverse[r], e);
    }
    entries += static_cast<std::int64_t>(expected.size());
    // end_within is a prefix of the sorted list.
    for (double r : {0.0, 1.0, 2.5, nl.radius[phase[i]]}) {
      const auto end = nl.end_within(i, r);
      for (auto e = nl.begin(i); e < nl.end(i); ++e) EXPECT_EQ(e < end, nl.distance[e] <= r);
    }
  }
  EXPECT_EQ(nl.offset[n], entries);
}

TEST(World, NeighbourListsAreCompleteSymmetricAndSorted) {
  WorldParams p = test::small_scenario().world;
  p.n_primary = 250;
  p.n_secondary = 50;
  const World w = build_synthetic_world(p, {4.0, 12.0});
  ASSERT_EQ(w.n, 300);
  EXPECT_GT(w.neighbours.index.size(), 1000u) << "the test world should have many neighbour pairs";
  expect_lists_match_brute_force(w.x, w.y, w.phase, w.neighbours);
}

TEST(World, NeighbourListsMatchBruteForceOnA2000SchoolWorld) {
  // Lists of ~35 (primary) and ~55 (secondary) entries: long enough for the bucketed sort by
  // distance, checked entry by entry (index, distance, reverse) against the brute force.
  WorldParams p = test::small_scenario().world;
  p.n_primary = 1700;
  p.n_secondary = 300;
  p.seed = 11;
  const World w = build_synthetic_world(p, {4.0, 12.0});
  ASSERT_EQ(w.n, 2000);
  EXPECT_GT(w.neighbours.index.size(), 60000u);
  expect_lists_match_brute_force(w.x, w.y, w.phase, w.neighbours);
}

TEST(World, NeighbourListsHandleSchoolsSharingASite) {
  // 60 schools on one site and 60 on another nearby: long lists with many equal distances
  // (crowded buckets of the sort by distance), plus a scatter of others.
  std::vector<double> x, y;
  std::vector<std::int8_t> phase;
  for (int k = 0; k < 60; ++k) x.push_back(1.0), y.push_back(1.0), phase.push_back(0);
  for (int k = 0; k < 60; ++k) x.push_back(2.5), y.push_back(1.5), phase.push_back(0);
  for (int k = 0; k < 80; ++k) x.push_back(0.05 * k), y.push_back(0.03 * (k % 7)), phase.push_back(k % 5 == 0);
  const auto nl = build_neighbour_lists(x, y, phase, {2.0, 3.0});
  expect_lists_match_brute_force(x, y, phase, nl);
}

TEST(World, NeighbourListsHandleTiedDistances) {
  // A lattice: many schools at exactly equal distances, so reverse positions must scan ties.
  std::vector<double> x, y;
  std::vector<std::int8_t> phase;
  for (int a = 0; a < 12; ++a)
    for (int b = 0; b < 12; ++b) {
      x.push_back(a), y.push_back(b);
      phase.push_back(static_cast<std::int8_t>((a + b) % 3 == 0));
    }
  const auto nl = build_neighbour_lists(x, y, phase, {2.0, 3.0});
  expect_lists_match_brute_force(x, y, phase, nl);
}

TEST(Engine, IsDeterministicInTheRunSeed) {
  const Scenario s = test::small_scenario();
  const World w = build_synthetic_world(s.world, required_neighbour_radius(s));
  auto hash_after = [&](std::uint64_t seed, std::uint32_t replicate, int terms) {
    Engine e(s, w, seed, replicate);
    for (int t = 0; t < terms; ++t) e.step();
    EXPECT_EQ(e.term(), terms);
    return state_hash(w, e.state());
  };
  const auto h = hash_after(7, 0, 8);
  EXPECT_EQ(h, hash_after(7, 0, 8));
  EXPECT_NE(h, hash_after(8, 0, 8));
  EXPECT_NE(h, hash_after(7, 1, 8));
  // The test helper steps the phases in the engine's order: same state.
  test::Sim sim(s, 7);
  for (int t = 0; t < 8; ++t) sim.step();
  EXPECT_EQ(state_hash(sim.w, sim.st), h);
}

TEST(Engine, ConservationAndRangesHoldOverARun) {
  test::Sim sim(test::small_scenario(
      {"national_broker.enabled=true", "academisation.enabled=true", "academisation.initial_mat_share=0.3"},
      "programmes:\n  - {name: p, start: 2, end: 9, budget: 400000}\n"
      "  - {name: f, start: 3, end: 9, families: true}\n"));
  const double pupils = test::total(sim.st.pupils);
  for (int t = 1; t <= 12; ++t) {
    sim.step();
    const State& st = sim.st;
    EXPECT_NEAR(test::total(st.pupils), pupils, 1e-9 * pupils) << "term " << t;
    double spent = 0;
    for (std::size_t k = 0; k < sim.s.programmes.size(); ++k) {
      EXPECT_LE(st.programme_spent[k], sim.s.programmes[k].budget);
      spent += st.programme_spent[k];
    }
    EXPECT_DOUBLE_EQ(st.money_spent, spent);
    for (int i = 0; i < sim.w.n; ++i) {
      ASSERT_LE(st.pupils[i], st.places[i] * (1 + 1e-12));
      ASSERT_TRUE(st.capacity[i] >= 0.0 && st.capacity[i] <= 1.0) << "school " << i;
      ASSERT_TRUE(st.grade[i] >= 1 && st.grade[i] <= 4) << "school " << i;
      ASSERT_LE(st.giving[i], sim.s.brokering.max_give);
    }
    ASSERT_GE(st.expertise.minCoeff(), 0.0);
    ASSERT_LE(st.expertise.maxCoeff(), 1.0);
    for (const auto& [key, trust] : st.trust.entries(sim.w)) ASSERT_TRUE(trust >= 0.0 && trust <= 1.0) << trust;
    for (double c : st.competition) ASSERT_TRUE(c >= 0.0 && c <= 1.0);
    // Membership counts agree with the partnership table.
    std::vector<int> count(sim.w.n, 0);
    for (const auto& p : st.partnerships) {
      if (!p.active) continue;
      for (int m : p.members) ++count[m];
    }
    for (int i = 0; i < sim.w.n; ++i) ASSERT_EQ(st.n_partnerships[i], count[i]) << "school " << i;
  }
}

}  // namespace
}  // namespace schoolsim
