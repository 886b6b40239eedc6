#include "sim/calibration/search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>

#include "sim/config/key_path.hpp"
#include "sim/config/numbers.hpp"
#include "sim/config/scenario_yaml.hpp"

namespace schoolsim::calibration {
namespace {

/// SplitMix64: a small, fully specified generator for the Latin hypercube.
struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)) % n; }
};

/// n points of a Latin hypercube in [0,1]^d (each axis cut into n strata, one point per stratum).
std::vector<std::vector<double>> latin_hypercube(std::size_t n, std::size_t d, std::uint64_t seed) {
  SplitMix rng{seed};
  std::vector<std::vector<double>> pts(n, std::vector<double>(d));
  for (std::size_t k = 0; k < d; ++k) {
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(i)]);
    for (std::size_t i = 0; i < n; ++i)
      pts[i][k] = (static_cast<double>(perm[i]) + rng.uniform()) / static_cast<double>(n);
  }
  return pts;
}

class Search {
 public:
  Search(const FitProblem& problem, const std::vector<ParamRange>& params, const FitOptions& options,
         WorldCache& worlds, const std::function<void(const FitEvaluation&)>& progress, FitResult& result)
      : problem_(problem), params_(params), options_(options), worlds_(worlds), progress_(progress), result_(result) {}

  std::vector<double> to_x(const std::vector<double>& u) const {
    std::vector<double> x(u.size());
    for (std::size_t k = 0; k < u.size(); ++k) {
      const auto& p = params_[k];
      const double v = p.lo + std::clamp(u[k], 0.0, 1.0) * (p.hi - p.lo);
      x[k] = p.integer ? std::round(v) : v;
    }
    return x;
  }

  bool budget_left() const { return static_cast<int>(result_.evaluations.size()) < options_.budget; }

  /// J at x (cached: a point evaluated before costs nothing).
  double j(const std::vector<double>& x, const char* stage) {
    if (auto it = cache_.find(x); it != cache_.end()) return result_.evaluations[it->second].objective;
    FitEvaluation e = evaluate_objective(problem_, params_, x, options_.replicates, worlds_);
    e.stage = stage;
    cache_[x] = result_.evaluations.size();
    result_.evaluations.push_back(e);
    if (e.objective < result_.evaluations[result_.best].objective) result_.best = result_.evaluations.size() - 1;
    if (progress_) progress_(result_.evaluations.back());
    return e.objective;
  }

