// Long file: the catalogue of calibration statistics, one short function per target of
// scenarios/targets/*.yaml, each under a comment citing how MODEL.md and the seed define it;
// read side by side, they are one concept, and splitting them would scatter the catalogue.
#include "sim/calibration/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "models/metrics.hpp"
#include "models/submodels.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/core/region_rules.hpp"
#include "sim/evaluation/evaluate.hpp"

namespace schoolsim::calibration {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string fmt(double v, int digits = 3) {
  if (!std::isfinite(v)) return "n/a";
  std::ostringstream s;
  s.precision(digits);
  s << v;
  return s.str();
}

std::vector<double> column(const std::vector<std::vector<double>>& rows, std::size_t k) {
  std::vector<double> out;
  for (const auto& r : rows) out.push_back(k < r.size() ? r[k] : kNaN);
  return out;
}

double mean_finite(const std::vector<double>& v) {
  double s = 0;
  int n = 0;
  for (double x : v)
    if (std::isfinite(x)) s += x, ++n;
  return n ? s / n : kNaN;
}

void set_spread(TargetResult& out, const Spread& s) {
  out.mean = s.mean;
  out.sd = s.sd;
  out.p05 = s.p05;
  out.p95 = s.p95;
  out.replicates = s.n;
}

/// A share of k successes in n replicates: the share, its binomial SE and a 90% Wilson interval.
void set_share(TargetResult& out, int k, int n) {
  out.replicates = n;
  if (n == 0) return;
  const double p = static_cast<double>(k) / n, z = 1.6448536269514722;
  out.mean = p;
  out.sd = std::sqrt(p * (1 - p) / n);
  const double denom = 1 + z * z / n, centre = (p + z * z / (2.0 * n)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
  out.p05 = std::max(0.0, centre - half);
  out.p95 = std::min(1.0, centre + half);
}

std::shared_ptr<const Scenario> scenario_of(ScenarioLibrary& lib, const Roles& roles, const std::string& role) {
  return lib.get(roles.at(role));
}

RunNeeds needs(int terms, std::set<int> snapshots = {}) {
  RunNeeds n;
  n.terms = terms;
  n.snapshots = std::move(snapshots);
  return n;
}

const Trace& trace(const TraceSet& traces, const Roles& roles, const std::string& role) {
  return *traces.at(roles.at(role));
}

/// The programme a target studies: the first one with a region (else the first), or the
/// first with early closure when `closed` is set.
int find_programme(const Scenario& s, bool closed, const std::string& target) {
  for (std::size_t k = 0; k < s.programmes.size(); ++k)
    if (closed ? s.programmes[k].close_at > 0 : !s.programmes[k].region.empty()) return static_cast<int>(k);
  if (!closed && !s.programmes.empty()) return 0;
  throw config::ConfigError(
      {target + ": scenario '" + s.name + "' has no programme" + (closed ? " with early closure (close_at)" : "")});
}

double number_after(const std::string& text, const std::string& pattern, double fallback) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(pattern))) return std::stod(m[1]);
  return fallback;
}

// ---------------------------------------------------------------------------------------
// supply_demand_ratio: count(supporters) / count(in need) at term 0, brokers' rules.
class SupplyDemandRatio : public Statistic {
 public:
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    scenario_of(lib, roles, "scenario");
    plan.need(roles.at("scenario"), needs(0));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const auto& sd = trace(traces, roles, "scenario").term0;
    const double sup = sd.supporters[0] + sd.supporters[1], need = sd.in_need[0] + sd.in_need[1];
    return {need > 0 ? sup / need : kNaN, sup, need};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    out.details = "supporters " + fmt(mean_finite(column(rows, 1)), 5) + ", schools in need " +
                  fmt(mean_finite(column(rows, 2)), 5) + " (means over replicates, term 0)";
  }
};

// supporters_nearby: median over secondary schools in need of the supporters in the broker's
// candidate set at term 0; the model value is the mean of the replicates' medians.
class SupportersNearby : public Statistic {
 public:
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    scenario_of(lib, roles, "scenario");
    plan.need(roles.at("scenario"), needs(0));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const auto& v = trace(traces, roles, "scenario").term0.secondary_supporters_nearby;
    if (v.empty()) return {kNaN, 0};
    std::vector<double> d(v.begin(), v.end());
    return {metrics::quantile(d, 0.5), static_cast<double>(v.size())};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    out.details = "mean over " + std::to_string(s.n) + " replicates of the median; " +
                  fmt(mean_finite(column(rows, 1)), 4) + " secondary schools in need";
  }
};

