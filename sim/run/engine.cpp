#include "sim/run/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>
#include <vector>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"
#include "sim/core/region_rules.hpp"
#include "sim/run/initial_state.hpp"

namespace schoolsim {

const char* to_string(StepPhase p) {
  static const char* names[] = {"funding",       "enrolment", "capacity",   "lifecycle",  "formation",
                                "collaboration", "practice",  "attainment", "inspection", "observation"};
  return names[static_cast<int>(p)];
}

Engine::Engine(Scenario s, const World& w, std::uint64_t seed, std::uint32_t replicate)
    : s_(with_region_rules_resolved(std::move(s), w)),
      w_(w),
      seed_(seed),
      replicate_(replicate),
      state_(initial_state(s_, w, seed, replicate)) {}

void Engine::step() {
  State& st = state_;
  Context c{s_, w_, st, st.term + 1, seed_, replicate_, {}, &choice_weights_};
  auto timed = [&](StepPhase phase, auto&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    profile_[static_cast<int>(phase)] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  timed(StepPhase::Funding, [&] { pay_funding(c); });
  timed(StepPhase::Enrolment, [&] { enrol_pupils(c); });
  timed(StepPhase::Capacity, [&] { update_capacity(c); });
  timed(StepPhase::Lifecycle, [&] {
    c.thresholds = need_thresholds(s_, w_, st);
    run_lifecycle(c);
  });
  timed(StepPhase::Formation, [&] {
    // MODEL.md section 3: brokered matching, self-organised partnering, MAT joining
    // (families form at programme start, before the brokers propose).
    form_families(c);
    form_brokered(c);
    form_self_organised(c);
    join_mats(c);
  });
  timed(StepPhase::Collaboration, [&] { collaborate(c); });
  timed(StepPhase::Practice, [&] { practise(c); });
  timed(StepPhase::Attainment, [&] { update_attainment(c); });
  timed(StepPhase::Inspection, [&] { inspect(c); });
  st.term = c.term;
}

namespace {
struct Fnv {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t k = 0; k < n; ++k) h = (h ^ b[k]) * 1099511628211ull;
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    bytes(v.data(), v.size() * sizeof(T));
  }
  template <class T>
  void value(const T& v) {
    bytes(&v, sizeof v);
  }
};
}  // namespace

std::uint64_t state_hash(const World& w, const State& st) {
  // Every field of State (but lookup caches), so that a change anywhere in a run shows
  // (tests/regression). Keep in step with sim/core/state.hpp: a new field belongs here too.
  Fnv f;
  f.value(st.term);
  f.vec(st.pupils), f.vec(st.places), f.vec(st.effectiveness), f.vec(st.noise), f.vec(st.attainment);
  f.vec(st.capacity), f.vec(st.openness), f.vec(st.funding), f.vec(st.boost), f.vec(st.grade);
  f.vec(st.last_inspected), f.vec(st.governance), f.vec(st.mat), f.vec(st.self_network), f.vec(st.receiving);
  f.vec(st.giving), f.vec(st.n_partnerships), f.vec(st.low_roll_terms), f.vec(st.inadequate_since);
  f.vec(st.mandate_refused_until);
  f.bytes(st.expertise.data(), static_cast<std::size_t>(st.expertise.size()) * sizeof(double));
  for (const auto& thresholds : st.grade_threshold) f.value(thresholds);
  f.value(st.need_cutoff), f.value(st.support_cutoff);
  f.value(st.mean_quality0), f.value(st.mean_disadvantage), f.value(st.funding_reference);
  f.vec(st.competition);
  for (const auto& [k, v] : st.trust.entries(w)) f.value(k), f.value(v);
  // A hash map's iteration order depends on its history: hash the cooldowns in key order.
  std::vector<std::pair<std::uint64_t, std::int32_t>> cooldowns(st.cooldown_until.begin(), st.cooldown_until.end());
  std::sort(cooldowns.begin(), cooldowns.end());
  for (const auto& [k, v] : cooldowns) f.value(k), f.value(v);
  for (const auto& p : st.partnerships) {
    f.value(p.id), f.value(p.type), f.value(p.support), f.value(p.family), f.value(p.self_organised);
    f.value(p.graduated), f.value(p.active), f.value(p.funded), f.value(p.sustain_test_due), f.value(p.giver);
    f.value(p.programme), f.value(p.broker), f.value(p.start_term), f.value(p.grant_until);
    f.value(p.first_unfunded_term), f.value(p.end_term), f.vec(p.members);  // pair_entries: a lookup cache, not state
  }
  for (const auto& e : st.events) {
    f.value(e.term), f.value(e.kind), f.value(e.partnership), f.value(e.type), f.value(e.broker);
    f.value(e.programme), f.value(e.reason), f.vec(e.members);
  }
  f.vec(st.programme_spent);
  f.value(st.money_spent), f.value(st.pupils_moved), f.value(st.intake), f.value(st.intake_at_origin);
  return f.h;
}

}  // namespace schoolsim
