#include "sim/experiment/runs.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "models/partnerships.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/run/driver.hpp"
#include "sim/experiment/counterfactual.hpp"
#include "sim/io/world_builder.hpp"

namespace schoolsim::calibration {

void RunNeeds::merge(const RunNeeds& other) {
  terms = std::max(terms, other.terms);
  snapshots.insert(other.snapshots.begin(), other.snapshots.end());
  every_term = every_term || other.every_term;
}

const Snapshot& Trace::at(int term) const {
  const auto it = snapshots.find(term);
  if (it == snapshots.end())
    throw std::logic_error("calibration: no snapshot of term " + std::to_string(term) + " in the run of " +
                           (scenario ? scenario->name : std::string("?")));
  return it->second;
}

SupplyDemand supply_demand(const Scenario& s, const World& w, const State& st) {
  const SupportRoles roles = support_roles(s, w, st);
  SupplyDemand out;
  for (int i = 0; i < w.n; ++i) {
    out.supporters[w.phase[i]] += roles.can_support[i];
    out.in_need[w.phase[i]] += roles.needs_support[i];
  }
  const auto& nl = w.neighbours;
  for (int i : w.phase_members[static_cast<int>(Phase::Secondary)]) {
    if (!roles.needs_support[i]) continue;
    int count = 0;
    for (auto e = nl.begin(i); e < nl.end_within(i, s.brokering.broker_radius_km); ++e) {
      const int j = nl.index[e];
      if (roles.can_support[j] && (s.brokering.cross_border || w.la[j] == w.la[i])) ++count;
    }
    out.secondary_supporters_nearby.push_back(count);
  }
  return out;
}

namespace {

Snapshot snapshot(const World& w, const State& st) {
  Snapshot s;
  s.term = st.term;
  s.attainment = st.attainment;
  s.grade = st.grade;
  s.n_partnerships = st.n_partnerships;
  s.governance = st.governance;
  s.mat = st.mat;
  const std::size_t np = st.partnerships.size();
  s.active.resize(np);
  s.funded.resize(np);
  s.trust.resize(np);
  for (std::size_t k = 0; k < np; ++k) {
    const Partnership& p = st.partnerships[k];
    s.active[k] = p.active;
    s.funded[k] = p.funded;
    s.trust[k] = p.active ? mean_member_trust(w, st, p) : 0.0;
  }
  return s;
}

void governance_shares(const State& st, double& academy_share, double& mat_share) {
  const std::size_t n = st.governance.size();
  std::size_t academies = 0, in_mat = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool academy = st.governance[i] != static_cast<std::int8_t>(Governance::Maintained) || st.mat[i] >= 0;
    if (!academy) continue;
    ++academies;
    if (st.mat[i] >= 0 && st.partnerships[st.mat[i]].members.size() >= 2) ++in_mat;
  }
  academy_share = n ? static_cast<double>(academies) / static_cast<double>(n) : 0.0;
  mat_share = academies ? static_cast<double>(in_mat) / static_cast<double>(academies) : 0.0;
}

}  // namespace

namespace {

/// The calibration statistics' view of a run: governance shares every term, the supply and
/// demand of support at term 0, and snapshots of the terms the statistics asked for.
class TraceReporter : public run::Reporter {
 public:
  TraceReporter(Trace& trace, const RunNeeds& needs) : trace_(trace), needs_(needs) {}
  void report(const run::Snapshot& now) override {
    if (now.term == 0) trace_.term0 = supply_demand(now.scenario, now.world, now.state);
    double academies = 0, in_mats = 0;
    governance_shares(now.state, academies, in_mats);
    trace_.academy_share.push_back(academies);
    trace_.mat_share.push_back(in_mats);
    std::array<double, kPhases> own{};
    for (int ph = 0; ph < kPhases; ++ph)
      own[ph] = now.state.intake[ph] > 0 ? now.state.intake_at_origin[ph] / now.state.intake[ph]
                                         : std::numeric_limits<double>::quiet_NaN();
    trace_.own_school_share.push_back(own);
    if (needs_.every_term || needs_.snapshots.count(now.term))
      trace_.snapshots.emplace(now.term, snapshot(now.world, now.state));
  }

 private:
  Trace& trace_;
  const RunNeeds& needs_;
};

}  // namespace

Trace trace_run(std::shared_ptr<const Scenario> s, std::shared_ptr<const World> w, std::uint32_t replicate,
                const RunNeeds& needs) {
  Trace tr;
  tr.scenario = s;
  tr.world = w;
  tr.replicate = replicate;
  tr.terms = needs.terms;
  run::RunDescription description{*s, static_cast<std::uint64_t>(s->run.seed), replicate};
  description.scenario.run.terms = needs.terms;  // as long as the statistics need, not the scenario says
  Recorder rec(*w, needs.terms, false);
  TraceReporter tracer(tr, needs);
  run::RunOutcome outcome = run::drive(description, *w, {&rec, &tracer});
  tr.overall = std::move(rec.overall);
  tr.phases = std::move(rec.phases);
  tr.system = std::move(rec.system);
  tr.partnerships = std::move(outcome.final_state.partnerships);
  tr.events = std::move(outcome.final_state.events);
  return tr;
}

