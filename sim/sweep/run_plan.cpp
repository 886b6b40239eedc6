#include "sim/sweep/run_plan.hpp"

#include <cmath>

namespace schoolsim::sweep {
namespace {

/// min + u (max - min), exactly max at u = 1, rounded for integer parameters.
double scale(const SweptParameter& p, double u) {
  const double v = u >= 1.0 ? p.max : p.min + u * (p.max - p.min);
  return p.integer() ? std::round(v) : v;
}

}  // namespace

std::uint64_t run_seed(std::uint64_t sweep_seed, std::uint32_t replicate) {
  std::uint64_t z = sweep_seed + (static_cast<std::uint64_t>(replicate) + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) >> 2;
}

SweepPlan::SweepPlan(const SweepSpec& spec) : spec_(&spec), points_(spec.points()) {
  const auto& params = spec.parameters;
  const std::size_t k = params.size();
  const auto n = static_cast<std::size_t>(points_);
  UnitDesign unit;
  switch (spec.design.type) {
    case DesignType::Grid: {
      std::vector<std::vector<double>> levels;
      for (const auto& p : params) {
        if (!p.values.empty()) {
          levels.push_back(p.values);
          continue;
        }
        std::vector<double> l;
        for (int i = 0; i < p.levels; ++i) l.push_back(scale(p, static_cast<double>(i) / (p.levels - 1)));
        levels.push_back(l);
      }
      values_ = grid_points(levels);
      break;
    }
    case DesignType::List:
      for (const auto& point : spec.design.points)
        for (std::size_t i = 0; i < k; ++i) values_.push_back(params[i].integer() ? std::round(point[i]) : point[i]);
      break;
    case DesignType::Lhs: unit = latin_hypercube(n, k, spec.seed); break;
    case DesignType::Sobol:
      unit = spec.design.saltelli
                 ? saltelli(static_cast<std::size_t>(spec.design.n), k, spec.seed, spec.design.scramble)
                 : sobol_points(n, k, spec.seed, spec.design.scramble);
      break;
    case DesignType::Morris:
      unit = morris(static_cast<std::size_t>(spec.design.trajectories), k, spec.design.levels, spec.seed);
      break;
  }
  if (!unit.u.empty() || unit.n_points > 0) {
    values_.resize(n * k);
    for (std::size_t pt = 0; pt < n; ++pt)
      for (std::size_t i = 0; i < k; ++i) values_[pt * k + i] = scale(params[i], unit.at(pt, i));
    unit.u.clear();
    unit.u.shrink_to_fit();
  }
  metadata_ = std::move(unit);
  metadata_.k = k;
  metadata_.n_points = n;
}

RunPlan SweepPlan::run(std::int64_t run_id) const {
  RunPlan r;
  r.run_id = run_id;
  r.point = run_id / spec_->replicates;
  r.replicate = static_cast<std::int32_t>(run_id % spec_->replicates);
  r.seed = run_seed(spec_->seed, static_cast<std::uint32_t>(r.replicate));
  return r;
}

Scenario SweepPlan::point_scenario(std::int64_t point) const {
  Scenario s = spec_->base_scenario;
  for (std::size_t i = 0; i < parameters(); ++i) spec_->parameters[i].assign(s, value(point, i));
  s.output.per_school = spec_->write_per_school;
  return s;
}

Scenario SweepPlan::run_scenario(const RunPlan& run) const {
  Scenario s = point_scenario(run.point);
  s.run.seed = static_cast<std::int64_t>(run.seed);
  s.run.replicate = run.replicate;
  return s;
}

}  // namespace schoolsim::sweep
