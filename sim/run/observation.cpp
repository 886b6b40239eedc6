#include "sim/run/observation.hpp"

#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>
#include <stdexcept>

#include "models/metrics.hpp"
#include "models/partnerships.hpp"
#include "sim/core/region_rules.hpp"

namespace schoolsim {

const std::vector<MetricInfo>& scope_metric_info() {
  static const std::vector<MetricInfo> info = {
      {"attainment_mean", "pupil_sd", "mean school attainment", &ScopeMetrics::attainment_mean},
      {"attainment_mean_pw", "pupil_sd", "pupil-weighted mean school attainment", &ScopeMetrics::attainment_mean_pw},
      {"attainment_sd", "pupil_sd", "between-school standard deviation of attainment", &ScopeMetrics::attainment_sd},
      {"attainment_sd_pw", "pupil_sd", "pupil-weighted between-school SD of attainment",
       &ScopeMetrics::attainment_sd_pw},
      {"attainment_p90_p10", "pupil_sd", "90th minus 10th percentile of school attainment",
       &ScopeMetrics::attainment_p90_p10},
      {"der_polarisation", "pupil_sd", "Duclos-Esteban-Ray polarisation (alpha 0.5)", &ScopeMetrics::der_polarisation},
      {"er_polarisation", "pupil_sd", "Esteban-Ray polarisation over attainment quintiles (alpha 1.3)",
       &ScopeMetrics::er_polarisation},
      {"disadvantage_gap", "pupil_sd", "attainment of least minus most disadvantaged quintile",
       &ScopeMetrics::disadvantage_gap},
      // For whom: pupils, not schools (each school weighted by roll x FSM share, resp. roll x (1 - share)).
      {"attainment_disadvantaged", "pupil_sd",
       "mean attainment of disadvantaged (FSM) pupils, from their schools' attainment",
       &ScopeMetrics::attainment_disadvantaged},
      {"attainment_others", "pupil_sd", "mean attainment of pupils not disadvantaged, from their schools' attainment",
       &ScopeMetrics::attainment_others},
      {"pupil_disadvantage_gap", "pupil_sd", "attainment of pupils not disadvantaged minus disadvantaged pupils",
       &ScopeMetrics::pupil_disadvantage_gap},
      {"between_la_share", "1", "between-LA share of attainment variance", &ScopeMetrics::between_la_share},
      {"mean_capacity", "1", "mean school capacity", &ScopeMetrics::mean_capacity},
      {"pupils", "pupils", "pupils on roll", &ScopeMetrics::pupils},
  };
  return info;
}

Scope make_scope(const World& w, std::vector<std::int32_t> ids) {
  Scope sc;
  sc.ids = std::move(ids);
  for (int i : sc.ids) {
    sc.phase.push_back(w.phase[i]);
    sc.la.push_back(w.la[i]);
    sc.disadvantage.push_back(w.disadvantage[i]);
  }
  sc.disadvantage_group = metrics::disadvantage_groups(sc.disadvantage, sc.phase);
  return sc;
}

ScopeMetrics scope_metrics(const World& w, const State& st, const Scope& scope) {
  return scope_metrics(w, st, scope, nullptr);
}

ScopeMetrics scope_metrics(const World& w, const State& st, const Scope& scope, const metrics::Ordered* order) {
  const std::vector<std::int32_t>& ids = scope.ids;
  const std::size_t n = ids.size();
  std::vector<double> a(n), pupils(n), cap(n);
  for (std::size_t k = 0; k < n; ++k) {
    const int i = ids[k];
    a[k] = st.attainment[i], pupils[k] = st.pupils[i], cap[k] = st.capacity[i];
  }
  // One order of the attainments serves every order-based metric.
  metrics::Ordered own_order;
  if (order == nullptr) {
    metrics::order(a, own_order);
    order = &own_order;
  } else if (order->keyed.size() != n) {
    throw std::logic_error("scope_metrics: the given order is not of this scope");
  }
  const metrics::Ordered& ordered = *order;
  ScopeMetrics m{};
  m.attainment_mean = metrics::mean(a);
  m.attainment_mean_pw = metrics::weighted_mean(a, pupils);
  m.attainment_sd = metrics::sd(a);
  m.attainment_sd_pw = metrics::weighted_sd(a, pupils);
  m.attainment_p90_p10 = metrics::p90_p10_ordered(ordered);
  m.der_polarisation = metrics::der_polarisation_ordered(a, ordered, 0.5);
  m.er_polarisation = metrics::esteban_ray_quintiles_ordered(a, ordered, 1.3);
  m.disadvantage_gap = metrics::disadvantage_gap_grouped(a, scope.disadvantage_group, scope.phase);
  const metrics::PupilGroupMeans pupil = metrics::disadvantaged_pupil_means(a, pupils, scope.disadvantage);
  m.attainment_disadvantaged = pupil.disadvantaged;
  m.attainment_others = pupil.others;
  m.pupil_disadvantage_gap = pupil.others - pupil.disadvantaged;
  m.between_la_share = metrics::between_group_share(a, scope.la, w.n_las);
  m.mean_capacity = metrics::mean(cap);
  m.pupils = 0.0;
  for (double p : pupils) m.pupils += p;
  std::array<std::int64_t, kGrades> count{};
  for (int i : ids) ++count[st.grade[i] - 1];
  for (int g = 0; g < kGrades; ++g) m.grade_share[g] = n ? static_cast<double>(count[g]) / static_cast<double>(n) : NAN;
  return m;
}

SystemMetrics system_metrics(const World& w, const State& st) {
  SystemMetrics m{};
  // Attainment quartile of each school within its phase.
  std::array<std::array<double, 3>, kPhases> cut{};
  for (int ph = 0; ph < kPhases; ++ph) {
    std::vector<double> a;
    for (int i : w.phase_members[ph]) a.push_back(st.attainment[i]);
    if (a.empty()) continue;
    cut[ph] = {metrics::quantile(a, 0.25), metrics::quantile(a, 0.5), metrics::quantile(a, 0.75)};
  }
  auto quartile = [&](int i) {
    const auto& c = cut[w.phase[i]];
    return static_cast<int>(std::upper_bound(c.begin(), c.end(), st.attainment[i]) - c.begin());
  };
  std::int64_t active = 0, crossing = 0, pairs = 0;
  double trust_sum = 0;
  for (const auto& p : st.partnerships) {
    if (!p.active) continue;
    ++active;
    m.partnerships_active[static_cast<int>(p.type)] += 1;
    const int q0 = quartile(p.members[0]);
    bool crosses = false;
    for (int mbr : p.members) crosses |= quartile(mbr) != q0;
    crossing += crosses;
    for (std::size_t a = 0; a < p.members.size(); ++a)
      for (std::size_t b = a + 1; b < p.members.size(); ++b) trust_sum += member_pair_trust(w, st, p, a, b), ++pairs;
  }
  m.cross_quartile_share = active ? static_cast<double>(crossing) / static_cast<double>(active) : NAN;
  m.mean_trust = pairs ? trust_sum / static_cast<double>(pairs) : NAN;
  m.pupils_moved = st.pupils_moved;
  m.money_spent = st.money_spent;
  std::int64_t brokered = 0;
  if (st.term > 0)
    for (const auto& p : st.partnerships) brokered += p.start_term == st.term && p.broker != kNoBroker;
  m.partnerships_brokered = static_cast<double>(brokered);
  return m;
}

namespace {
std::vector<std::int32_t> all_schools(const World& w) {
  std::vector<std::int32_t> all(static_cast<std::size_t>(w.n));
  std::iota(all.begin(), all.end(), 0);
  return all;
}
}  // namespace

std::vector<OutputRegion> output_regions(const Scenario& scenario, const World& w) {
  const Scenario s = with_region_rules_resolved(scenario, w);
  std::vector<OutputRegion> out;
  const auto las_of = [&](const std::vector<int>& list) {
    std::vector<std::int32_t> las;
    for (int la : list)
      if (la >= 0 && la < w.n_las) las.push_back(la);
    std::sort(las.begin(), las.end());
    las.erase(std::unique(las.begin(), las.end()), las.end());
    return las;
  };
  std::vector<int> every(static_cast<std::size_t>(w.n_las));
  std::iota(every.begin(), every.end(), 0);
  for (const auto& [name, las] : s.world.regions) out.push_back({name, las_of(las)});
  for (std::size_t k = 0; k < s.programmes.size(); ++k) {
    const auto found = s.world.regions.find(s.programmes[k].region);
    const std::vector<std::int32_t> treated = las_of(found == s.world.regions.end() ? every : found->second);
    std::vector<std::int32_t> untreated;
    for (int la : every)
      if (!std::binary_search(treated.begin(), treated.end(), la)) untreated.push_back(la);
    out.push_back({"programme_" + std::to_string(k) + "_treated", treated});
    out.push_back({"programme_" + std::to_string(k) + "_untreated", untreated});
  }
  return out;
}

void split_order_by_phase(const World& w, const metrics::Ordered& everyone,
                          std::span<const std::int32_t> position_in_phase, std::array<metrics::Ordered, kPhases>& out) {
  for (int ph = 0; ph < kPhases; ++ph) {
    const auto size = w.phase_members[static_cast<std::size_t>(ph)].size();
    out[ph].keyed.clear(), out[ph].sorted.clear();
    out[ph].keyed.reserve(size), out[ph].sorted.reserve(size);
  }
  // everyone's positions are school ids; a phase's positions ascend with the ids, so the
  // (value, id) order restricted to a phase is that phase's (value, position) order.
  for (const metrics::KeyIndex& e : everyone.keyed) {
    const auto id = e.index;
    metrics::Ordered& o = out[w.phase[id]];
    o.keyed.push_back({e.key, static_cast<std::size_t>(position_in_phase[id])});
    o.sorted.push_back(e.key);
  }
}

Recorder::Recorder(const World& w, int terms, bool per_school, bool by_area, std::vector<OutputRegion> regions)
    : per_school_(per_school),
      by_area_(by_area),
      regions_(by_area ? std::move(regions) : std::vector<OutputRegion>{}),
      everyone_(make_scope(w, all_schools(w))),
      by_phase_{make_scope(w, w.phase_members[0]), make_scope(w, w.phase_members[1])},
      position_in_phase_(static_cast<std::size_t>(w.n), -1) {
  for (const auto& members : w.phase_members) {
    if (!std::is_sorted(members.begin(), members.end()))
      throw std::logic_error("Recorder: phase members must be in id order to share one ordering");
    for (std::size_t k = 0; k < members.size(); ++k) position_in_phase_[members[k]] = static_cast<std::int32_t>(k);
  }
  const auto observations = static_cast<std::size_t>(terms + 1);
  if (by_area_) {
    // Schools by LA in id order; a region's schools are its LAs' schools in id order.
    std::vector<std::vector<std::int32_t>> of_la(static_cast<std::size_t>(w.n_las));
    for (int i = 0; i < w.n; ++i) of_la[static_cast<std::size_t>(w.la[i])].push_back(i);
    for (const auto& ids : of_la) area_scopes_.push_back(make_scope(w, ids));
    for (const auto& region : regions_) {
      std::vector<char> in(static_cast<std::size_t>(w.n_las), 0);
      for (int la : region.las) in[static_cast<std::size_t>(la)] = 1;
      std::vector<std::int32_t> ids;
      for (int i = 0; i < w.n; ++i)
        if (in[static_cast<std::size_t>(w.la[i])]) ids.push_back(i);
      area_scopes_.push_back(make_scope(w, std::move(ids)));
    }
    by_la.reserve(observations * static_cast<std::size_t>(w.n_las));
    by_region.reserve(observations * regions_.size());
  }
  overall.reserve(observations);
  phases.reserve(observations);
  system.reserve(observations);
  if (per_school_) {
    const std::size_t cells = observations * static_cast<std::size_t>(w.n);
    school_attainment.reserve(cells);
    school_capacity.reserve(cells);
    school_expertise.reserve(cells * kDomains);
    school_pupils.reserve(cells);
    school_grade.reserve(cells);
    school_partnerships.reserve(cells);
  }
}

void Recorder::report(const run::Snapshot& snapshot) {
  const World& w = snapshot.world;
  const State& st = snapshot.state;
  // One (attainment, id) sort per term serves every school and both phases (the phases'
  // orders are read off it); then the scopes are independent serial computations, side by side.
  ScopeMetrics everyone{};
  std::array<ScopeMetrics, kPhases> by_phase{};
  SystemMetrics sys{};
  tbb::parallel_invoke(
      [&] {
        metrics::order(std::span<const double>(st.attainment.data(), static_cast<std::size_t>(w.n)), everyone_order_);
        split_order_by_phase(w, everyone_order_, position_in_phase_, phase_order_);
      },
      [&] { sys = system_metrics(w, st); });
  tbb::parallel_invoke([&] { everyone = scope_metrics(w, st, everyone_, &everyone_order_); },
                       [&] { by_phase[0] = scope_metrics(w, st, by_phase_[0], &phase_order_[0]); },
                       [&] { by_phase[1] = scope_metrics(w, st, by_phase_[1], &phase_order_[1]); });
  overall.push_back(everyone);
  phases.push_back(by_phase);
  system.push_back(sys);
  programmes.observe(snapshot);
  if (by_area_) {
    // Each area is an independent serial computation into its own slot: same results for any threads.
    std::vector<ScopeMetrics> areas(area_scopes_.size());
    tbb::parallel_for(std::size_t{0}, areas.size(),
                      [&](std::size_t k) { areas[k] = scope_metrics(w, st, area_scopes_[k]); });
    const auto las = static_cast<std::ptrdiff_t>(w.n_las);
    by_la.insert(by_la.end(), areas.begin(), areas.begin() + las);
    by_region.insert(by_region.end(), areas.begin() + las, areas.end());
  }
  if (!per_school_) return;
  for (int i = 0; i < w.n; ++i) {
    school_attainment.push_back(static_cast<float>(st.attainment[i]));
    school_capacity.push_back(static_cast<float>(st.capacity[i]));
    for (int d = 0; d < kDomains; ++d) school_expertise.push_back(static_cast<float>(st.expertise(i, d)));
    school_pupils.push_back(static_cast<std::int32_t>(std::lround(st.pupils[i])));
    school_grade.push_back(st.grade[i]);
    school_partnerships.push_back(st.n_partnerships[i]);
  }
}

}  // namespace schoolsim
