#include "sim/initial_state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/academisation.hpp"
#include "models/metrics.hpp"
#include "models/partnerships.hpp"
#include "models/submodels.hpp"

namespace schoolsim {
namespace {

/// Forms the initial MATs: sponsors (academies graded 1 or 2, in a random order so MATs are
/// spread over phases and LAs) gather the nearest same-phase academies until
/// initial_mat_share of academies are in MATs.
void form_initial_mats(Context& c) {
  const auto& ap = c.s.academisation;
  State& st = c.st;
  const auto academy = static_cast<std::int8_t>(Governance::Academy);
  const auto n_academies = std::count(st.governance.begin(), st.governance.end(), academy);
  const auto target = static_cast<std::int64_t>(std::llround(ap.initial_mat_share * static_cast<double>(n_academies)));
  std::int64_t in_mats = 0;
  const auto& nl = c.w.neighbours;
  std::vector<std::pair<double, int>> order;
  for (int i = 0; i < c.w.n; ++i)
    order.emplace_back(c.stream(Process::InitGovernance, static_cast<std::uint32_t>(i)).uniform(), i);
  std::sort(order.begin(), order.end());
  for (const auto& [key, sponsor] : order) {
    if (in_mats >= target) break;
    if (st.governance[sponsor] != academy || st.grade[sponsor] > 2) continue;
    Partnership p;
    p.type = PartnershipType::Mat;
    p.members = {sponsor};
    p.first_unfunded_term = std::numeric_limits<std::int32_t>::max();
    const auto end = nl.end_within(sponsor, ap.mat_radius_km);
    for (auto e = nl.begin(sponsor); e < end && static_cast<int>(p.members.size()) < ap.max_mat_size &&
                                      in_mats + static_cast<std::int64_t>(p.members.size()) < target;
         ++e)
      if (st.governance[nl.index[e]] == academy) p.members.push_back(nl.index[e]);
    if (p.members.size() < 2) continue;
    for (int m : p.members) st.governance[m] = static_cast<std::int8_t>(Governance::Mat);
    in_mats += static_cast<std::int64_t>(p.members.size());
    form_partnership(c, p);
  }
}

}  // namespace

State initial_state(const Scenario& s, const World& w, std::uint64_t seed, std::uint32_t replicate) {
  State st;
  const int n = w.n;
  const auto& wp = s.world;
  st.places = w.places;
  st.pupils.resize(n);
  st.expertise.resize(n, kDomains);
  st.effectiveness.assign(n, 0.0);
  st.noise.assign(n, 0.0);
  st.attainment.assign(n, 0.0);
  st.capacity.assign(n, 0.0);
  st.openness.resize(n);
  st.funding.resize(n);
  st.boost.assign(n, 0.0);
  st.grade.assign(n, 2);
  st.last_inspected.assign(n, 0);
  st.governance.assign(n, static_cast<std::int8_t>(Governance::Maintained));
  st.mat.assign(n, -1);
  st.self_network.assign(n, -1);
  st.receiving.assign(n, -1);
  st.giving.assign(n, 0);
  st.n_partnerships.assign(n, 0);
  st.low_roll_terms.assign(n, 0);
  st.inadequate_since.assign(n, -1);
  st.programme_spent.assign(s.programmes.size(), 0.0);
  st.mean_disadvantage = w.mean_disadvantage;

  std::vector<Stream> streams;
  streams.reserve(n);
  for (int i = 0; i < n; ++i) streams.emplace_back(seed, replicate, 0, Process::InitSchool, static_cast<std::uint32_t>(i));
  for (int i = 0; i < n; ++i) {
    Stream& r = streams[i];
    st.pupils[i] = wp.initial_roll * st.places[i];
    const double mu = std::clamp(wp.expertise_mean - wp.expertise_disadvantage_slope * (w.disadvantage[i] - w.mean_disadvantage) +
                                     wp.expertise_school_sd * r.normal(),
                                 0.05, 0.95);
    const double k = wp.expertise_concentration;
    for (int d = 0; d < kDomains; ++d) st.expertise(i, d) = r.beta(k * mu, k * (1.0 - mu));
    st.openness[i] = r.beta(wp.openness_alpha, wp.openness_beta);
    if (r.uniform() < s.academisation.academy_share) st.governance[i] = static_cast<std::int8_t>(Governance::Academy);
  }
  double q_sum = 0;
  for (int i = 0; i < n; ++i) q_sum += quality(s, st, i);
  st.mean_quality0 = n ? q_sum / n : 0.0;
  const auto& ap = s.attainment;
  for (int i = 0; i < n; ++i) {
    st.effectiveness[i] = ap.beta_quality * (quality(s, st, i) - st.mean_quality0) -
                          ap.beta_disadvantage * (w.disadvantage[i] - w.mean_disadvantage);
    st.attainment[i] = st.effectiveness[i];
  }
  // Grade thresholds: fixed once on initial attainment so initial grade shares match.
  const auto& shares = s.inspection.grade_shares;
  for (int ph = 0; ph < kPhases; ++ph) {
    std::vector<double> a;
    for (int i : w.phase_members[ph]) a.push_back(st.attainment[i]);
    if (a.empty()) continue;
    st.grade_threshold[ph] = {metrics::quantile(a, 1.0 - shares[0]), metrics::quantile(a, 1.0 - shares[0] - shares[1]),
                              metrics::quantile(a, shares[3])};
  }
  st.funding_reference = s.funding.base_per_pupil * (1.0 + s.funding.deprivation_premium * w.mean_disadvantage);
  const double m = funding_multiplier(s, 0);
  for (int i = 0; i < n; ++i) {
    st.grade[i] = grade_for(st, w.phase[i], st.attainment[i]);
    if (st.grade[i] == 4) st.inadequate_since[i] = 0;
    st.funding[i] = s.funding.base_per_pupil * (1.0 + s.funding.deprivation_premium * w.disadvantage[i]) * m;
    st.capacity[i] = target_capacity(s, st, i);
    // Staggered inspections: last inspected -U{0, ..., interval - 1} terms ago.
    const int interval = s.inspection.inspection_terms[st.grade[i] - 1];
    st.last_inspected[i] = -static_cast<int>(streams[i].below(static_cast<std::uint32_t>(interval)));
  }
  if (s.academisation.initial_mat_share > 0) {
    Context c{s, w, st, 0, seed, replicate, {}};
    form_initial_mats(c);
  }
  return st;
}

}  // namespace schoolsim