// partnership_size: share of partnerships active at the last term with 2..8 members.
class PartnershipSize : public Statistic {
 public:
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    plan.need(roles.at("scenario"), needs(scenario_of(lib, roles, "scenario")->run.terms));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    int active = 0, sized = 0;
    for (const auto& p : trace(traces, roles, "scenario").partnerships) {
      if (!p.active) continue;
      ++active;
      sized += p.members.size() >= 2 && p.members.size() <= 8 ? 1 : 0;
    }
    return {active ? static_cast<double>(sized) / active : kNaN, static_cast<double>(active)};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    out.details = fmt(mean_finite(column(rows, 1)), 5) + " active partnerships at the last term (mean)";
  }
};

// mat_share_of_academies: share of academies in a MAT of >= 2 schools at the first term the
// academy share exceeds the threshold of the scenario text (0.25).
class MatShare : public Statistic {
 public:
  explicit MatShare(const TargetSpec& t)
      : threshold_(number_after(t.scenario_text, R"(exceeds\s+([0-9]*\.?[0-9]+))", 0.25)) {}
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    plan.need(roles.at("scenario"), needs(scenario_of(lib, roles, "scenario")->run.terms));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const Trace& tr = trace(traces, roles, "scenario");
    for (std::size_t t = 0; t < tr.academy_share.size(); ++t)
      if (tr.academy_share[t] > threshold_) return {tr.mat_share[t], static_cast<double>(t), tr.academy_share[t]};
    return {kNaN, kNaN, tr.academy_share.empty() ? kNaN : tr.academy_share.back()};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    if (s.n == 0)
      out.details = "the academy share never exceeded " + fmt(threshold_) + " (final share " +
                    fmt(mean_finite(column(rows, 2))) + ")";
    else
      out.details = "academy share first above " + fmt(threshold_) + " at term " + fmt(mean_finite(column(rows, 1))) +
                    " (mean; " + std::to_string(s.n) + "/" + std::to_string(rows.size()) + " replicates reached it)";
  }

 private:
  double threshold_;
};

// outstanding_academies_support: share of schools graded 1 at the start of the last
// `window` terms that are in at least one partnership (any type) at the end of some term of
// the window.
class OutstandingSupport : public Statistic {
 public:
  explicit OutstandingSupport(const TargetSpec& t)
      : window_(static_cast<int>(number_after(t.statistic_text, R"(([0-9]+)-term window)", 9))) {}
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    const int terms = scenario_of(lib, roles, "scenario")->run.terms;
    std::set<int> snaps;
    for (int t = std::max(0, terms - window_); t <= terms; ++t) snaps.insert(t);
    plan.need(roles.at("scenario"), needs(terms, snaps));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const Trace& tr = trace(traces, roles, "scenario");
    const int first = std::max(0, tr.terms - window_);
    const Snapshot& start = tr.at(first);
    int graded1 = 0, partnered = 0;
    for (std::size_t i = 0; i < start.grade.size(); ++i) {
      if (start.grade[i] != 1) continue;
      ++graded1;
      for (int t = std::min(first + 1, tr.terms); t <= tr.terms; ++t)
        if (tr.at(t).n_partnerships[i] > 0) {
          ++partnered;
          break;
        }
    }
    return {graded1 ? static_cast<double>(partnered) / graded1 : kNaN, static_cast<double>(graded1)};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    out.details = fmt(mean_finite(column(rows, 1)), 5) + " grade-1 schools at the start of the last " +
                  std::to_string(window_) + " terms (mean)";
  }

 private:
  int window_;
};

/// The programme window and region shared by the Greater Manchester targets.
struct ProgrammeWindow {
  int before = 0;  ///< the term before the programme starts (its state is the baseline of the change)
  int end = 0;     ///< the programme's last funded term
  std::string name;
  bool every_la = true;            ///< the programme has no region
  std::vector<int> listed;         ///< its region's LAs, when given as a list
  std::optional<RegionRule> rule;  ///< or its region's rule, evaluated on each world

  void resolve(const Scenario& s, const std::string& target) {
    const Programme& p = s.programmes[find_programme(s, false, target)];
    before = std::max(0, p.start - 1);
    end = programme_last_funded_term(p);
    name = p.name;
    every_la = p.region.empty();
    if (const auto found = s.world.region_rules.find(p.region); found != s.world.region_rules.end())
      rule = found->second;
    else if (!every_la)
      listed = s.world.regions.at(p.region);
  }
  /// Per LA of w: 1 if it lies in the programme's region.
  std::vector<char> region_flags(const World& w) const {
    std::vector<char> flags(static_cast<std::size_t>(w.n_las), every_la ? 1 : 0);
    if (every_la) return flags;
    for (int la : rule ? evaluate_region_rule(*rule, w) : listed)
      if (la >= 0 && la < w.n_las) flags[static_cast<std::size_t>(la)] = 1;
    return flags;
  }
};

