// The synthetic England-like world (MODEL.md section 5; decisions in docs/MODEL.md).
#include "sim/core/world.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/core/rng.hpp"

namespace schoolsim {

double World::distance(int i, int j) const { return std::hypot(x[i] - x[j], y[i] - y[j]); }

std::array<double, kPhases> required_neighbour_radius(const Scenario& s) {
  std::array<double, kPhases> r{};
  for (int p = 0; p < kPhases; ++p) {
    r[p] = std::max({s.competition.choice_radius_km[p], s.brokering.broker_radius_km, s.self_organised.self_radius_km});
    if (s.national_broker.enabled) r[p] = std::max(r[p], s.national_broker.radius_km);
    if (s.academisation.enabled || s.academisation.initial_mat_share > 0)
      r[p] = std::max(r[p], s.academisation.mat_radius_km);
  }
  return r;
}

namespace {

/// Splits `total` items over weights by the largest-remainder rule (deterministic).
std::vector<int> apportion(int total, const std::vector<double>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<int> counts(weights.size());
  std::vector<std::pair<double, int>> remainder;
  int assigned = 0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const double exact = total * weights[k] / sum;
    counts[k] = static_cast<int>(std::floor(exact));
    assigned += counts[k];
    remainder.emplace_back(-(exact - counts[k]), static_cast<int>(k));
  }
  std::sort(remainder.begin(), remainder.end());
  for (int k = 0; k < total - assigned; ++k) ++counts[remainder[k].second];
  return counts;
}

}  // namespace

World build_synthetic_world(const WorldParams& p, const std::array<double, kPhases>& radius) {
  World w;
  w.n = p.n_primary + p.n_secondary;
  w.n_las = p.n_las;
  w.width_km = p.width_km;
  w.height_km = p.height_km;
  const auto seed = static_cast<std::uint64_t>(p.seed);

  // Local authorities: centre, size weight, urban share, disadvantage effect.
  const double la_radius = std::sqrt(p.width_km * p.height_km / (3.141592653589793 * p.n_las));
  std::vector<double> cx(p.n_las), cy(p.n_las), size(p.n_las), urban(p.n_las), effect(p.n_las);
  for (int l = 0; l < p.n_las; ++l) {
    Stream r(seed, 0, 0, Process::WorldLa, static_cast<std::uint32_t>(l));
    cx[l] = r.uniform() * p.width_km;
    cy[l] = r.uniform() * p.height_km;
    size[l] = std::exp(p.la_size_sd * r.normal());
    urban[l] = p.urban_share_min + (p.urban_share_max - p.urban_share_min) * r.uniform();
    effect[l] = std::exp(p.disadvantage_la_sd * r.normal());
  }

  w.phase.resize(w.n);
  w.la.resize(w.n);
  w.x.resize(w.n);
  w.y.resize(w.n);
  w.disadvantage.resize(w.n);
  w.places.resize(w.n);
  // Phase blocks: primaries take ids [0, n_primary), secondaries follow; within a phase,
  // schools are apportioned to LAs by size weight, in LA order.
  int id = 0;
  for (int ph = 0; ph < kPhases; ++ph) {
    const int n_phase = ph == 0 ? p.n_primary : p.n_secondary;
    const auto counts = apportion(n_phase, size);
    for (int l = 0; l < p.n_las; ++l)
      for (int k = 0; k < counts[l]; ++k, ++id) {
        w.phase[id] = static_cast<std::int8_t>(ph);
        w.la[id] = l;
      }
  }
  std::vector<char> is_urban(w.n);
  std::vector<double> raw_disadvantage(w.n);
  for (int i = 0; i < w.n; ++i) {
    Stream r(seed, 0, 0, Process::WorldSchool, static_cast<std::uint32_t>(i));
    const int l = w.la[i];
    is_urban[i] = r.uniform() < urban[l];
    const double sd = (is_urban[i] ? p.urban_sd : p.rural_sd) * la_radius;
    w.x[i] = std::clamp(cx[l] + sd * r.normal(), 0.0, p.width_km);
    w.y[i] = std::clamp(cy[l] + sd * r.normal(), 0.0, p.height_km);
    w.places[i] = p.places_mean[w.phase[i]] * std::exp(p.places_sd * r.normal());
    raw_disadvantage[i] = effect[l] * (is_urban[i] ? p.disadvantage_urban : 1.0);
  }
  // Local mean disadvantage scaled so the national mean of local means is disadvantage_mean.
  const double raw_mean = std::accumulate(raw_disadvantage.begin(), raw_disadvantage.end(), 0.0) / std::max(w.n, 1);
  for (int i = 0; i < w.n; ++i) {
    Stream r(seed, 0, 1, Process::WorldSchool, static_cast<std::uint32_t>(i));
    const double m = std::clamp(p.disadvantage_mean * raw_disadvantage[i] / raw_mean, 0.005, 0.95);
    w.disadvantage[i] = r.beta(p.disadvantage_concentration * m, p.disadvantage_concentration * (1 - m));
  }
  w.mean_disadvantage = std::accumulate(w.disadvantage.begin(), w.disadvantage.end(), 0.0) / std::max(w.n, 1);
  for (int i = 0; i < w.n; ++i) w.phase_members[w.phase[i]].push_back(i);
  w.neighbours = build_neighbour_lists(w.x, w.y, w.phase, radius);
  return w;
}

}  // namespace schoolsim