  void nelder_mead(std::vector<double> start, int evaluations) {
    const std::size_t d = start.size();
    const int stop_at = static_cast<int>(result_.evaluations.size()) + evaluations;
    auto more = [&] { return static_cast<int>(result_.evaluations.size()) < stop_at && budget_left(); };
    auto clamp = [](std::vector<double> u) {
      for (double& v : u) v = std::clamp(v, 0.0, 1.0);
      return u;
    };
    std::vector<std::vector<double>> simplex{start};
    for (std::size_t k = 0; k < d; ++k) {
      auto v = start;
      v[k] += v[k] + 0.15 <= 1.0 ? 0.15 : -0.15;
      simplex.push_back(v);
    }
    std::vector<double> f;
    for (const auto& v : simplex) {
      if (!more()) return;
      f.push_back(j(to_x(v), "nelder-mead"));
    }
    while (more()) {
      std::vector<std::size_t> order(simplex.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return f[a] < f[b]; });
      std::vector<std::vector<double>> s2;
      std::vector<double> f2;
      for (auto k : order) s2.push_back(simplex[k]), f2.push_back(f[k]);
      simplex = s2;
      f = f2;
      double size = 0;
      for (std::size_t k = 1; k < simplex.size(); ++k)
        for (std::size_t m = 0; m < d; ++m) size = std::max(size, std::abs(simplex[k][m] - simplex[0][m]));
      if (size < 1e-3) return;
      std::vector<double> centroid(d, 0.0);
      for (std::size_t k = 0; k < d; ++k)
        for (std::size_t m = 0; m < d; ++m) centroid[m] += simplex[k][m] / static_cast<double>(d);
      auto along = [&](double t) {
        std::vector<double> v(d);
        for (std::size_t m = 0; m < d; ++m) v[m] = centroid[m] + t * (simplex[d][m] - centroid[m]);
        return clamp(v);
      };
      const auto xr = along(-1.0);
      const double fr = j(to_x(xr), "nelder-mead");
      if (fr < f[0]) {
        if (!more()) return;
        const auto xe = along(-2.0);
        const double fe = j(to_x(xe), "nelder-mead");
        if (fe < fr)
          simplex[d] = xe, f[d] = fe;
        else
          simplex[d] = xr, f[d] = fr;
      } else if (fr < f[d - 1]) {
        simplex[d] = xr, f[d] = fr;
      } else {
        if (!more()) return;
        const auto xc = fr < f[d] ? along(-0.5) : along(0.5);
        const double fc = j(to_x(xc), "nelder-mead");
        if (fc < std::min(fr, f[d])) {
          simplex[d] = xc, f[d] = fc;
        } else {  // shrink toward the best vertex
          for (std::size_t k = 1; k <= d && more(); ++k) {
            for (std::size_t m = 0; m < d; ++m) simplex[k][m] = simplex[0][m] + 0.5 * (simplex[k][m] - simplex[0][m]);
            f[k] = j(to_x(simplex[k]), "nelder-mead");
          }
        }
      }
    }
  }

  void identify() {
    const FitEvaluation best = result_.evaluations[result_.best];
    const double jb = best.objective;
    for (std::size_t k = 0; k < params_.size(); ++k) {
      const auto& p = params_[k];
      Identification id;
      double h = 0.05 * (p.hi - p.lo);
      if (p.integer) h = std::max(1.0, std::round(h));
      id.step = h;
      auto at = [&](double v) {
        auto x = best.x;
        x[k] = v;
        return j(x, "identification");
      };
      const double x0 = best.x[k];
      if (h > 0 && budget_left()) {
        if (x0 - h >= p.lo && x0 + h <= p.hi) {
          id.j_minus = at(x0 - h);
          id.j_plus = budget_left() ? at(x0 + h) : id.j_minus;
          id.curvature = (id.j_plus - 2 * jb + id.j_minus) / (h * h);
        } else {  // at a bound: one-sided second difference, inward
          const double s = x0 - h >= p.lo ? -h : h;
          id.j_minus = at(x0 + s);
          id.j_plus = budget_left() ? at(x0 + 2 * s) : id.j_minus;
          id.curvature = (id.j_plus - 2 * id.j_minus + jb) / (h * h);
        }
      }
      id.half_width = id.curvature > 0 ? std::sqrt(2.0 / id.curvature) : std::numeric_limits<double>::infinity();
      result_.identification.push_back(id);
    }
    // The spread of good points, after every evaluation is in.
    const double cut = jb + std::max(1.0, 0.1 * jb);
    for (std::size_t k = 0; k < params_.size(); ++k) {
      auto& id = result_.identification[k];
      id.good_lo = std::numeric_limits<double>::infinity();
      id.good_hi = -id.good_lo;
      for (const auto& e : result_.evaluations)
        if (e.objective <= cut) {
          id.good_lo = std::min(id.good_lo, e.x[k]);
          id.good_hi = std::max(id.good_hi, e.x[k]);
          ++id.good_points;
        }
    }
  }

 private:
  const FitProblem& problem_;
  const std::vector<ParamRange>& params_;
  const FitOptions& options_;
  WorldCache& worlds_;
  const std::function<void(const FitEvaluation&)>& progress_;
  FitResult& result_;
  std::map<std::vector<double>, std::size_t> cache_;
};

}  // namespace