// gm_outstanding_primary / _secondary: difference in differences of the share of grade-1
// schools of a phase in the programme region, programme scenario vs control (baseline), from
// the term before the programme to its last funded term.
class GmOutstanding : public Statistic {
 public:
  explicit GmOutstanding(int phase) : phase_(phase) {}
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    window_.resolve(*scenario_of(lib, roles, "programme"),
                    phase_ == 0 ? "gm_outstanding_primary" : "gm_outstanding_secondary");
    scenario_of(lib, roles, "control");
    plan.need(roles.at("programme"), needs(window_.end, {window_.before, window_.end}));
    plan.need(roles.at("control"), needs(window_.end, {window_.before, window_.end}));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const Trace& prog = trace(traces, roles, "programme");
    const Trace& ctrl = trace(traces, roles, "control");
    const World& w = *prog.world;
    const std::vector<char> in_region = window_.region_flags(w);
    auto share = [&](const Trace& tr, int term) {
      const Snapshot& s = tr.at(term);
      int n = 0, g1 = 0;
      for (int i = 0; i < w.n; ++i) {
        if (w.phase[i] != phase_ || !in_region[w.la[i]]) continue;
        ++n;
        g1 += s.grade[i] == 1 ? 1 : 0;
      }
      return n ? static_cast<double>(g1) / n : kNaN;
    };
    const double dp = share(prog, window_.end) - share(prog, window_.before);
    const double dc = share(ctrl, window_.end) - share(ctrl, window_.before);
    return {dp - dc, dp, dc, share(prog, window_.before), share(prog, window_.end)};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    out.details = "region grade-1 share " + fmt(mean_finite(column(rows, 3))) + " -> " +
                  fmt(mean_finite(column(rows, 4))) + " (terms " + std::to_string(window_.before) + "-" +
                  std::to_string(window_.end) + "); change " + fmt(mean_finite(column(rows, 1))) +
                  " with the programme, " + fmt(mean_finite(column(rows, 2))) + " without";
  }

 private:
  int phase_;
  ProgrammeWindow window_;
};

// gm_disadvantaged_faster (seed 003 L64, as the targets file states it): in the programme
// run alone, the mean attainment gain over the programme window of the region's
// most-disadvantaged schools (per phase, the top fifth by d of the region's schools of that
// phase) divided by the mean gain of the schools outside the region of the same phase with d
// at or above that phase's cut-off ("equivalent schools across England"). Model value: the
// mean over replicates of the per-replicate ratio.
class GmDisadvantagedFaster : public Statistic {
 public:
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    window_.resolve(*scenario_of(lib, roles, "programme"), "gm_disadvantaged_faster");
    plan.need(roles.at("programme"), needs(window_.end, {window_.before, window_.end}));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const Trace& prog = trace(traces, roles, "programme");
    const World& w = *prog.world;
    const Snapshot &a0 = prog.at(window_.before), &a1 = prog.at(window_.end);
    const std::vector<char> in_region = window_.region_flags(w);
    double sum_in = 0, sum_out = 0;
    int n_in = 0, n_out = 0;
    for (int ph = 0; ph < kPhases; ++ph) {
      std::vector<int> region;
      for (int i : w.phase_members[ph])
        if (in_region[w.la[i]]) region.push_back(i);
      const std::size_t top = region.size() / 5;
      if (top == 0) continue;
      // The top fifth by d (ties by id); the cut-off is the smallest d in it.
      std::stable_sort(region.begin(), region.end(),
                       [&](int a, int b) { return w.disadvantage[a] > w.disadvantage[b]; });
      const double cut = w.disadvantage[region[top - 1]];
      for (std::size_t k = 0; k < top; ++k) sum_in += a1.attainment[region[k]] - a0.attainment[region[k]], ++n_in;
      for (int i : w.phase_members[ph])
        if (!in_region[w.la[i]] && w.disadvantage[i] >= cut) sum_out += a1.attainment[i] - a0.attainment[i], ++n_out;
    }
    if (n_in == 0 || n_out == 0) return {kNaN, kNaN, kNaN, 0, 0};
    const double g_in = sum_in / n_in, g_out = sum_out / n_out;
    return {g_out != 0 ? g_in / g_out : kNaN, g_in, g_out, static_cast<double>(n_in), static_cast<double>(n_out)};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    out.details = "attainment gain (terms " + std::to_string(window_.before) + "-" + std::to_string(window_.end) +
                  "): region's most-disadvantaged fifth " + fmt(mean_finite(column(rows, 1))) + " (" +
                  fmt(mean_finite(column(rows, 3)), 4) + " schools) vs outside the region at or above the same d " +
                  fmt(mean_finite(column(rows, 2))) + " (" + fmt(mean_finite(column(rows, 4)), 5) +
                  " schools), pupil SD; mean of per-replicate ratios";
  }

 private:
  ProgrammeWindow window_;
};

