// Programme accounting (issue 15 item 3): spending per term and programme, and the events
// budget_exhausted, closed_early and nothing_to_fund, on hand-checked tiny cases and a run.
#include <gtest/gtest.h>

#include <vector>

#include "../test_support.hpp"
#include "sim/run/observation.hpp"
#include "sim/run/programme_accounting.hpp"
#include "sim/run/driver.hpp"

namespace schoolsim {
namespace {

using test::Sim;

World four_schools() {
  return test::tiny_world({{0, 0, 0, 0, 0.10}, {1, 0, 0, 0, 0.20}, {0, 1, 0, 0, 0.30}, {1, 1, 0, 0, 0.40}});
}

Scenario one_programme(double budget, int end, int close_at = 0) {
  Scenario s = default_scenario();
  Programme prog;
  prog.name = "challenge";
  prog.start = 1;
  prog.end = end;
  prog.close_at = close_at;
  prog.budget = budget;
  prog.grant_per_term = 20000.0;
  s.programmes = {prog};
  return s;
}

/// Pays grants (only: no brokers) for terms 2..last and observes every term 0..last.
ProgrammeAccount account_of(Sim& sim, const std::vector<std::vector<std::int32_t>>& pairs, int last) {
  ProgrammeAccount account;
  account.observe({sim.s, sim.w, sim.st, 0});
  auto c1 = sim.ctx(1);
  for (const auto& members : pairs) test::add_partnership(c1, PartnershipType::Pair, members, true, 0);
  account.observe({sim.s, sim.w, sim.st, 1});
  for (int t = 2; t <= last; ++t) {
    auto c = sim.ctx(t);
    pay_funding(c);
    account.observe({sim.s, sim.w, sim.st, t});
  }
  return account;
}

TEST(ProgrammeAccounting, BudgetExhaustionOnAHandCheckedCase) {
  // Room for three and a half grants: both pairs are paid in term 2, only the first (in id
  // order) in term 3; the 10,000 left cannot pay a grant, with 27 funded terms to come.
  Sim sim(one_programme(3.5 * 20000.0, 30), four_schools());
  test::flatten(sim);
  const ProgrammeAccount a = account_of(sim, {{0, 1}, {2, 3}}, 8);
  std::vector<double> spending;
  for (int t = 0; t <= 8; ++t) spending.push_back(a.spent_in(t, 0));
  EXPECT_EQ(spending, (std::vector<double>{0, 0, 40000, 20000, 0, 0, 0, 0, 0}));
  EXPECT_EQ(test::total(spending), sim.st.programme_spent[0]);
  ASSERT_EQ(a.events.size(), 1u);
  const ProgrammeEvent& e = a.events[0];
  EXPECT_EQ(e.kind, ProgrammeEventKind::BudgetExhausted);
  EXPECT_EQ(e.term, 3);
  EXPECT_EQ(e.spent, 60000);
  EXPECT_EQ(e.partnerships, 1) << "the first pair was paid in term 3 and loses its grant in term 4";
  EXPECT_EQ(describe(e, sim.s),
            "programme challenge ran out of budget in term 3 (term 3 of its 30 funded terms; 60,000 of 70,000 spent): "
            "1 funded partnerships lose their grants");
}

TEST(ProgrammeAccounting, EarlyClosureAndNothingLeftToFund) {
  // Closed at term 6: paid in terms 2..5 (last funded term 5), the pair loses its grant.
  Sim closed(one_programme(1e9, 10, 6), four_schools());
  test::flatten(closed);
  const ProgrammeAccount a = account_of(closed, {{0, 1}}, 10);
  ASSERT_EQ(a.events.size(), 1u);
  EXPECT_EQ(a.events[0].kind, ProgrammeEventKind::ClosedEarly);
  EXPECT_EQ(a.events[0].term, 6);
  EXPECT_EQ(a.events[0].spent, 4 * 20000.0);
  EXPECT_EQ(a.events[0].partnerships, 1);
  EXPECT_EQ(
      describe(a.events[0], closed.s),
      "programme challenge closed early in term 6, 5 terms before its planned end (term 10): 1 funded partnerships "
      "lost their grants (80,000 of 1,000,000,000 spent)");
  // A pair funded for partnership_terms (6: terms 2..7) of a programme funded to term 12,
  // with no broker proposing more: nothing is paid from term 8.
  Sim idle(one_programme(1e9, 12), four_schools());
  test::flatten(idle);
  const ProgrammeAccount b = account_of(idle, {{0, 1}}, 12);
  ASSERT_EQ(b.events.size(), 1u);
  EXPECT_EQ(b.events[0].kind, ProgrammeEventKind::NothingToFund);
  EXPECT_EQ(b.events[0].term, 8);
  EXPECT_EQ(b.events[0].spent, 6 * 20000.0);
  EXPECT_EQ(describe(b.events[0], idle.s),
            "programme challenge had nothing left to fund from term 8 to its last funded term 12 (999,880,000 of "
            "1,000,000,000 unspent)");
}

TEST(ProgrammeAccounting, SpendingOverTermsIsTheTotalSpentInARun) {
  const Scenario s = test::small_scenario(
      {"world.regions.north=[0, 1]"},
      "programmes:\n  - {name: families, region: north, start: 2, end: 10, budget: 3.0e6, families: true}\n"
      "  - {name: pairs, start: 2, end: 11, close_at: 8, budget: 1.0e6}\n");
  const World w = build_synthetic_world(s.world, required_neighbour_radius(s));
  Recorder recorder(w, s.run.terms, false);
  const run::RunOutcome out = run::drive(run::describe(s), w, {&recorder});
  const ProgrammeAccount& a = recorder.programmes;
  ASSERT_EQ(a.programmes(), 2);
  EXPECT_EQ(a.names, (std::vector<std::string>{"families", "pairs"}));
  double all = 0;
  for (int k = 0; k < 2; ++k) {
    double sum = 0;
    for (int t = 0; t <= s.run.terms; ++t) sum += a.spent_in(t, k);
    EXPECT_DOUBLE_EQ(sum, out.final_state.programme_spent[k]) << k;
    EXPECT_GT(sum, 0) << k;
    all += sum;
  }
  EXPECT_DOUBLE_EQ(all, out.final_state.money_spent);
  EXPECT_DOUBLE_EQ(all, recorder.system.back().money_spent);
  // The families' budget runs out before term 10; the pairs close at term 8.
  std::vector<std::pair<int, ProgrammeEventKind>> kinds;
  for (const auto& e : a.events) kinds.emplace_back(e.programme, e.kind);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), std::make_pair(0, ProgrammeEventKind::BudgetExhausted)), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), std::make_pair(1, ProgrammeEventKind::ClosedEarly)), kinds.end());
}

TEST(ProgrammeAccounting, ValidationWarnsOfProgrammesThatCannotAct) {
  const Scenario s = test::small_scenario(
      {}, "programmes:\n  - {name: late, start: 40, end: 45}\n  - {name: broke, budget: 0}\n  - {name: fine}\n");
  const auto w = config::warnings(s);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0],
            "programmes[0] (late): starts in term 40, after the run's last term (run.terms = 12): it does nothing "
            "in this run");
  EXPECT_EQ(w[1],
            "programmes[1] (broke): has no money (budget 0.0, grant_per_term 20000.0): without a whole grant a "
            "programme does nothing (MODEL.md 7.1)");
}

}  // namespace
}  // namespace schoolsim