ParamRange parse_param_range(const std::string& text) {
  const auto eq = text.find('='), colon = text.find(':', eq == std::string::npos ? 0 : eq);
  const std::string where = "--params '" + text + "'";
  if (eq == std::string::npos || eq == 0 || colon == std::string::npos)
    throw config::ConfigError({config::Problem({where}, "", "expected KEY=LOW:HIGH, e.g. brokering.w_gap=0:3")});
  ParamRange r;
  r.key = text.substr(0, eq);
  const std::string lo = text.substr(eq + 1, colon - eq - 1), hi = text.substr(colon + 1);
  if (!config::read_real(lo, r.lo) || !config::read_real(hi, r.hi))
    throw config::ConfigError({config::Problem({where}, "", "the bounds must be numbers (KEY=LOW:HIGH)")});
  if (!(r.lo < r.hi)) throw config::ConfigError({config::Problem({where}, "", "LOW must be below HIGH")});
  // The key must name a number of the scenario parameters, and both bounds must be accepted.
  Scenario s = default_scenario();
  if (config::parameter_type(r.key, s) == "integer") {
    r.integer = true;
    if (r.lo != std::round(r.lo) || r.hi != std::round(r.hi))
      throw config::ConfigError(
          {config::Problem({where}, "", r.key + " is an integer parameter; give integer bounds")});
  }
  config::apply_override(s, r.key + "=" + config::format_number(r.lo));
  config::apply_override(s, r.key + "=" + config::format_number(r.hi));
  return r;
}

FitEvaluation evaluate_objective(const FitProblem& problem, const std::vector<ParamRange>& params,
                                 const std::vector<double>& x, int replicates, WorldCache& worlds) {
  std::vector<std::string> overrides = problem.base_overrides;
  for (std::size_t k = 0; k < params.size(); ++k)
    overrides.push_back(params[k].key + "=" +
                        (params[k].integer ? std::to_string(static_cast<long long>(x[k])) : config::format_real(x[k])));
  ScenarioLibrary library(problem.scenario_dir, problem.relative_to, overrides);
  const CheckReport report = run_check(problem.targets, library, worlds, replicates);
  FitEvaluation e;
  e.x = x;
  for (std::size_t k = 0; k < report.results.size(); ++k) {
    const auto& r = report.results[k];
    e.values.push_back(r.value);
    e.discrepancy.push_back(r.discrepancy);
    e.objective += r.spec.weight * r.discrepancy * r.discrepancy;
    e.passed += r.pass ? 1 : 0;
  }
  return e;
}

FitResult fit(const FitProblem& problem, const std::vector<ParamRange>& params, const FitOptions& options,
              WorldCache& worlds, const std::function<void(const FitEvaluation&)>& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  FitResult result;
  result.params = params;
  for (const auto& t : problem.targets.targets) result.target_ids.push_back(t.id);
  if (params.empty()) throw config::ConfigError({config::Problem({"--params"}, "", "give at least one KEY=LOW:HIGH")});
  if (options.budget < 1) throw config::ConfigError({config::Problem({"--budget"}, "", "at least 1 evaluation")});
  const std::size_t d = params.size();
  const int identification = static_cast<int>(2 * d);
  const int hypercube = std::clamp(std::max(static_cast<int>(2 * d + 2), options.budget / 2), 1,
                                   std::max(1, options.budget - identification));
  Search search(problem, params, options, worlds, progress, result);
  for (const auto& u : latin_hypercube(static_cast<std::size_t>(hypercube), d, options.seed)) {
    if (!search.budget_left()) break;
    search.j(search.to_x(u), "hypercube");
  }
  // Nelder-Mead starts from the best hypercube point (in unit-cube coordinates).
  std::vector<double> start(d);
  for (std::size_t k = 0; k < d; ++k)
    start[k] = (result.evaluations[result.best].x[k] - params[k].lo) / (params[k].hi - params[k].lo);
  const int local = options.budget - static_cast<int>(result.evaluations.size()) - identification;
  if (local > 0) search.nelder_mead(start, local);
  search.identify();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace schoolsim::calibration