// own_school_share: the share of the primary intake placed at its origin school at the
// first enrolment (term 1), MODEL.md 7.2; mean over replicates.
class OwnSchoolShare : public Statistic {
 public:
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    scenario_of(lib, roles, "scenario");
    plan.need(roles.at("scenario"), needs(1));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const auto& own = trace(traces, roles, "scenario").own_school_share;
    return {own.size() > 1 ? own[1][static_cast<int>(Phase::Primary)] : kNaN,
            own.size() > 1 ? own[1][static_cast<int>(Phase::Secondary)] : kNaN};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    out.details = "primary intake at its origin school at term 1 (secondary " + fmt(mean_finite(column(rows, 1))) + ")";
  }
};

// gm_effect_concentrated_on_disadvantaged (extension target): per region school, the programme's effect on its
// attainment gain over the programme (DiD against the control run with common random numbers); the mean effect for the
// most-disadvantaged quintile of region schools divided by the mean effect for the other region schools. Model value:
// ratio of the mean effects over replicates.
class GmEffectConcentrated : public Statistic {
 public:
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    window_.resolve(*scenario_of(lib, roles, "programme"), "gm_effect_concentrated_on_disadvantaged");
    scenario_of(lib, roles, "control");
    plan.need(roles.at("programme"), needs(window_.end, {window_.before, window_.end}));
    plan.need(roles.at("control"), needs(window_.end, {window_.before, window_.end}));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const Trace& prog = trace(traces, roles, "programme");
    const Trace& ctrl = trace(traces, roles, "control");
    const World& w = *prog.world;
    const std::vector<char> in_region = window_.region_flags(w);
    std::vector<int> region;
    for (int i = 0; i < w.n; ++i)
      if (in_region[w.la[i]]) region.push_back(i);
    if (region.size() < 5) return {kNaN, kNaN, kNaN};
    // Most-disadvantaged quintile of region schools: the top fifth by d (ties by id).
    std::vector<int> order = region;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return w.disadvantage[a] > w.disadvantage[b]; });
    const std::size_t top = order.size() / 5;
    const Snapshot &p0 = prog.at(window_.before), &p1 = prog.at(window_.end);
    const Snapshot &c0 = ctrl.at(window_.before), &c1 = ctrl.at(window_.end);
    double sum_top = 0, sum_rest = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      const int i = order[k];
      const double effect = (p1.attainment[i] - p0.attainment[i]) - (c1.attainment[i] - c0.attainment[i]);
      (k < top ? sum_top : sum_rest) += effect;
    }
    const double e_top = sum_top / static_cast<double>(top),
                 e_rest = sum_rest / static_cast<double>(order.size() - top);
    return {e_top, e_rest, e_rest != 0 ? e_top / e_rest : kNaN};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    set_spread(out, spread(column(rows, 2)));
    const double top = mean_finite(column(rows, 0)), rest = mean_finite(column(rows, 1));
    out.value = rest != 0 ? top / rest : kNaN;
    out.details = "programme effect on the attainment gain: most-disadvantaged quintile " + fmt(top) +
                  ", other region schools " + fmt(rest) + " (pupil SD; ratio of means; spread of per-replicate ratios)";
  }

 private:
  ProgrammeWindow window_;
};

std::array<double, 3> polarisation(const Trace& tr) {
  const ScopeMetrics& m = tr.overall.back();
  return {m.attainment_sd, m.attainment_p90_p10, m.der_polarisation};
}

// brokered_reduces_polarisation: share of paired replicates with treatment - control < 0 at
// the last term, for SD, P90-P10 and DER; the model value is the smallest of the three.
class BrokeredReducesPolarisation : public Statistic {
 public:
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    const int t = scenario_of(lib, roles, "treatment")->run.terms;
    const int c = scenario_of(lib, roles, "control")->run.terms;
    if (t != c)
      throw config::ConfigError({"brokered_reduces_polarisation: the paired scenarios run for different terms (" +
                                 std::to_string(t) + " and " + std::to_string(c) + ")"});
    plan.need(roles.at("treatment"), needs(t));
    plan.need(roles.at("control"), needs(t));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const auto a = polarisation(trace(traces, roles, "treatment")), b = polarisation(trace(traces, roles, "control"));
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    static const char* names[] = {"SD", "P90-P10", "DER"};
    int worst = static_cast<int>(rows.size());
    std::string details;
    for (std::size_t k = 0; k < 3; ++k) {
      const auto col = column(rows, k);
      const int neg = static_cast<int>(std::count_if(col.begin(), col.end(), [](double v) { return v < 0; }));
      worst = std::min(worst, neg);
      details += std::string(k ? "; " : "") + names[k] + " lower in " + std::to_string(neg) + "/" +
                 std::to_string(rows.size()) + " (mean difference " + fmt(mean_finite(col)) + ")";
    }
    set_share(out, worst, static_cast<int>(rows.size()));
    out.value = rows.empty() ? kNaN : static_cast<double>(worst) / static_cast<double>(rows.size());
    out.details = details;
  }
};

