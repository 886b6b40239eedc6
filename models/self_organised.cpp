// 7.5 Self-organised partnering: schools with spare capacity look for a similar, trusted
// partner nearby and form or join a network. Searchers go in ascending id, memberships
// updated as they go, so the result does not depend on threads.
#include <cmath>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"

namespace schoolsim {

void form_self_organised(Context& c) {
  const auto& so = c.s.self_organised;
  const auto& bp = c.s.brokering;
  if (!so.enabled || so.p_self <= 0) return;
  State& st = c.st;
  const auto& nl = c.w.neighbours;
  for (int i = 0; i < c.w.n; ++i) {
    if (st.self_network[i] >= 0 || st.capacity[i] < so.min_capacity_self) continue;
    Stream r = c.stream(Process::SelfSearch, static_cast<std::uint32_t>(i));
    if (!r.bernoulli(so.p_self)) continue;
    int best = -1;
    std::int64_t best_entry = -1;
    double best_value = -INFINITY;
    const auto end = nl.end_within(i, so.self_radius_km);
    for (auto e = nl.begin(i); e < end; ++e) {
      const int j = nl.index[e];
      const double value = pair_trust(st, i, j) +
                           so.w_homophily * std::exp(-std::abs(st.attainment[i] - st.attainment[j]) / so.homophily_scale);
      if (value > best_value || (value == best_value && j < best)) best_value = value, best = j, best_entry = e;
    }
    if (best < 0) continue;
    const double accept = 1.0 / (1.0 + std::exp(-(bp.a0 + bp.a_trust * pair_trust(st, i, best) +
                                                  bp.a_capacity * st.capacity[best] -
                                                  bp.a_competition * (st.competition.empty() ? 0.0 : st.competition[best_entry]))));
    if (r.uniform() >= accept) continue;
    const int network = st.self_network[best];
    if (network >= 0) {
      if (static_cast<int>(st.partnerships[network].members.size()) < so.max_size) join_partnership(c, network, i);
      continue;  // a full network: the search fails this term
    }
    Partnership p;
    p.type = PartnershipType::Network;
    p.self_organised = true;
    p.members = {i, best};
    p.first_unfunded_term = c.term + 1;
    form_partnership(c, p);
  }
}

}  // namespace schoolsim
