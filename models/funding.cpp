// 7.1 Funding: per-pupil funding and programme grants to active funded partnerships.
#include <algorithm>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"

namespace schoolsim {

double funding_multiplier(const Scenario& s, int term) {
  double m = 1.0;
  for (const auto& ch : s.funding.changes)
    if (ch.term <= term) m *= ch.multiplier;
  return m;
}

int programme_last_funded_term(const Programme& p) { return p.close_at > 0 ? std::min(p.end, p.close_at - 1) : p.end; }

bool programme_can_pay(const Programme& p, double spent, int grants) {
  // A grant of 0 is no money either: it would make "funded" partnerships that get nothing.
  return p.grant_per_term > 0 && spent + grants * p.grant_per_term <= p.budget;
}

bool in_programme_region(const Scenario& s, const World& w, const Programme& p, int i) {
  if (p.region.empty()) return true;
  const auto& las = s.world.regions.at(p.region);
  return std::find(las.begin(), las.end(), w.la[i]) != las.end();
}

void pay_funding(Context& c) {
  const Scenario& s = c.s;
  State& st = c.st;
  const double m = funding_multiplier(s, c.term);
  for (int i = 0; i < c.w.n; ++i) {
    st.funding[i] = s.funding.base_per_pupil * (1.0 + s.funding.deprivation_premium * c.w.disadvantage[i]) * m;
    st.boost[i] = 0.0;
  }
  // Grants in partnership id order, so a budget running out stops the same partnerships
  // whatever the thread count.
  for (auto& p : st.partnerships) {
    if (!p.active || !p.funded) continue;
    if (c.term <= p.start_term) continue;  // first grant in the term after forming
    const Programme& prog = s.programmes[p.programme];
    double& spent = st.programme_spent[p.programme];
    const bool pays =
        c.term <= p.grant_until && c.term <= programme_last_funded_term(prog) && programme_can_pay(prog, spent);
    if (!pays) {
      p.funded = false;
      p.sustain_test_due = true;
      p.first_unfunded_term = c.term + 1;
      continue;
    }
    spent += prog.grant_per_term;
    st.money_spent += prog.grant_per_term;
    const double boost =
        s.funding.capacity_per_10k * (prog.grant_per_term / 10000.0) / static_cast<double>(p.members.size());
    for (int mbr : p.members) st.boost[mbr] += boost;
  }
}

}  // namespace schoolsim