double mean_cross_quartile(const Trace& tr) {
  double s = 0;
  int n = 0;
  for (std::size_t t = 1; t < tr.system.size(); ++t)
    if (std::isfinite(tr.system[t].cross_quartile_share)) s += tr.system[t].cross_quartile_share, ++n;
  return n ? s / n : kNaN;
}

// self_organised_does_not_depolarise: (a) the share of partnerships linking different
// attainment quartiles (mean over terms 1..T) is lower under self_organised than under
// la_brokered; (b) SD at the last term, self_organised - market, is not negative in at least
// the given share of paired replicates. Model value: the share of (b); PASS needs (a) too.
class SelfOrganisedNoDepolarisation : public Statistic {
 public:
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    const int t = scenario_of(lib, roles, "self_organised")->run.terms;
    for (const char* role : {"brokered", "market"})
      if (scenario_of(lib, roles, role)->run.terms != t)
        throw config::ConfigError(
            {"self_organised_does_not_depolarise: the compared scenarios run for different terms"});
    for (const char* role : {"self_organised", "brokered", "market"}) plan.need(roles.at(role), needs(t));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const Trace& so = trace(traces, roles, "self_organised");
    return {mean_cross_quartile(so), mean_cross_quartile(trace(traces, roles, "brokered")),
            so.overall.back().attainment_sd - trace(traces, roles, "market").overall.back().attainment_sd};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const auto so = column(rows, 0), lb = column(rows, 1), d = column(rows, 2);
    int lower = 0, not_negative = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      lower += so[r] < lb[r] ? 1 : 0;
      not_negative += d[r] >= 0 ? 1 : 0;
    }
    set_share(out, not_negative, static_cast<int>(rows.size()));
    out.value = rows.empty() ? kNaN : static_cast<double>(not_negative) / static_cast<double>(rows.size());
    a_holds_ = mean_finite(so) < mean_finite(lb);
    out.details = "(a) cross-quartile share " + fmt(mean_finite(so)) + " self-organised vs " + fmt(mean_finite(lb)) +
                  " brokered (lower in " + std::to_string(lower) + "/" + std::to_string(rows.size()) +
                  " pairs): " + (a_holds_ ? "holds" : "FAILS") + "; (b) SD self-organised - market not negative in " +
                  std::to_string(not_negative) + "/" + std::to_string(rows.size()) + " (mean " + fmt(mean_finite(d)) +
                  ")";
  }
  bool conditions_hold() const override { return a_holds_; }

 private:
  bool a_holds_ = false;
};

