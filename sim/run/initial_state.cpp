#include "sim/run/initial_state.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
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

/// The MATs of a register world (docs/MODEL.md section 6): the schools of one academy trust
/// and one phase form a MAT when there are at least two; its sponsor (member 0) is the
/// member with the best initial grade, then the highest initial attainment, then the lowest
/// id; the other members follow in id order.
void form_register_mats(Context& c, const std::vector<std::int32_t>& trust) {
  State& st = c.st;
  std::map<std::pair<std::int32_t, int>, std::vector<std::int32_t>> groups;  // (trust, phase) -> members
  for (int i = 0; i < c.w.n; ++i)
    if (trust[i] >= 0) groups[{trust[i], c.w.phase[i]}].push_back(i);
  for (auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    const auto sponsor = std::min_element(members.begin(), members.end(), [&](int a, int b) {
      if (st.grade[a] != st.grade[b]) return st.grade[a] < st.grade[b];
      if (st.attainment[a] != st.attainment[b]) return st.attainment[a] > st.attainment[b];
      return a < b;
    });
    std::rotate(members.begin(), sponsor, sponsor + 1);
    std::sort(members.begin() + 1, members.end());
    Partnership p;
    p.type = PartnershipType::Mat;
    p.members = members;
    p.first_unfunded_term = std::numeric_limits<std::int32_t>::max();
    for (int m : p.members) st.governance[m] = static_cast<std::int8_t>(Governance::Mat);
    form_partnership(c, p);
  }
}

/// Expertise shift delta (the same for every domain, each clipped to [0, 1]) that gives
/// school i the quality q; found by bisection, since quality is monotone in delta.
void set_quality(const Scenario& s, State& st, int i, double q) {
  const auto& w = s.attainment.domain_weights;
  const std::array<double, kDomains> e0 = {st.expertise(i, 0), st.expertise(i, 1), st.expertise(i, 2)};
  auto quality_at = [&](double delta) {
    double v = 0;
    for (int d = 0; d < kDomains; ++d) v += w[d] * std::clamp(e0[d] + delta, 0.0, 1.0);
    return v;
  };
  double lo = -1.0, hi = 1.0;
  for (int k = 0; k < 100 && hi - lo > 1e-15; ++k) {
    const double mid = 0.5 * (lo + hi);
    (quality_at(mid) < q ? lo : hi) = mid;
  }
  const double delta = 0.5 * (lo + hi);
  for (int d = 0; d < kDomains; ++d) st.expertise(i, d) = std::clamp(e0[d] + delta, 0.0, 1.0);
}

/// Register attainment (z-scores within phase) on the model's scale: a_i = m + sd z_i with m
/// and sd the phase's mean and SD of the model's own initial attainment; the school's
/// expertise is shifted so that its practice supports that attainment (effectiveness target
/// = a_i), so the register's ranking persists instead of decaying toward the draws.
void apply_register_attainment(const Scenario& s, const World& w, State& st, const std::vector<double>& z) {
  const auto& ap = s.attainment;
  if (ap.beta_quality <= 0) return;
  for (int ph = 0; ph < kPhases; ++ph) {
    const auto& members = w.phase_members[ph];
    if (members.empty()) continue;
    double sum = 0, sum2 = 0;
    for (int i : members) sum += st.attainment[i];
    const double mean = sum / static_cast<double>(members.size());
    for (int i : members) sum2 += (st.attainment[i] - mean) * (st.attainment[i] - mean);
    const double sd = std::sqrt(sum2 / static_cast<double>(members.size()));
    for (int i : members) {
      if (std::isnan(z[i])) continue;
      const double target = mean + sd * z[i];
      set_quality(s, st, i,
                  st.mean_quality0 +
                      (target + ap.beta_disadvantage * (w.disadvantage[i] - w.mean_disadvantage)) / ap.beta_quality);
      st.effectiveness[i] = ap.beta_quality * (quality(s, st, i) - st.mean_quality0) -
                            ap.beta_disadvantage * (w.disadvantage[i] - w.mean_disadvantage);
      st.attainment[i] = st.effectiveness[i];
    }
  }
}

}  // namespace

