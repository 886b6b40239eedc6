#include "sim/evaluation/designs.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

namespace schoolsim::evaluation {
namespace {

constexpr double kZ95 = 1.959963984540054;

Estimate finish(double est, double var, int n_treated, int n_controls) {
  Estimate e;
  e.n_treated = n_treated;
  e.n_controls = n_controls;
  if (n_treated == 0) return e;
  e.estimate = est;
  e.se = std::sqrt(std::max(var, 0.0));
  e.lo = est - kZ95 * e.se;
  e.hi = est + kZ95 * e.se;
  return e;
}

/// Treated units grouped by (phase, start), in order.
std::map<std::pair<int, int>, std::vector<int>> cells(const Panel& p, const DesignOptions& o) {
  std::map<std::pair<int, int>, std::vector<int>> out;
  for (const auto& u : treated_units(p, o)) out[{p.phase[u.school], u.start}].push_back(u.school);
  return out;
}

std::vector<int> controls_of(const Panel& p, int phase, int start, const DesignOptions& o) {
  std::vector<int> out;
  for (int j = 0; j < p.n; ++j)
    if (p.phase[j] == phase && clean_control(p, j, start, o)) out.push_back(j);
  return out;
}

double sd_of(const std::vector<double>& v) {
  if (v.size() < 2) return 1.0;
  double m = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  s = std::sqrt(s / static_cast<double>(v.size()));
  return s > 1e-12 ? s : 1.0;
}

/// Cell-level comparison of treated and clean controls on an outcome per (school, start):
/// sum over cells of (n_T / N_T) (mean_T - mean_C), with a school-clustered influence-function variance.
template <class Outcome>
Estimate cell_difference(const Panel& p, const DesignOptions& o, Outcome&& outcome) {
  const auto groups = cells(p, o);
  struct Cell {
    std::vector<int> treated, controls;
    std::vector<double> yt, yc;
    int start;
  };
  std::vector<Cell> used;
  int n_treated = 0;
  for (const auto& [key, treated] : groups) {
    Cell c;
    c.start = key.second;
    c.controls = controls_of(p, key.first, key.second, o);
    if (c.controls.empty()) continue;
    c.treated = treated;
    for (int i : c.treated) c.yt.push_back(outcome(i, c.start));
    for (int j : c.controls) c.yc.push_back(outcome(j, c.start));
    n_treated += static_cast<int>(treated.size());
    used.push_back(std::move(c));
  }
  if (n_treated == 0) return finish(0, 0, 0, 0);
  std::vector<double> influence(static_cast<std::size_t>(p.n), 0.0);
  std::vector<char> is_control(static_cast<std::size_t>(p.n), 0);
  double est = 0;
  const double nt_all = n_treated;
  for (const Cell& c : used) {
    const double w = static_cast<double>(c.treated.size()) / nt_all;
    double mt = 0, mc = 0;
    for (double y : c.yt) mt += y;
    for (double y : c.yc) mc += y;
    mt /= static_cast<double>(c.yt.size());
    mc /= static_cast<double>(c.yc.size());
    est += w * (mt - mc);
    for (std::size_t k = 0; k < c.treated.size(); ++k) influence[c.treated[k]] += (c.yt[k] - mt) / nt_all;
    for (std::size_t k = 0; k < c.controls.size(); ++k) {
      influence[c.controls[k]] -= w * (c.yc[k] - mc) / static_cast<double>(c.yc.size());
      is_control[c.controls[k]] = 1;
    }
  }
  double var = 0;
  for (double v : influence) var += v * v;
  int n_controls = 0;
  for (char c : is_control) n_controls += c;
  return finish(est, var, n_treated, n_controls);
}

}  // namespace

const char* to_string(Design d) {
  switch (d) {
    case Design::Matched: return "matched_comparison";
    case Design::DiD: return "event_time_did";
    case Design::Naive: return "naive_comparison";
  }
  return "?";
}

void check_options(const DesignOptions& o) {
  if (o.pre < 1) throw std::invalid_argument("the pre-period needs at least one term (pre >= 1)");
  if (o.horizon < 1) throw std::invalid_argument("the horizon needs at least one term (horizon >= 1)");
  if (o.post_width < 1 || o.post_width > o.horizon)
    throw std::invalid_argument("the outcome window must have 1..horizon terms (post_width)");
}

std::vector<TreatedUnit> treated_units(const Panel& p, const DesignOptions& o) {
  std::vector<TreatedUnit> out;
  for (int i = 0; i < p.n; ++i) {
    const int s = p.first_treated[i];
    if (s == kNeverTreated || s < 1 || s - o.pre < 0 || s + o.horizon > p.terms) continue;
    out.push_back({i, s});
  }
  if (o.sample > 0 && static_cast<int>(out.size()) > o.sample) {
    // A partial Fisher-Yates shuffle with SplitMix64 draws, then school order again.
    std::uint64_t state = o.sample_seed ^ 0x5DEECE66Dull;
    auto next = [&state] {
      std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    for (int k = 0; k < o.sample; ++k) {
      const auto span = static_cast<std::uint64_t>(out.size()) - static_cast<std::uint64_t>(k);
      std::swap(out[k], out[k + static_cast<std::size_t>(next() % span)]);
    }
    out.resize(static_cast<std::size_t>(o.sample));
    std::sort(out.begin(), out.end(), [](const TreatedUnit& a, const TreatedUnit& b) { return a.school < b.school; });
  }
  return out;
}

bool clean_control(const Panel& p, int j, int start, const DesignOptions& o) {
  const int f = p.first_treated[j];
  return f == kNeverTreated || f > start + o.horizon;
}

double pre_mean(const Panel& p, int i, int start, const DesignOptions& o) {
  double s = 0;
  for (int t = start - o.pre; t < start; ++t) s += p.y(t, i);
  return s / o.pre;
}

double post_mean(const Panel& p, int i, int start, const DesignOptions& o) {
  double s = 0;
  for (int t = start + o.horizon - o.post_width + 1; t <= start + o.horizon; ++t) s += p.y(t, i);
  return s / o.post_width;
}

Estimate matched_comparison(const Panel& p, const DesignOptions& o) {
  check_options(o);
  const auto groups = cells(p, o);
  std::vector<double> tau;
  double var_reuse = 0;
  std::vector<char> used_control(static_cast<std::size_t>(p.n), 0);
  for (const auto& [key, treated] : groups) {
    const int start = key.second;
    const auto controls = controls_of(p, key.first, start, o);
    if (controls.empty()) continue;
    std::vector<double> cx, cd, cy;
    for (int j : controls) {
      cx.push_back(pre_mean(p, j, start, o));
      cd.push_back(p.disadvantage[j]);
      cy.push_back(post_mean(p, j, start, o));
    }
    const double sx = sd_of(cx), sdd = sd_of(cd);
    auto nearest = [&](double x, double d, std::size_t skip) {
      std::size_t best = controls.size();
      double best_dist = std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < controls.size(); ++k) {
        if (k == skip) continue;
        const double dx = (cx[k] - x) / sx, dd = (cd[k] - d) / sdd;
        const double dist = dx * dx + dd * dd;
        if (dist < best_dist) best_dist = dist, best = k;  // ties: the lower id (controls are in id order)
      }
      return best;
    };
    std::vector<int> times_used(controls.size(), 0);
    for (int i : treated) {
      const std::size_t m = nearest(pre_mean(p, i, start, o), p.disadvantage[i], controls.size());
      ++times_used[m];
      used_control[controls[m]] = 1;
      tau.push_back(post_mean(p, i, start, o) - cy[m]);
    }
    for (std::size_t k = 0; k < controls.size(); ++k) {
      const int kk = times_used[k];
      if (kk < 2) continue;
      const std::size_t l = nearest(cx[k], cd[k], k);
      const double s2 = l < controls.size() ? 0.5 * (cy[k] - cy[l]) * (cy[k] - cy[l]) : 0.0;
      var_reuse += static_cast<double>(kk * kk - kk) * s2;
    }
  }
  const int n1 = static_cast<int>(tau.size());
  if (n1 == 0) return finish(0, 0, 0, 0);
  double mean = 0;
  for (double t : tau) mean += t;
  mean /= n1;
  double ss = 0;
  for (double t : tau) ss += (t - mean) * (t - mean);
  int n_controls = 0;
  for (char c : used_control) n_controls += c;
  const double n1d = n1;
  return finish(mean, (ss + var_reuse) / (n1d * n1d), n1, n_controls);
}

Estimate event_time_did(const Panel& p, const DesignOptions& o) {
  check_options(o);
  return cell_difference(p, o, [&](int i, int start) { return post_mean(p, i, start, o) - pre_mean(p, i, start, o); });
}

Estimate naive_comparison(const Panel& p, const DesignOptions& o) {
  check_options(o);
  return cell_difference(p, o, [&](int i, int start) { return post_mean(p, i, start, o); });
}

Estimate estimate(Design d, const Panel& p, const DesignOptions& o) {
  switch (d) {
    case Design::Matched: return matched_comparison(p, o);
    case Design::DiD: return event_time_did(p, o);
    case Design::Naive: return naive_comparison(p, o);
  }
  return {};
}

double true_att(const Panel& treated, const Panel& counterfactual, const DesignOptions& o) {
  check_options(o);
  if (treated.n != counterfactual.n || counterfactual.terms < treated.terms)
    throw std::invalid_argument("true_att: the counterfactual panel does not match the treated run");
  // Only units the designs use (those with clean controls in their cell) would be comparable;
  // the true effect is over every treated unit, so a design that drops cells is visibly off.
  const auto units = treated_units(treated, o);
  if (units.empty()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0;
  for (const auto& u : units)
    s += post_mean(treated, u.school, u.start, o) - post_mean(counterfactual, u.school, u.start, o);
  return s / static_cast<double>(units.size());
}

}  // namespace schoolsim::evaluation
