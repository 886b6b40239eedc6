// 7.1 Funding: per-pupil funding and its changes, programme grants (timing, budget, early
// closure) and the capacity boost they carry.
#include <gtest/gtest.h>

#include <vector>

#include "../test_support.hpp"

namespace schoolsim {
namespace {

using test::Sim;

// Four primary schools 1 km apart in one LA.
World four_schools() {
  return test::tiny_world({{0, 0, 0, 0, 0.10}, {1, 0, 0, 0, 0.20}, {0, 1, 0, 0, 0.30}, {1, 1, 0, 0, 0.40}});
}

Scenario with_programme(double budget, int end = 30, int close_at = 0) {
  Scenario s = default_scenario();
  Programme prog;
  prog.start = 1;
  prog.end = end;
  prog.close_at = close_at;
  prog.budget = budget;
  prog.grant_per_term = 20000.0;
  s.programmes = {prog};
  return s;
}

TEST(Funding, MoneySpentNeverExceedsBudget) {
  // Room for three and a half grants: both pairs are paid in term 2, only the first (in id
  // order) in term 3, then the budget is exhausted.
  Sim sim(with_programme(3.5 * 20000.0), four_schools());
  test::flatten(sim);
  auto c1 = sim.ctx(1);
  const int a = test::add_partnership(c1, PartnershipType::Pair, {0, 1}, true, 0);
  const int b = test::add_partnership(c1, PartnershipType::Pair, {2, 3}, true, 0);
  const double budget = sim.s.programmes[0].budget;
  std::vector<double> spent;
  for (int t = 2; t <= 8; ++t) {
    auto c = sim.ctx(t);
    pay_funding(c);
    EXPECT_LE(sim.st.programme_spent[0], budget);
    EXPECT_EQ(sim.st.money_spent, sim.st.programme_spent[0]);
    spent.push_back(sim.st.money_spent);
  }
  EXPECT_EQ(spent, (std::vector<double>{40000, 60000, 60000, 60000, 60000, 60000, 60000}));
  const auto& pa = sim.st.partnerships[a];
  const auto& pb = sim.st.partnerships[b];
  EXPECT_FALSE(pa.funded);
  EXPECT_FALSE(pb.funded);
  EXPECT_EQ(pb.first_unfunded_term, 4) << "b's funding stopped in term 3";
  EXPECT_EQ(pa.first_unfunded_term, 5) << "a's funding stopped in term 4";
}

TEST(Funding, MoneySpentNeverExceedsBudgetOverARun) {
  const double budget = 15 * 20000.0 + 5000.0;
  Sim sim(test::small_scenario(
      {}, "programmes:\n  - {name: p, start: 2, end: 12, budget: 305000, grant_per_term: 20000}\n"));
  ASSERT_EQ(sim.s.programmes[0].budget, budget);
  for (int t = 1; t <= 12; ++t) {
    sim.step();
    EXPECT_LE(sim.st.programme_spent[0], budget) << "term " << t;
    EXPECT_EQ(sim.st.money_spent, sim.st.programme_spent[0]);
  }
  EXPECT_EQ(sim.st.money_spent, 15 * 20000.0) << "the budget should run out in this run";
}

TEST(Funding, GrantsStartTheTermAfterFormingAndStopAfterPartnershipTerms) {
  Sim sim(with_programme(1e9), four_schools());
  test::flatten(sim);
  auto c3 = sim.ctx(3);
  const int id = test::add_partnership(c3, PartnershipType::Pair, {0, 1}, true, 0);
  const int terms = sim.s.lifecycle.partnership_terms;  // 6
  std::vector<int> paid_terms;
  for (int t = 3; t <= 14; ++t) {
    const double before = sim.st.money_spent;
    auto c = sim.ctx(t);
    pay_funding(c);
    if (sim.st.money_spent > before) paid_terms.push_back(t);
    if (t == 3 + terms + 1) {
      EXPECT_TRUE(sim.st.partnerships[id].sustain_test_due) << "funding stops in the term after the last grant";
      EXPECT_EQ(sim.st.partnerships[id].first_unfunded_term, t + 1);
    }
  }
  EXPECT_EQ(paid_terms, (std::vector<int>{4, 5, 6, 7, 8, 9}));
  EXPECT_FALSE(sim.st.partnerships[id].funded);
}

TEST(Funding, GrantBoostIsSharedAmongMembers) {
  Sim sim(with_programme(1e9), four_schools());
  test::flatten(sim);
  auto c1 = sim.ctx(1);
  test::add_partnership(c1, PartnershipType::Pair, {0, 1}, true, 0);
  test::add_partnership(c1, PartnershipType::Network, {1, 2, 3}, false, 0);
  auto c2 = sim.ctx(2);
  pay_funding(c2);
  const double per_grant = sim.s.funding.capacity_per_10k * 2.0;  // a 20,000 grant is 2 x 10k
  EXPECT_DOUBLE_EQ(sim.st.boost[0], per_grant / 2);
  EXPECT_DOUBLE_EQ(sim.st.boost[1], per_grant / 2 + per_grant / 3);
  EXPECT_DOUBLE_EQ(sim.st.boost[3], per_grant / 3);
  // The boost is added once, in the capacity update of the same term, and reset next term.
  Sim no_grant = sim;
  no_grant.st.boost.assign(4, 0.0);
  update_capacity(c2);
  auto c2b = no_grant.ctx(2);
  update_capacity(c2b);
  EXPECT_NEAR(sim.st.capacity[3] - no_grant.st.capacity[3], per_grant / 3, 1e-12);
  sim.st.partnerships[0].funded = sim.st.partnerships[1].funded = false;
  auto c3 = sim.ctx(3);
  pay_funding(c3);
  for (double b : sim.st.boost) EXPECT_EQ(b, 0.0);
}

TEST(Funding, FundingChangesMultiplyPerPupilFunding) {
  Scenario s = default_scenario();
  s.funding.changes = {{3, 0.9}, {5, 0.8}};
  Sim sim(s, four_schools());
  const auto& f = s.funding;
  auto funding_at = [&](int t) {
    auto c = sim.ctx(t);
    pay_funding(c);
    return sim.st.funding;
  };
  const auto f2 = funding_at(2), f3 = funding_at(3), f4 = funding_at(4), f6 = funding_at(6);
  for (int i = 0; i < 4; ++i) {
    const double base = f.base_per_pupil * (1.0 + f.deprivation_premium * sim.w.disadvantage[i]);
    EXPECT_DOUBLE_EQ(f2[i], base);
    EXPECT_DOUBLE_EQ(f3[i], base * 0.9);
    EXPECT_DOUBLE_EQ(f4[i], base * 0.9);
    EXPECT_DOUBLE_EQ(f6[i], base * 0.9 * 0.8);
  }
  // The deprivation premium: more disadvantaged schools get more per pupil.
  EXPECT_LT(f2[0], f2[3]);
  EXPECT_DOUBLE_EQ(funding_multiplier(s, 4), 0.9);
  EXPECT_DOUBLE_EQ(funding_multiplier(s, 100), 0.9 * 0.8);
  EXPECT_DOUBLE_EQ(funding_multiplier(s, 1), 1.0);
}

TEST(Funding, EarlyClosureStopsGrants) {
  // Programme to term 20, closed early at 6: the last funded term is 5.
  Sim sim(with_programme(1e9, 20, 6), four_schools());
  test::flatten(sim);
  EXPECT_EQ(programme_last_funded_term(sim.s.programmes[0]), 5);
  auto c2 = sim.ctx(2);
  const int id = test::add_partnership(c2, PartnershipType::Pair, {0, 1}, true, 0);
  std::vector<int> paid_terms;
  for (int t = 2; t <= 10; ++t) {
    const double before = sim.st.money_spent;
    auto c = sim.ctx(t);
    pay_funding(c);
    if (sim.st.money_spent > before) paid_terms.push_back(t);
  }
  EXPECT_EQ(paid_terms, (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(sim.st.partnerships[id].first_unfunded_term, 7);
}

TEST(Funding, EarlyClosureStopsProgrammeBrokering) {
  // A school in need next to a supporter; only the programme brokers (LA brokering off).
  Scenario s = with_programme(1e9, 20, 6);
  s.brokering.enabled = false;
  s.brokering.mandate_inadequate = false;
  s.brokering.a0 = s.brokering.b0 = 50;  // both sides accept
  Sim sim(s, test::tiny_world({{0, 0}, {1, 0}}));
  test::flatten(sim);
  sim.st.grade[0] = 3;
  auto formed_at = [&](int t) {
    Sim copy = sim;
    auto c = copy.ctx(t);
    form_brokered(c);
    return copy.st.partnerships.size();
  };
  // close_at 6: the last funded term is 5. A pair formed in term 5 would never receive a
  // grant, so programme brokers propose up to term 4 (docs/MODEL.md 7.5).
  EXPECT_EQ(formed_at(4), 1u);
  EXPECT_EQ(formed_at(5), 0u);
}

}  // namespace
}  // namespace schoolsim
