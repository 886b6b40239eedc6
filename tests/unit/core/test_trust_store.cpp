// TrustStore: one value per pair whichever side asks, neighbours in the aligned array, other
// pairs in the map, and the canonical views (entries, ==, update_each) the state hash uses.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "sim/core/trust_store.hpp"
#include "../test_support.hpp"

namespace schoolsim {
namespace {

// Schools 0-3 primary on a line 1 km apart, 4 secondary next to 0, 5 primary 50 km away;
// lists cover 2.5 km: 0-1, 0-2, 1-2, 1-3, 2-3 are neighbours; 0-3, 0-4, 0-5 are not.
World line_world() { return test::tiny_world({{0, 0}, {1, 0}, {2, 0}, {3, 0}, {0, 0.5, 1}, {50, 0}}, 1, 2.5); }

TEST(TrustStore, FindsNeighbourPairsInTheListsAndOthersNot) {
  const World w = line_world();
  EXPECT_GE(TrustStore::pair_entry(w, 0, 1), 0);
  EXPECT_EQ(TrustStore::pair_entry(w, 0, 1), TrustStore::pair_entry(w, 1, 0)) << "one entry per pair";
  const auto e = TrustStore::pair_entry(w, 2, 1);
  EXPECT_EQ(w.neighbours.index[e], 2) << "the entry is in the lower id's list";
  EXPECT_GE(e, w.neighbours.begin(1));
  EXPECT_LT(e, w.neighbours.end(1));
  EXPECT_EQ(TrustStore::pair_entry(w, 0, 3), -1) << "3 km: beyond the lists";
  EXPECT_EQ(TrustStore::pair_entry(w, 0, 4), -1) << "other phase";
  EXPECT_EQ(TrustStore::pair_entry(w, 0, 5), -1);
  EXPECT_EQ(TrustStore::pair_entry(w, 2, 2), -1);
}

TEST(TrustStore, OneValuePerPairWhicheverSideAndWhicheverStore) {
  const World w = line_world();
  TrustStore t(w);
  EXPECT_EQ(t.value(w, 0, 1, 0.25), 0.25) << "nothing stored: the baseline";
  EXPECT_EQ(t.size(), 0u);
  t.set(w, 1, 0, 0.7);  // listed
  t.set(w, 3, 0, 0.4);  // unlisted (too far)
  t.set(w, 4, 0, 0.9);  // unlisted (other phase)
  EXPECT_EQ(t.value(w, 0, 1, 0.25), 0.7);
  EXPECT_EQ(t.value(w, 1, 0, 0.25), 0.7);
  EXPECT_EQ(t.value(w, 0, 3, 0.25), 0.4);
  EXPECT_EQ(t.value(w, 0, 4, 0.25), 0.9);
  EXPECT_EQ(t.value(w, 1, 2, 0.25), 0.25);
  // By neighbour entry, from both sides.
  const auto& nl = w.neighbours;
  for (int i : {0, 1})
    for (auto e = nl.begin(i); e < nl.end(i); ++e)
      if (nl.index[e] == 1 - i) {
        EXPECT_EQ(t.value_at(w, i, e, 0.25), 0.7) << "from " << i;
      }
  // slot stores the baseline first, then returns the stored value.
  double& s = t.slot(w, 2, 1, 0.3);
  EXPECT_EQ(s, 0.3);
  s = 0.35;
  EXPECT_EQ(t.value(w, 1, 2, 0.9), 0.35);
  EXPECT_EQ(t.slot(w, 1, 2, 0.9), 0.35) << "a stored pair keeps its value";
  EXPECT_EQ(t.size(), 4u);
  const std::vector<std::pair<std::uint64_t, double>> expected = {
      {pair_key(0, 1), 0.7}, {pair_key(0, 3), 0.4}, {pair_key(0, 4), 0.9}, {pair_key(1, 2), 0.35}};
  EXPECT_EQ(t.entries(w), expected);
}

TEST(TrustStore, EqualityAndUpdateEachSeeEveryStoredPairOnce) {
  const World w = line_world();
  TrustStore a(w), b(w);
  EXPECT_TRUE(a == b);
  a.set(w, 2, 3, 0.5);
  EXPECT_FALSE(a == b);
  b.set(w, 3, 2, 0.5);
  EXPECT_TRUE(a == b);
  a.set(w, 0, 5, 0.2);
  EXPECT_FALSE(a == b);
  b.set(w, 5, 0, 0.2);
  EXPECT_TRUE(a == b);
  std::map<std::pair<int, int>, int> seen;
  a.update_each(w, [&](int i, int j, double& v) {
    ++seen[{i, j}];
    v += 0.1;
  });
  EXPECT_EQ(seen, (std::map<std::pair<int, int>, int>{{{2, 3}, 1}, {{0, 5}, 1}}));
  EXPECT_DOUBLE_EQ(a.value(w, 3, 2, 0.0), 0.6);
  EXPECT_DOUBLE_EQ(a.value(w, 5, 0, 0.0), 0.3);
  a.clear();
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.value(w, 2, 3, 0.11), 0.11);
}

}  // namespace
}  // namespace schoolsim