// funding_cliff: share of the programme's partnerships active at closure (end of the last
// funded term) still active 6 terms after closure, pooled over replicates; and whether the
// survival share is higher for the partnerships whose mean trust at closure is above the
// median than for the others.
class FundingCliff : public Statistic {
 public:
  explicit FundingCliff(const TargetSpec& t)
      : after_(static_cast<int>(number_after(t.statistic_text, R"(([0-9]+) terms after)", 6))) {}
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    const auto s = scenario_of(lib, roles, "scenario");
    programme_ = find_programme(*s, true, "funding_cliff");
    closure_ = s->programmes[programme_].close_at;
    plan.need(roles.at("scenario"), needs(closure_ + after_, {closure_ - 1, closure_ + after_}));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const Trace& tr = trace(traces, roles, "scenario");
    const Snapshot &at_close = tr.at(closure_ - 1), &later = tr.at(closure_ + after_);
    std::vector<double> row{0, 0};
    for (std::size_t k = 0; k < at_close.active.size(); ++k) {
      if (!at_close.active[k] || tr.partnerships[k].programme != programme_) continue;
      const bool alive = later.active[k] != 0;
      row[0] += 1;
      row[1] += alive ? 1 : 0;
      row.push_back(at_close.trust[k]);
      row.push_back(alive ? 1.0 : 0.0);
    }
    return row;
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    std::vector<double> shares;
    std::vector<std::pair<double, double>> pairs;  // (trust at closure, survived)
    double n = 0, alive = 0;
    for (const auto& r : rows) {
      n += r[0];
      alive += r[1];
      shares.push_back(r[0] > 0 ? r[1] / r[0] : kNaN);
      for (std::size_t k = 2; k + 1 < r.size(); k += 2) pairs.emplace_back(r[k], r[k + 1]);
    }
    set_spread(out, spread(shares));
    out.value = n > 0 ? alive / n : kNaN;
    // Survival above vs at-or-below the median trust at closure, and the correlation.
    std::vector<double> trust;
    for (const auto& p : pairs) trust.push_back(p.first);
    double hi_n = 0, hi_alive = 0, lo_n = 0, lo_alive = 0, corr = kNaN;
    if (!trust.empty()) {
      const double median = metrics::quantile(trust, 0.5);
      for (const auto& [t, a] : pairs) {
        if (t > median)
          hi_n += 1, hi_alive += a;
        else
          lo_n += 1, lo_alive += a;
      }
      double mt = 0, ma = 0;
      for (const auto& [t, a] : pairs) mt += t, ma += a;
      mt /= static_cast<double>(pairs.size());
      ma /= static_cast<double>(pairs.size());
      double sta = 0, stt = 0, saa = 0;
      for (const auto& [t, a] : pairs)
        sta += (t - mt) * (a - ma), stt += (t - mt) * (t - mt), saa += (a - ma) * (a - ma);
      corr = stt > 0 && saa > 0 ? sta / std::sqrt(stt * saa) : kNaN;
    }
    hi_share_ = hi_n > 0 ? hi_alive / hi_n : kNaN;
    lo_share_ = lo_n > 0 ? lo_alive / lo_n : kNaN;
    out.details = fmt(alive, 6) + " of " + fmt(n, 6) + " funded partnerships active " + std::to_string(after_) +
                  " terms after closure (no grant from term " + std::to_string(closure_) + ", survival at term " +
                  std::to_string(closure_ + after_) + "); surviving: " + fmt(hi_share_) +
                  " with trust at closure above the median vs " + fmt(lo_share_) + " at or below (" +
                  (trust_relation() ? "higher" : "NOT higher") + "); correlation of survival with trust " + fmt(corr);
  }
  bool conditions_hold() const override { return trust_relation(); }
  bool trust_relation() const { return std::isfinite(hi_share_) && std::isfinite(lo_share_) && hi_share_ > lo_share_; }

 private:
  int after_;
  int programme_ = 0, closure_ = 0;
  double hi_share_ = kNaN, lo_share_ = kNaN;
};

// mixed_effects: the matched-comparison evaluation (sim/evaluation) of a study of
// kStudySample treated schools (Chapman & Muijs 2014 matched 264 federated schools) on each
// replicate, in each of up to three scenarios ("in at least one default scenario"); per
// scenario, the width of the 90% interval of the estimates across replicates divided by the
// absolute true mean effect on the treated. The model value is the largest ratio (PASS when
// above 1: the spread of study results is wider than the effect itself).
class MixedEffects : public Statistic {
 public:
  static constexpr int kStudySample = 264;
  static constexpr const char* kRoles[] = {"scenario", "scenario_2", "scenario_3"};

  MixedEffects() { options_.design.sample = kStudySample; }
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    for (std::size_t k = 0; k < std::size(kRoles); ++k) {
      const std::string& name = names_[k] = roles.at(kRoles[k]);
      if (name == "none") continue;
      const int terms = lib.get(name)->run.terms;
      plan.need(name, evaluation::evaluation_needs(terms));
      plan.need(name + kCounterfactualSuffix, evaluation::evaluation_needs(terms));
    }
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    std::vector<double> row;
    for (const char* role : kRoles) {
      const std::string& name = roles.at(role);
      if (name == "none") {
        row.insert(row.end(), {kNaN, kNaN, kNaN, kNaN});
        continue;
      }
      const auto r =
          evaluation::evaluate_replicate(*traces.at(name), *traces.at(name + kCounterfactualSuffix), options_);
      const auto& e = r.estimates[static_cast<int>(evaluation::Design::Matched)];
      row.insert(row.end(), {e.estimate, r.true_att, e.se, static_cast<double>(r.n_treated)});
    }
    return row;
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    out.details = "matched comparison, studies of " + std::to_string(kStudySample) +
                  " treated schools (any partnership; "
                  "outcome event times " +
                  std::to_string(options_.design.horizon - options_.design.post_width + 1) + ".." +
                  std::to_string(options_.design.horizon) + "); 90% interval of estimates vs true mean effect:";
    for (std::size_t k = 0; k < std::size(kRoles); ++k) {
      const Spread est = spread(column(rows, 4 * k));
      if (est.n == 0) continue;
      const double truth = mean_finite(column(rows, 4 * k + 1)), width = est.p95 - est.p05;
      const double ratio = truth != 0 && est.n >= 2 ? width / std::abs(truth) : kNaN;
      if (std::isfinite(ratio) && !(ratio <= out.value)) {
        out.value = ratio;
        set_spread(out, est);
      }
      out.details += std::string(k ? ";" : "") + " " + names_[k] + " [" + fmt(est.p05) + ", " + fmt(est.p95) +
                     "] (width " + fmt(width) + ") vs " + fmt(truth) + " -> " + fmt(ratio);
    }
    if (rows.size() < 20) out.details += " (fewer than 20 replicates)";
  }

 private:
  evaluation::EvaluationOptions options_{};
  std::array<std::string, 3> names_;
};

