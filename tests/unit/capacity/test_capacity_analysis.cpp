// The NFER capacity analysis on a hand-built world: who is high-performing and in need
// (the brokers' rules), supporters within the radius, the LA rule, and the summaries.
#include <gtest/gtest.h>

#include <cmath>

#include "../test_support.hpp"
#include "sim/capacity/capacity.hpp"

namespace {

using namespace schoolsim;
using test::SchoolSpec;

struct Fixture {
  Scenario s = test::small_scenario();
  World w = test::tiny_world(
      {
          {0, 0, 0, 0},
          {3, 0, 0, 0},
          {0, 4, 0, 1},
          {8, 0, 0, 0},
          {20, 0, 0, 0},
          {5, 0, 0, 0},  // primaries 0..5
          {0, 0, 1, 0},
          {1, 0, 1, 0},
          {2, 0, 1, 0},  // secondaries 6..8
      },
      2, 20.0);
  State st = initial_state(s, w, 42, 0);

  Fixture() {
    test::flatten(st);           // attainment 0 everywhere: need and support by grade and capacity only
    set_need_cutoffs(s, w, st);  // ... with the cut-offs of that flat state (all 0)
    st.grade[0] = 4, st.grade[4] = 3, st.grade[5] = 1, st.grade[6] = 3;
    st.capacity[3] = 0.2;  // below brokering.min_capacity_to_give
    st.giving[7] = static_cast<std::int16_t>(s.brokering.max_give);
  }
};

TEST(CapacityAnalysis, ListsSupportersWithinTheRadiusInTheSameLa) {
  Fixture f;
  const auto r = analysis::analyse_capacity(f.s, f.w, f.st, {{10.0, 10.0}, true});
  EXPECT_EQ(r.high_performing, (std::vector<char>{0, 1, 1, 0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(r.in_need, (std::vector<char>{1, 0, 0, 0, 1, 0, 1, 0, 0}));
  ASSERT_EQ(r.schools_in_need.size(), 3u);
  EXPECT_EQ(r.schools_in_need[0].school, 0);
  EXPECT_EQ(r.schools_in_need[0].supporters, (std::vector<std::int32_t>{1, 5}));  // 2 is in LA 1
  EXPECT_EQ(r.schools_in_need[0].distance, (std::vector<double>{3.0, 5.0}));
  EXPECT_TRUE(r.schools_in_need[1].supporters.empty());                        // school 4: nobody within 10 km
  EXPECT_EQ(r.schools_in_need[2].supporters, (std::vector<std::int32_t>{8}));  // 7 gives its maximum
  EXPECT_EQ(r.pairs(), 3);

  const auto& primary = r.national[0];
  EXPECT_EQ(primary.schools, 6);
  EXPECT_EQ(primary.high_performing, 3);
  EXPECT_EQ(primary.in_need, 2);
  EXPECT_DOUBLE_EQ(primary.ratio, 1.5);
  EXPECT_DOUBLE_EQ(primary.median_supporters, 1.0);  // median of {2, 0}
  EXPECT_EQ(primary.without_supporter, 1);
  const auto& all = r.national[kPhases];
  EXPECT_EQ(all.schools, 9);
  EXPECT_EQ(all.high_performing, 4);
  EXPECT_EQ(all.in_need, 3);
  EXPECT_DOUBLE_EQ(all.ratio, 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(all.median_supporters, 1.0);  // median of {2, 0, 1}

  ASSERT_EQ(r.by_la.size(), 2u);
  EXPECT_EQ(r.by_la[0][0].schools, 5);
  EXPECT_EQ(r.by_la[0][0].high_performing, 2);
  EXPECT_EQ(r.by_la[0][0].in_need, 2);
  EXPECT_EQ(r.by_la[1][0].high_performing, 1);
  EXPECT_EQ(r.by_la[1][0].in_need, 0);
  EXPECT_TRUE(std::isnan(r.by_la[1][0].ratio));
  EXPECT_TRUE(std::isnan(r.by_la[1][0].median_supporters));
  EXPECT_TRUE(r.regions.empty());  // synthetic-style world: no regions
}

TEST(CapacityAnalysis, CountsSupportersInAnyLaAndWithinSmallerRadii) {
  Fixture f;
  const auto any = analysis::analyse_capacity(f.s, f.w, f.st, {{10.0, 10.0}, false});
  EXPECT_EQ(any.schools_in_need[0].supporters, (std::vector<std::int32_t>{1, 2, 5}));
  const auto near = analysis::analyse_capacity(f.s, f.w, f.st, {{4.0, 1.5}, false});
  EXPECT_EQ(near.schools_in_need[0].supporters, (std::vector<std::int32_t>{1, 2}));
  EXPECT_TRUE(near.schools_in_need[2].supporters.empty());
}

TEST(CapacityAnalysis, SchoolsAlreadyReceivingSupportAreNotInNeed) {
  Fixture f;
  f.st.receiving[4] = 0;
  const auto r = analysis::analyse_capacity(f.s, f.w, f.st, {{10.0, 10.0}, true});
  EXPECT_EQ(r.national[0].in_need, 1);
}

TEST(CapacityAnalysis, RefusesARadiusBeyondTheNeighbourLists) {
  Fixture f;
  EXPECT_THROW(analysis::analyse_capacity(f.s, f.w, f.st, {{25.0, 10.0}, true}), std::invalid_argument);
}

}  // namespace
