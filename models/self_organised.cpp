// 7.5 Self-organised partnering: schools with spare capacity look for a similar, trusted
// partner nearby and form or join a network. Searchers go in ascending id, memberships
// updated as they go, so the result does not depend on threads.
#include <tbb/parallel_for.h>

#include <cmath>
#include <vector>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"
#include "models/trust.hpp"

namespace schoolsim {

void form_self_organised(Context& c) {
  const auto& so = c.s.self_organised;
  const auto& bp = c.s.brokering;
  if (!so.enabled || so.p_self <= 0) return;
  State& st = c.st;
  const auto& nl = c.w.neighbours;
  // Each searcher's choice of partner and the partner's answer depend only on trust,
  // attainment, capacity and competition, which forming networks does not change: decide them
  // for every school in parallel (each with its own random stream), then form or join in
  // ascending id, where network membership (which does change) is checked.
  constexpr std::int32_t kNoPartner = -1;
  std::vector<std::int32_t> partner(static_cast<std::size_t>(c.w.n), kNoPartner);
  tbb::parallel_for(0, c.w.n, [&](int i) {
    if (st.self_network[i] >= 0 || st.capacity[i] < so.min_capacity_self) return;
    Stream r = c.stream(Process::SelfSearch, static_cast<std::uint32_t>(i));
    if (!r.bernoulli(so.p_self)) return;
    int best = -1;
    std::int64_t best_entry = -1;
    double best_value = -INFINITY;
    const auto end = nl.end_within(i, so.self_radius_km);
    for (auto e = nl.begin(i); e < end; ++e) {
      const int j = nl.index[e];
      const double value =
          pair_trust_at(c.w, st, i, e) +
          so.w_homophily * std::exp(-std::abs(st.attainment[i] - st.attainment[j]) / so.homophily_scale);
      if (value > best_value || (value == best_value && j < best)) best_value = value, best = j, best_entry = e;
    }
    if (best < 0) return;
    const double accept =
        1.0 / (1.0 + std::exp(-(bp.a0 + bp.a_trust * pair_trust_at(c.w, st, i, best_entry) +
                                bp.a_capacity * st.capacity[best] -
                                bp.a_competition * (st.competition.empty() ? 0.0 : st.competition[best_entry]) +
                                bp.a_openness * openness_logit(st.openness[best]))));
    if (r.uniform() < accept) partner[i] = best;
  });
  for (int i = 0; i < c.w.n; ++i) {
    const int best = partner[i];
    // A school that joined a network earlier in this pass (as someone's partner) no longer searches.
    if (best == kNoPartner || st.self_network[i] >= 0) continue;
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
