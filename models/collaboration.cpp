// 7.6 Collaboration: knowledge transfer along each partnership's edges, reciprocal learning
// and joint creation; then trust moves with the partnership's success, and idle stored pairs
// relax toward baseline. Partnerships are computed in parallel into their own buffers and
// applied in id order, so results do not depend on the thread count.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"
#include "models/trust.hpp"

namespace schoolsim {
namespace {

struct Edge {
  int from, to;  ///< member positions within the partnership
  double intensity;
  bool support;  ///< giver -> receiver, with reciprocal learning
  bool create;   ///< joint creation for this pair (once per unordered pair)
};

/// Edges of MODEL.md 7.6 (docs/MODEL.md: families and MATs).
std::vector<Edge> edges_of(const Scenario& s, const State& st, const Partnership& p) {
  const auto& cp = s.collaboration;
  const int n = static_cast<int>(p.members.size());
  const double base = cp.intensity[static_cast<int>(p.type)] / (1.0 + cp.size_dilution * (n - 2));
  std::vector<Edge> edges;
  if (p.support) {
    edges.push_back({0, 1, base, true, true});
  } else if (p.family) {
    // From each member above the family's median attainment to each member below it,
    // at the full network intensity (a structured exchange, not a loose network).
    std::vector<double> a;
    for (int m : p.members) a.push_back(st.attainment[m]);
    std::vector<double> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    for (int g = 0; g < n; ++g)
      for (int r = 0; r < n; ++r)
        if (a[g] > median && a[r] < median) edges.push_back({g, r, cp.intensity[1], false, true});
  } else {
    const double shared = base / std::max(n - 1, 1);
    for (int g = 0; g < n; ++g)
      for (int r = 0; r < n; ++r)
        if (g != r) edges.push_back({g, r, shared, false, g < r});
  }
  return edges;
}

struct Contribution {
  std::vector<double> delta;  ///< members x domains
  double gain = 0;            ///< quality gain for the receiver, or the mean over members
};

}  // namespace

void collaborate(Context& c) {
  const Scenario& s = c.s;
  const auto& cp = s.collaboration;
  State& st = c.st;
  std::vector<std::int32_t> active;
  for (const auto& p : st.partnerships)
    if (p.active) active.push_back(p.id);
  std::vector<Contribution> contrib(active.size());
  const auto& w = s.attainment.domain_weights;

  auto absorb = [&](int i) {
    return cp.absorb_floor + (1.0 - cp.absorb_floor) * st.capacity[i] * (0.5 + 0.5 * st.expertise(i, kLeadership));
  };
  tbb::parallel_for(std::size_t{0}, active.size(), [&](std::size_t k) {
    const Partnership& p = st.partnerships[active[k]];
    const int n = static_cast<int>(p.members.size());
    Contribution& out = contrib[k];
    out.delta.assign(static_cast<std::size_t>(n) * kDomains, 0.0);
    for (const Edge& e : edges_of(s, st, p)) {
      const int g = p.members[e.from], r = p.members[e.to];
      const double trust =
          member_pair_trust(c.w, st, p, static_cast<std::size_t>(e.from), static_cast<std::size_t>(e.to));
      const double ar = absorb(r), ag = absorb(g);
      double distance = 0;
      for (int d = 0; d < kDomains; ++d) distance += std::abs(st.expertise(g, d) - st.expertise(r, d));
      for (int d = 0; d < kDomains; ++d) {
        // MATs: the sponsor's leadership is the MAT's; leadership spreads from the sponsor only.
        const bool mat_leadership = p.type == PartnershipType::Mat && d == kLeadership;
        double intensity = e.intensity;
        if (mat_leadership) intensity = e.from == 0 ? cp.intensity[3] : 0.0;
        const double eg = st.expertise(g, d), er = st.expertise(r, d);
        out.delta[e.to * kDomains + d] += cp.eta * intensity * trust * ar * std::max(eg - er, 0.0);
        if (e.support)
          out.delta[e.from * kDomains + d] += cp.eta * cp.reciprocity * intensity * trust * ag * std::max(er - eg, 0.0);
        if (e.create && intensity > 0) {
          const double base = cp.gamma * intensity * trust * std::min(st.capacity[g], st.capacity[r]) * distance / 3.0;
          out.delta[e.from * kDomains + d] += base * (1.0 - eg);
          out.delta[e.to * kDomains + d] += base * (1.0 - er);
        }
      }
    }
    auto member_gain = [&](int m) {
      double q = 0;
      for (int d = 0; d < kDomains; ++d) q += w[d] * out.delta[m * kDomains + d];
      return q;
    };
    if (p.support) {
      out.gain = member_gain(1);
    } else {
      for (int m = 0; m < n; ++m) out.gain += member_gain(m);
      out.gain /= n;
    }
  });

  // Apply expertise changes in partnership order, then clip.
  for (std::size_t k = 0; k < active.size(); ++k) {
    const Partnership& p = st.partnerships[active[k]];
    for (std::size_t m = 0; m < p.members.size(); ++m)
      for (int d = 0; d < kDomains; ++d) st.expertise(p.members[m], d) += contrib[k].delta[m * kDomains + d];
  }
  for (std::size_t k = 0; k < active.size(); ++k)
    for (int m : st.partnerships[active[k]].members)
      for (int d = 0; d < kDomains; ++d) st.expertise(m, d) = std::clamp(st.expertise(m, d), 0.0, 1.0);

  // Trust: every member pair moves with its partnership's success, in partnership order (a
  // pair in two partnerships moves twice).
  const World& world = c.w;
  for (std::size_t k = 0; k < active.size(); ++k) {
    const Partnership& p = st.partnerships[active[k]];
    const double success =
        partnership_success(contrib[k].gain, p.support ? cp.expected_gain_support : cp.expected_gain_peer);
    for (std::size_t a = 0; a < p.members.size(); ++a)
      for (std::size_t b = a + 1; b < p.members.size(); ++b) {
        double& trust = member_pair_trust_slot(world, st, p, a, b);
        trust = trust_after(s.trust, trust, success);
      }
  }
  // Every other stored pair relaxes toward its baseline: relax all, then put the partnered
  // pairs' values back (cheaper than asking of every stored pair whether it was partnered).
  std::vector<std::pair<double*, double>> partnered;
  for (std::int32_t id : active) {
    const Partnership& p = st.partnerships[id];
    for (std::size_t a = 0; a < p.members.size(); ++a)
      for (std::size_t b = a + 1; b < p.members.size(); ++b) {
        double& trust = member_pair_trust_slot(world, st, p, a, b);  // stored above: no new pair
        partnered.emplace_back(&trust, trust);
      }
  }
  st.trust.update_each(
      world, [&](int i, int j, double& trust) { trust = trust_relaxed(s.trust, trust, baseline_trust(st, i, j)); });
  for (const auto& [trust, value] : partnered) *trust = value;
}

}  // namespace schoolsim