ScenarioLibrary::ScenarioLibrary(std::filesystem::path dir, std::filesystem::path relative_to,
                                 std::vector<std::string> overrides)
    : dir_(std::move(dir)), relative_to_(std::move(relative_to)), overrides_(std::move(overrides)) {}

std::shared_ptr<const Scenario> ScenarioLibrary::get(const std::string& name) {
  if (auto it = loaded_.find(name); it != loaded_.end()) return it->second;
  std::shared_ptr<const Scenario> s;
  const std::string suffix = kCounterfactualSuffix;
  if (name.size() > suffix.size() && name.ends_with(suffix)) {
    const std::string base = name.substr(0, name.size() - suffix.size());
    s = std::make_shared<const Scenario>(evaluation::counterfactual_scenario(*get(base)));
    folders_[name] = folders_.at(base);
  } else {
    std::filesystem::path path =
        name.ends_with(".yaml") || name.ends_with(".yml") ? std::filesystem::path(name) : dir_ / (name + ".yaml");
    if (path.is_relative() && (name.ends_with(".yaml") || name.ends_with(".yml"))) path = relative_to_ / path;
    if (!std::filesystem::exists(path))
      throw config::ConfigError(
          {config::Problem({path.string()}, "", "no such scenario file (scenario '" + name + "'; see --scenarios)")});
    s = std::make_shared<const Scenario>(config::load_scenario_file(path, overrides_));
    folders_[name] = path.parent_path();
  }
  loaded_[name] = s;
  return s;
}

std::filesystem::path ScenarioLibrary::folder(const std::string& name) const {
  const auto it = folders_.find(name);
  return it == folders_.end() ? std::filesystem::path() : it->second;
}

std::shared_ptr<const World> WorldCache::get(const Scenario& s, const std::filesystem::path& scenario_folder) {
  // The world depends on the world parameters (regions only through build_world's checks of
  // a file world's LAs), the world file and the neighbour radius.
  Scenario key_scenario = default_scenario();
  key_scenario.world = s.world;
  key_scenario.brokering.las = s.brokering.las;
  const auto radius = required_neighbour_radius(s);
  const std::string key = std::to_string(radius[0]) + "/" + std::to_string(radius[1]) + "\n" +
                          world_file_path(s, scenario_folder).string() + "\n" + config::to_yaml(key_scenario);
  std::lock_guard lock(mutex_);
  auto& slot = worlds_[key];
  if (!slot) slot = std::make_shared<const World>(build_world(s, scenario_folder));
  return slot;
}

void RunPlan::need(const std::string& name, const RunNeeds& needs) { needs_[name].merge(needs); }

void RunPlan::run(ScenarioLibrary& library, WorldCache& worlds, int replicates,
                  const std::function<void(int, const TraceSet&)>& reduce) const {
  // Resolve names; scenarios identical apart from name and description share one run.
  struct Job {
    std::shared_ptr<const Scenario> scenario;
    std::shared_ptr<const World> world;
    std::filesystem::path folder;
    RunNeeds needs;
  };
  std::map<std::string, Job> jobs;                 // by parameter text
  std::map<std::string, std::string> job_of_name;  // scenario name -> job key
  for (const auto& [name, needs] : needs_) {
    auto s = library.get(name);
    const auto folder = library.folder(name);
    Scenario keyed = *s;
    keyed.name.clear();
    keyed.description.clear();
    const std::string key = config::to_yaml(keyed);
    auto [it, fresh] = jobs.try_emplace(key + "\n" + folder.string(), Job{s, nullptr, folder, needs});
    if (!fresh) it->second.needs.merge(needs);
    job_of_name[name] = key + "\n" + folder.string();
  }
  for (auto& [key, job] : jobs) job.world = worlds.get(*job.scenario, job.folder);  // built before the parallel runs
  std::vector<const Job*> order;
  std::vector<std::string> keys;
  for (const auto& [key, job] : jobs) order.push_back(&job), keys.push_back(key);

  tbb::parallel_for(0, replicates, [&](int r) {
    std::vector<Trace> traces(order.size());
    tbb::parallel_for(std::size_t{0}, order.size(), [&](std::size_t k) {
      const Job& job = *order[k];
      traces[k] =
          trace_run(job.scenario, job.world, static_cast<std::uint32_t>(job.scenario->run.replicate + r), job.needs);
    });
    TraceSet set;
    for (const auto& [name, key] : job_of_name) {
      const auto pos = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
      set[name] = &traces[pos];
    }
    reduce(r, set);
  });
}

}  // namespace schoolsim::calibration