void set_need_cutoffs(const Scenario& s, const World& w, State& st) {
  for (int ph = 0; ph < kPhases; ++ph) {
    std::vector<double> a;
    for (int i : w.phase_members[ph]) a.push_back(st.attainment[i]);
    if (a.empty()) continue;
    st.need_cutoff[ph] = metrics::quantile(a, s.brokering.need_quantile);
    st.support_cutoff[ph] = metrics::quantile(a, 1.0 - s.brokering.support_quantile);
  }
}

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
  st.trust = TrustStore(w);
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
  st.mandate_refused_until.assign(n, -1);
  st.programme_spent.assign(s.programmes.size(), 0.0);
  st.mean_disadvantage = w.mean_disadvantage;

  std::vector<Stream> streams;
  streams.reserve(n);
  for (int i = 0; i < n; ++i)
    streams.emplace_back(seed, replicate, 0, Process::InitSchool, static_cast<std::uint32_t>(i));
  for (int i = 0; i < n; ++i) {
    Stream& r = streams[i];
    st.pupils[i] = wp.initial_roll * st.places[i];
    const double mu =
        std::clamp(wp.expertise_mean - wp.expertise_disadvantage_slope * (w.disadvantage[i] - w.mean_disadvantage) +
                       wp.expertise_school_sd * r.normal(),
                   0.05, 0.95);
    const double k = wp.expertise_concentration;
    for (int d = 0; d < kDomains; ++d) st.expertise(i, d) = r.beta(k * mu, k * (1.0 - mu));
    st.openness[i] = r.beta(wp.openness_alpha, wp.openness_beta);
    if (r.uniform() < s.academisation.academy_share) st.governance[i] = static_cast<std::int8_t>(Governance::Academy);
  }
  const InitialOverrides* reg = w.initial ? &*w.initial : nullptr;  // register worlds only
  if (reg)
    for (int i = 0; i < n; ++i) {
      st.pupils[i] = reg->pupils[i];
      if (reg->academy[i] >= 0)
        st.governance[i] = static_cast<std::int8_t>(reg->academy[i] ? Governance::Academy : Governance::Maintained);
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
  if (reg && !reg->attainment_z.empty()) apply_register_attainment(s, w, st, reg->attainment_z);
  // Grade thresholds: fixed once on initial attainment so initial grade shares match; the need
  // and support cut-offs likewise.
  const auto& shares = s.inspection.grade_shares;
  for (int ph = 0; ph < kPhases; ++ph) {
    std::vector<double> a;
    for (int i : w.phase_members[ph]) a.push_back(st.attainment[i]);
    if (a.empty()) continue;
    st.grade_threshold[ph] = {metrics::quantile(a, 1.0 - shares[0]), metrics::quantile(a, 1.0 - shares[0] - shares[1]),
                              metrics::quantile(a, shares[3])};
  }
  set_need_cutoffs(s, w, st);
  st.funding_reference = s.funding.base_per_pupil * (1.0 + s.funding.deprivation_premium * w.mean_disadvantage);
  const double m = funding_multiplier(s, 0);
  for (int i = 0; i < n; ++i) {
    st.grade[i] = grade_for(st, w.phase[i], st.attainment[i]);
    if (reg && reg->grade[i] > 0) st.grade[i] = reg->grade[i];
    if (st.grade[i] == 4) st.inadequate_since[i] = 0;
    st.funding[i] = s.funding.base_per_pupil * (1.0 + s.funding.deprivation_premium * w.disadvantage[i]) * m;
    st.capacity[i] = target_capacity(s, st, i);
    // Staggered inspections: last inspected -U{0, ..., interval - 1} terms ago.
    const int interval = s.inspection.inspection_terms[st.grade[i] - 1];
    st.last_inspected[i] = -static_cast<int>(streams[i].below(static_cast<std::uint32_t>(interval)));
  }
  if (reg && !reg->trust.empty()) {
    Context c{s, w, st, 0, seed, replicate, {}};
    form_register_mats(c, reg->trust);
  } else if (s.academisation.initial_mat_share > 0) {
    Context c{s, w, st, 0, seed, replicate, {}};
    form_initial_mats(c);
  }
  return st;
}

}  // namespace schoolsim