// stationary_mean / stationary_spread / stationary_gap (extension targets, docs/MODEL.md 7.7;
// scenarios/targets/stationarity.yaml): the drift of the no-policy system over its run, the
// mean's change in units of the initial SD, and the relative changes of the between-school
// SD and of the disadvantage gap from term 0 to the last term; mean over replicates.
class Drift : public Statistic {
 public:
  enum class Kind { Mean, Spread, Gap };
  explicit Drift(Kind kind) : kind_(kind) {}
  void plan(const Roles& roles, ScenarioLibrary& lib, RunPlan& plan) override {
    plan.need(roles.at("scenario"), needs(scenario_of(lib, roles, "scenario")->run.terms));
  }
  std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const override {
    const Trace& tr = trace(traces, roles, "scenario");
    const ScopeMetrics &a = tr.overall.front(), &b = tr.overall.back();
    switch (kind_) {
      case Kind::Mean:
        return {(b.attainment_mean - a.attainment_mean) / a.attainment_sd, a.attainment_mean, b.attainment_mean};
      case Kind::Spread: return {b.attainment_sd / a.attainment_sd - 1.0, a.attainment_sd, b.attainment_sd};
      case Kind::Gap: return {b.disadvantage_gap / a.disadvantage_gap - 1.0, a.disadvantage_gap, b.disadvantage_gap};
    }
    return {};
  }
  void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) override {
    const Spread s = spread(column(rows, 0));
    set_spread(out, s);
    out.value = s.mean;
    static const char* names[] = {"mean attainment", "between-school SD", "disadvantage gap"};
    out.details = std::string(names[static_cast<int>(kind_)]) + " " + fmt(mean_finite(column(rows, 1))) + " -> " +
                  fmt(mean_finite(column(rows, 2))) + " over the run (means over replicates)";
  }

 private:
  Kind kind_;
};

struct Entry {
  const char* id;
  Roles roles;
  std::function<std::unique_ptr<Statistic>(const TargetSpec&)> make;
  std::function<Criterion(const TargetSpec&)> criterion;
};

Criterion at_least(double a) {
  Criterion c;
  c.kind = Criterion::Kind::AtLeast;
  c.a = a;
  return c;
}

