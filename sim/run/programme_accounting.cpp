#include "sim/run/programme_accounting.hpp"

#include <cmath>

#include "models/submodels.hpp"

namespace schoolsim {

void ProgrammeAccount::observe(const run::Snapshot& snap) {
  const Scenario& s = snap.scenario;
  const State& st = snap.state;
  const int n = static_cast<int>(s.programmes.size());
  if (snap.term == 0) {
    names.clear(), budgets.clear(), spending.clear(), events.clear();
    for (const auto& p : s.programmes) names.push_back(p.name), budgets.push_back(p.budget);
    last_spent_.assign(n, 0.0);
    last_paid_term_.assign(n, -1);
    funded_.assign(n, 0);
    exhausted_.assign(n, false);
  }
  std::vector<int> funded(n, 0);
  for (const auto& p : st.partnerships)
    if (p.active && p.funded && p.programme >= 0) ++funded[p.programme];
  const int t = snap.term;
  for (int k = 0; k < n; ++k) {
    const Programme& prog = s.programmes[k];
    const double spent = st.programme_spent[k];
    spending.push_back(spent - last_spent_[k]);
    if (spent > last_spent_[k]) last_paid_term_[k] = t;
    last_spent_[k] = spent;
    if (t == 0 || !programme_can_pay(prog, 0.0)) continue;  // no money at all: a validation warning
    const int last = programme_last_funded_term(prog);
    // Out of money with funded terms still to come: its partnerships lose their grants early.
    if (!exhausted_[k] && t < last && !programme_can_pay(prog, spent)) {
      exhausted_[k] = true;
      events.push_back({t, k, ProgrammeEventKind::BudgetExhausted, spent, funded[k]});
    }
    if (prog.close_at > 0 && t == prog.close_at)
      events.push_back({t, k, ProgrammeEventKind::ClosedEarly, spent, funded_[k]});
    // At its last funded term: money left, yet no grant paid since some earlier term.
    if (t == last && !exhausted_[k] && last_paid_term_[k] < last) {
      const int from = last_paid_term_[k] < 0 ? std::min(prog.start + 1, last) : last_paid_term_[k] + 1;
      events.push_back({from, k, ProgrammeEventKind::NothingToFund, spent, funded[k]});
    }
  }
  funded_ = funded;
}

std::string pounds(double gbp) {
  const long long v = std::llround(gbp);
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t k = 0; k < digits.size(); ++k) {
    if (k && (digits.size() - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string describe(const ProgrammeEvent& e, const Scenario& s) {
  const Programme& p = s.programmes[static_cast<std::size_t>(e.programme)];
  const int last = programme_last_funded_term(p);
  const std::string name = "programme " + p.name;
  const std::string money = pounds(e.spent) + " of " + pounds(p.budget) + " spent";
  switch (e.kind) {
    case ProgrammeEventKind::BudgetExhausted:
      return name + " ran out of budget in term " + std::to_string(e.term) + " (term " +
             std::to_string(e.term - p.start + 1) + " of its " + std::to_string(last - p.start + 1) +
             " funded terms; " + money + "): " + std::to_string(e.partnerships) +
             " funded partnerships lose their grants";
    case ProgrammeEventKind::ClosedEarly:
      return name + " closed early in term " + std::to_string(e.term) + ", " + std::to_string(p.end - e.term + 1) +
             " terms before its planned end (term " + std::to_string(p.end) + "): " + std::to_string(e.partnerships) +
             " funded partnerships lost their grants (" + money + ")";
    case ProgrammeEventKind::NothingToFund:
      return name + " had nothing left to fund from term " + std::to_string(e.term) + " to its last funded term " +
             std::to_string(last) + " (" + pounds(p.budget - e.spent) + " of " + pounds(p.budget) + " unspent)";
  }
  return name;
}

}  // namespace schoolsim
