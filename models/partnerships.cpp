#include "models/partnerships.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace schoolsim {

double pair_trust(const World& w, const State& st, std::int32_t i, std::int32_t j) {
  return st.trust.value(w, i, j, baseline_trust(st, i, j));
}

double pair_trust_at(const World& w, const State& st, std::int32_t i, std::int64_t e) {
  return st.trust.value_at(w, i, e, baseline_trust(st, i, w.neighbours.index[e]));
}

double pair_competition(const World& w, const State& st, std::int32_t i, std::int32_t j) {
  if (st.competition.empty()) return 0.0;
  const auto& nl = w.neighbours;
  for (auto e = nl.begin(i); e < nl.end(i); ++e)
    if (nl.index[e] == j) return st.competition[e];
  return 0.0;
}

/// The stored-trust entry of member pair (a, b): from p's cache when it matches the members
/// (partnerships made by form_partnership), else searched.
static std::int64_t member_pair_entry(const World& w, const Partnership& p, std::size_t a, std::size_t b) {
  if (a > b) std::swap(a, b);
  const std::size_t n = p.members.size();
  if (p.pair_entries.size() == n * (n - 1) / 2) return p.pair_entries[member_pair_index(a, b, n)];
  return TrustStore::pair_entry(w, p.members[a], p.members[b]);
}

double member_pair_trust(const World& w, const State& st, const Partnership& p, std::size_t a, std::size_t b) {
  const int i = p.members[a], j = p.members[b];
  return st.trust.value_of(member_pair_entry(w, p, a, b), i, j, baseline_trust(st, i, j));
}

double& member_pair_trust_slot(const World& w, State& st, const Partnership& p, std::size_t a, std::size_t b) {
  const int i = p.members[a], j = p.members[b];
  return st.trust.slot_of(member_pair_entry(w, p, a, b), i, j, baseline_trust(st, i, j));
}

/// Fills p's cache of member pair entries (after its members changed).
static void cache_pair_entries(const World& w, Partnership& p) {
  p.pair_entries.clear();
  for_member_pairs(p, [&](int i, int j) { p.pair_entries.push_back(TrustStore::pair_entry(w, i, j)); });
}

double mean_member_trust(const World& w, const State& st, const Partnership& p) {
  double sum = 0;
  const std::size_t n = p.members.size();
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a + 1; b < n; ++b) sum += member_pair_trust(w, st, p, a, b);
  const std::size_t pairs = n * (n - 1) / 2;
  return pairs ? sum / static_cast<double>(pairs) : 0.0;
}

double mean_member_capacity(const State& st, const Partnership& p) {
  double sum = 0;
  for (int m : p.members) sum += st.capacity[m];
  return p.members.empty() ? 0.0 : sum / static_cast<double>(p.members.size());
}

double min_member_capacity(const State& st, const Partnership& p) {
  double lo = std::numeric_limits<double>::infinity();
  for (int m : p.members) lo = std::min(lo, st.capacity[m]);
  return p.members.empty() ? 0.0 : lo;
}

bool in_need(const World& w, const State& st, const NeedThresholds& t, std::int32_t i) {
  return st.grade[i] >= 3 || st.attainment[i] < t.need[w.phase[i]];
}

bool can_support(const Scenario& s, const World& w, const State& st, const NeedThresholds& t, std::int32_t i) {
  return st.grade[i] <= 2 && st.attainment[i] >= t.support[w.phase[i]] &&
         st.capacity[i] >= s.brokering.min_capacity_to_give && st.giving[i] < s.brokering.max_give &&
         st.receiving[i] < 0;
}

SupportRoles support_roles(const Scenario& s, const World& w, const State& st) {
  const NeedThresholds t = need_thresholds(s, w, st);
  SupportRoles roles;
  roles.can_support.assign(static_cast<std::size_t>(w.n), 0);
  roles.needs_support.assign(static_cast<std::size_t>(w.n), 0);
  for (int i = 0; i < w.n; ++i) {
    roles.can_support[i] = can_support(s, w, st, t, i) ? 1 : 0;
    roles.needs_support[i] = in_need(w, st, t, i) && st.receiving[i] < 0 ? 1 : 0;
  }
  return roles;
}

NeedThresholds need_thresholds(const Scenario&, const World&, const State& st) {
  // A fixed standard set on initial attainment (sim/run/initial_state.cpp), not quantiles
  // recomputed each term: a national quantile let a regional programme move who is in need
  // hundreds of kilometres away (issue 16.4, MODEL.md 7.5).
  NeedThresholds t;
  t.need = st.need_cutoff;
  t.support = st.support_cutoff;
  return t;
}

static void record(Context& c, const Partnership& p, std::int8_t kind, EndReason reason,
                   std::vector<std::int32_t> members) {
  c.st.events.push_back(Event{c.term, kind, p.id, static_cast<std::int8_t>(p.type), p.broker,
                              static_cast<std::int16_t>(p.programme), static_cast<std::int8_t>(reason),
                              std::move(members)});
}

static void add_member(State& st, Partnership& p, std::int32_t m) {
  ++st.n_partnerships[m];
  if (p.type == PartnershipType::Mat) st.mat[m] = p.id;
  if (p.self_organised) st.self_network[m] = p.id;
}

std::int32_t form_partnership(Context& c, Partnership p) {
  State& st = c.st;
  p.id = static_cast<std::int32_t>(st.partnerships.size());
  p.active = true;
  p.start_term = c.term;
  if (p.support) {
    p.giver = p.members[0];
    ++st.giving[p.members[0]];
    st.receiving[p.members[1]] = p.id;
  }
  for (int m : p.members) add_member(st, p, m);
  cache_pair_entries(c.w, p);
  st.partnerships.push_back(p);
  record(c, st.partnerships.back(), 0, EndReason::NotEnded, p.members);
  return p.id;
}

void join_partnership(Context& c, std::int32_t id, std::int32_t school) {
  Partnership& p = c.st.partnerships[id];
  p.members.push_back(school);
  add_member(c.st, p, school);
  cache_pair_entries(c.w, p);
  record(c, p, 2, EndReason::NotEnded, {school});
}

void end_partnership(Context& c, std::int32_t id, EndReason reason) {
  State& st = c.st;
  Partnership& p = st.partnerships[id];
  if (!p.active) return;
  p.active = false;
  p.end_term = c.term;
  if (p.giver >= 0) --st.giving[p.giver];
  if (p.support && st.receiving[p.members[1]] == id) st.receiving[p.members[1]] = -1;
  for (int m : p.members) {
    --st.n_partnerships[m];
    if (st.mat[m] == id) st.mat[m] = -1;
    if (st.self_network[m] == id) st.self_network[m] = -1;
  }
  for_member_pairs(p,
                   [&](int i, int j) { st.cooldown_until[pair_key(i, j)] = c.term + c.s.lifecycle.rebroker_cooldown; });
  // Support for an inadequate school that its members let lapse (the hazard) is not imposed
  // again at once: the LA waits `rebroker_cooldown` terms before mandating support anew
  // (MODEL.md 7.4). Without this, closed schools had a fresh imposed pair every term.
  if (reason == EndReason::Hazard && p.support && !p.graduated && st.grade[p.members[1]] == 4)
    st.mandate_refused_until[p.members[1]] = c.term + c.s.lifecycle.rebroker_cooldown;
  record(c, p, 1, reason, p.members);
}

bool brokerable_pair(const State& st, std::int32_t i, std::int32_t j, int term) {
  const auto it = st.cooldown_until.find(pair_key(i, j));
  return it == st.cooldown_until.end() || term > it->second;
}

}  // namespace schoolsim