Criterion share_rule(const TargetSpec& t, double fallback) {
  if (t.value_is_number) return at_least(t.value);
  return at_least(share_at_least(t.value_text, fallback));
}

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
      {"supply_demand_ratio",
       {{"scenario", "baseline"}},
       [](const TargetSpec&) { return std::make_unique<SupplyDemandRatio>(); },
       numeric_criterion},
      {"supporters_nearby",
       {{"scenario", "baseline"}},
       [](const TargetSpec&) { return std::make_unique<SupportersNearby>(); },
       numeric_criterion},
      {"partnership_size",
       {{"scenario", "self_organised"}},
       [](const TargetSpec&) { return std::make_unique<PartnershipSize>(); },
       numeric_criterion},
      {"mat_share_of_academies",
       {{"scenario", "academisation"}},
       [](const TargetSpec& t) { return std::make_unique<MatShare>(t); },
       numeric_criterion},
      {"outstanding_academies_support",
       {{"scenario", "self_organised"}},
       [](const TargetSpec& t) { return std::make_unique<OutstandingSupport>(t); },
       numeric_criterion},
      {"gm_outstanding_primary",
       {{"programme", "city_challenge"}, {"control", "baseline"}},
       [](const TargetSpec&) { return std::make_unique<GmOutstanding>(0); },
       numeric_criterion},
      {"gm_outstanding_secondary",
       {{"programme", "city_challenge"}, {"control", "baseline"}},
       [](const TargetSpec&) { return std::make_unique<GmOutstanding>(1); },
       numeric_criterion},
      {"gm_disadvantaged_faster",
       {{"programme", "city_challenge"}},
       [](const TargetSpec&) { return std::make_unique<GmDisadvantagedFaster>(); },
       numeric_criterion},
      {"gm_effect_concentrated_on_disadvantaged",
       {{"programme", "city_challenge"}, {"control", "baseline"}},
       [](const TargetSpec&) { return std::make_unique<GmEffectConcentrated>(); },
       numeric_criterion},
      {"own_school_share",
       {{"scenario", "baseline"}},
       [](const TargetSpec&) { return std::make_unique<OwnSchoolShare>(); },
       numeric_criterion},
      {"brokered_reduces_polarisation",
       {{"treatment", "la_brokered"}, {"control", "market"}},
       [](const TargetSpec&) { return std::make_unique<BrokeredReducesPolarisation>(); },
       [](const TargetSpec& t) { return share_rule(t, 0.9); }},
      {"self_organised_does_not_depolarise",
       {{"self_organised", "self_organised"}, {"brokered", "la_brokered"}, {"market", "market"}},
       [](const TargetSpec&) { return std::make_unique<SelfOrganisedNoDepolarisation>(); },
       [](const TargetSpec& t) { return share_rule(t, 0.5); }},
      {"funding_cliff",
       {{"scenario", "early_closure"}},
       [](const TargetSpec& t) { return std::make_unique<FundingCliff>(t); },
       [](const TargetSpec& t) {
         Criterion c;
         double lo = 0, hi = 0;
         if (t.value_is_number) return numeric_criterion(t);
         if (!find_between(t.value_text, lo, hi))
           throw config::ConfigError({config::Problem{
               t.where, "funding_cliff", "expected 'between A and B' in the value, got '" + t.value_text + "'", ""}});
         c.kind = Criterion::Kind::Between;
         c.a = lo;
         c.b = hi;
         c.strict = t.value_text.find("strictly") != std::string::npos;
         return c;
       }},
      {"stationary_mean",
       {{"scenario", "baseline~counterfactual"}},
       [](const TargetSpec&) { return std::make_unique<Drift>(Drift::Kind::Mean); },
       numeric_criterion},
      {"stationary_spread",
       {{"scenario", "baseline~counterfactual"}},
       [](const TargetSpec&) { return std::make_unique<Drift>(Drift::Kind::Spread); },
       numeric_criterion},
      {"stationary_gap",
       {{"scenario", "baseline~counterfactual"}},
       [](const TargetSpec&) { return std::make_unique<Drift>(Drift::Kind::Gap); },
       numeric_criterion},
      {"mixed_effects",
       {{"scenario", "la_brokered"}, {"scenario_2", "baseline"}, {"scenario_3", "self_organised"}},
       [](const TargetSpec&) { return std::make_unique<MixedEffects>(); },
       [](const TargetSpec& t) {
         Criterion c;
         c.kind = Criterion::Kind::Above;
         c.a = t.value_is_number ? t.value : 1.0;
         return c;
       }},
  };
  return entries;
}

const Entry& entry(const std::string& id) {
  for (const auto& e : registry())
    if (id == e.id) return e;
  throw std::invalid_argument("unknown calibration target '" + id + "'");
}

}  // namespace

Spread spread(const std::vector<double>& values) {
  std::vector<double> v;
  for (double x : values)
    if (std::isfinite(x)) v.push_back(x);
  Spread s;
  s.n = static_cast<int>(v.size());
  if (v.empty()) return s;
  s.mean = metrics::mean(v);
  s.sd = v.size() > 1 ? metrics::sd(v) * std::sqrt(static_cast<double>(v.size()) / (v.size() - 1.0)) : 0.0;
  s.p05 = metrics::quantile(v, 0.05);
  s.p95 = metrics::quantile(v, 0.95);
  return s;
}

bool is_known_statistic(const std::string& id) {
  return std::any_of(registry().begin(), registry().end(), [&](const Entry& e) { return id == e.id; });
}

std::vector<std::string> known_statistics() {
  std::vector<std::string> out;
  for (const auto& e : registry()) out.push_back(e.id);
  return out;
}

Roles statistic_roles(const std::string& id) { return entry(id).roles; }

Roles target_roles(const TargetSpec& t) {
  Roles r = statistic_roles(t.id);
  for (const auto& [role, name] : t.scenarios) r[role] = name;
  return r;
}

Criterion target_criterion(const TargetSpec& t) { return entry(t.id).criterion(t); }

void check_criterion(const TargetSpec& t) { (void)target_criterion(t); }

std::unique_ptr<Statistic> make_statistic(const TargetSpec& t) { return entry(t.id).make(t); }

}  // namespace schoolsim::calibration
