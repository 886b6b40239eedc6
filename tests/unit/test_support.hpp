#pragma once
// Helpers shared by the unit tests: small scenarios, small synthetic worlds, hand-built tiny
// worlds, and a Context around a run state so one submodel can be called on its own.
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "models/context.hpp"
#include "models/partnerships.hpp"
#include "models/submodels.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/run/initial_state.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::test {

/// A validated scenario on a small synthetic world (300 primary + 60 secondary schools in
/// 4 LAs on a 60 x 40 km plane, dense enough that choice and broker radii hold neighbours),
/// with `overrides` in `--set` syntax applied after the small-world defaults, over the YAML
/// document `yaml` (for structured lists such as programmes).
inline Scenario small_scenario(const std::vector<std::string>& overrides = {}, const std::string& yaml = "") {
  std::vector<std::string> all = {"world.n_primary=300", "world.n_secondary=60", "world.n_las=4",
                                  "world.width_km=60",   "world.height_km=40",   "run.terms=12"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  return config::load_scenario_text(yaml, "test", all);
}

/// A scenario, its world and one run's state. Contexts are made on demand, so a Sim may be
/// copied (the copy's contexts refer to the copy).
struct Sim {
  Scenario s;
  World w;
  State st;
  std::uint64_t seed = 42;

  explicit Sim(Scenario scenario, std::uint64_t run_seed = 42)
      : s(std::move(scenario)),
        w(build_synthetic_world(s.world, required_neighbour_radius(s))),
        st(initial_state(s, w, run_seed, 0)),
        seed(run_seed) {}

  /// Wraps an existing world (e.g. a tiny hand-built one).
  Sim(Scenario scenario, World world, std::uint64_t run_seed = 42)
      : s(std::move(scenario)), w(std::move(world)), st(initial_state(s, w, run_seed, 0)), seed(run_seed) {}

  /// A context for `term`, with this state's need/support cut-offs (as the engine computes them).
  Context ctx(int term) {
    Context c{s, w, st, term, seed, 0, {}};
    c.thresholds = need_thresholds(s, w, st);
    return c;
  }

  /// One term in the engine's phase order (sim/run/engine.cpp), with an optional hook called
  /// just before brokered formation (to snapshot the state the brokers see).
  void step(const std::function<void(Context&)>& before_brokered = {}) {
    Context c{s, w, st, st.term + 1, seed, 0, {}};
    pay_funding(c);
    enrol_pupils(c);
    update_capacity(c);
    c.thresholds = need_thresholds(s, w, st);
    run_lifecycle(c);
    form_families(c);
    if (before_brokered) before_brokered(c);
    form_brokered(c);
    form_self_organised(c);
    join_mats(c);
    collaborate(c);
    practise(c);
    update_attainment(c);
    inspect(c);
    st.term = c.term;
  }
};

/// Re-sets the need and support cut-offs from the current (hand-set) attainment with the
/// function the engine uses at run start, for a test that sets attainment by hand and wants
/// the cut-offs to be the standard of that state.
inline void reset_need_cutoffs(Sim& sim) { set_need_cutoffs(sim.s, sim.w, sim.st); }

/// One school of a hand-built world.
struct SchoolSpec {
  double x = 0, y = 0;
  int phase = 0;
  int la = 0;
  double disadvantage = 0.15;
  double places = 300;
};

/// A tiny world with the given schools; neighbour lists cover `radius` km in both phases.
inline World tiny_world(const std::vector<SchoolSpec>& schools, int n_las = 1, double radius = 20.0) {
  World w;
  w.n = static_cast<int>(schools.size());
  w.n_las = n_las;
  w.width_km = w.height_km = 100;
  double dsum = 0;
  for (int i = 0; i < w.n; ++i) {
    const auto& sc = schools[i];
    w.phase.push_back(static_cast<std::int8_t>(sc.phase));
    w.la.push_back(sc.la);
    w.x.push_back(sc.x);
    w.y.push_back(sc.y);
    w.disadvantage.push_back(sc.disadvantage);
    w.places.push_back(sc.places);
    w.phase_members[sc.phase].push_back(i);
    dsum += sc.disadvantage;
  }
  w.mean_disadvantage = w.n ? dsum / w.n : 0.0;
  w.neighbours = build_neighbour_lists(w.x, w.y, w.phase, {radius, radius});
  return w;
}

/// Makes every school alike and unremarkable (maintained, grade 2, expertise 0.5, capacity
/// 0.5, openness 0.7, attainment 0, rolls 0.9 x places, no stored trust), so a test sets
/// only what it is about.
inline void flatten(State& st) {
  const auto n = st.pupils.size();
  for (std::size_t i = 0; i < n; ++i) {
    st.pupils[i] = 0.9 * st.places[i];
    for (int d = 0; d < kDomains; ++d) st.expertise(static_cast<Eigen::Index>(i), d) = 0.5;
    st.effectiveness[i] = st.noise[i] = st.attainment[i] = 0.0;
    st.capacity[i] = 0.5;
    st.openness[i] = 0.7;
    st.boost[i] = 0.0;
    st.grade[i] = 2;
    st.last_inspected[i] = 0;
    st.governance[i] = static_cast<std::int8_t>(Governance::Maintained);
    st.inadequate_since[i] = -1;
  }
  st.trust.clear();
}

/// flatten() on a run's state, then its need and support cut-offs re-set from the flattened
/// attainment (0 everywhere: nobody is below the need cut-off, everybody reaches the support
/// cut-off), as they would be had the run started from this state.
inline void flatten(Sim& sim) {
  flatten(sim.st);
  reset_need_cutoffs(sim);
}

/// Forms a partnership of `type` over `members` (members[0] gives when `support`).
inline std::int32_t add_partnership(Context& c, PartnershipType type, std::vector<std::int32_t> members,
                                    bool support = false, int programme = -1) {
  Partnership p;
  p.type = type;
  p.support = support;
  p.members = std::move(members);
  p.programme = programme;
  p.funded = programme >= 0;
  p.grant_until = c.term + c.s.lifecycle.partnership_terms;
  p.first_unfunded_term = p.funded ? std::numeric_limits<std::int32_t>::max() : c.term + 1;
  return form_partnership(c, p);
}

/// Sets the stored trust of a pair.
inline void set_trust(const World& w, State& st, std::int32_t i, std::int32_t j, double t) { st.trust.set(w, i, j, t); }

/// Sum of a vector.
inline double total(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

}  // namespace schoolsim::test
