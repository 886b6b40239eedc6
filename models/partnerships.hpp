#pragma once
// Operations on partnerships shared by the submodels: forming, ending, trust and the
// need/support rules of MODEL.md 7.5.
#include <cstdint>

#include "models/context.hpp"

namespace schoolsim {

/// Pair trust: the stored value, or the baseline theta_i * theta_j for pairs never met.
double pair_trust(const World& w, const State& st, std::int32_t i, std::int32_t j);
/// The same for school i and the school at its neighbour entry e (no search).
double pair_trust_at(const World& w, const State& st, std::int32_t i, std::int64_t e);
/// Baseline trust of a pair that has never met: theta_i * theta_j.
inline double baseline_trust(const State& st, std::int32_t i, std::int32_t j) {
  return st.openness[i] * st.openness[j];
}
/// Competition comp_ij from the last enrolment (0 beyond the choice radius).
double pair_competition(const World& w, const State& st, std::int32_t i, std::int32_t j);
/// Calls f(i, j) for every pair of members (in member order).
template <class F>
void for_member_pairs(const Partnership& p, F&& f) {
  for (std::size_t a = 0; a < p.members.size(); ++a)
    for (std::size_t b = a + 1; b < p.members.size(); ++b) f(p.members[a], p.members[b]);
}
/// Position of member pair (a, b), a < b, in for_member_pairs order among n members.
inline std::size_t member_pair_index(std::size_t a, std::size_t b, std::size_t n) {
  return a * (2 * n - a - 1) / 2 + (b - a - 1);
}
/// Trust of the members at positions a and b of p (a != b), through p's cached pair entries.
double member_pair_trust(const World& w, const State& st, const Partnership& p, std::size_t a, std::size_t b);
/// The stored trust of that member pair, storing its baseline first if it has none.
double& member_pair_trust_slot(const World& w, State& st, const Partnership& p, std::size_t a, std::size_t b);
/// Mean trust over the member pairs of a partnership.
double mean_member_trust(const World& w, const State& st, const Partnership& p);
double mean_member_capacity(const State& st, const Partnership& p);
double min_member_capacity(const State& st, const Partnership& p);

/// Inspection pressure: 1 for grade 4, 0.5 for grade 3, else 0.
inline double pressure(std::int8_t grade) { return grade == 4 ? 1.0 : grade == 3 ? 0.5 : 0.0; }

/// The need rule: latest grade >= 3 or attainment below the phase's need cut-off.
bool in_need(const World& w, const State& st, const NeedThresholds& t, std::int32_t i);
inline bool in_need(const Context& c, std::int32_t i) { return in_need(c.w, c.st, c.thresholds, i); }
/// The support rule: grade <= 2, attainment at or above the support cut, capacity, free give slots.
bool can_support(const Scenario& s, const World& w, const State& st, const NeedThresholds& t, std::int32_t i);
inline bool can_support(const Context& c, std::int32_t i) { return can_support(c.s, c.w, c.st, c.thresholds, i); }
/// The per-phase need and support cut-offs: the fixed standard set on initial attainment.
NeedThresholds need_thresholds(const Scenario& s, const World& w, const State& st);

/// Who may support and who needs a supporter at this state (MODEL.md 7.5), per school (1 or 0),
/// for the analyses that count supply and demand (calibration, `schoolsim capacity`). A school
/// already receiving support does not need another ("and not already a receiver").
struct SupportRoles {
  std::vector<char> can_support, needs_support;
};
SupportRoles support_roles(const Scenario& s, const World& w, const State& st);

/// Adds a partnership (id assigned here), updates memberships, records the event; returns its id.
std::int32_t form_partnership(Context& c, Partnership p);
/// Ends a partnership, updates memberships and the rebrokering cooldown, records the event.
void end_partnership(Context& c, std::int32_t id, EndReason reason);
/// Adds a school to an existing network or MAT.
void join_partnership(Context& c, std::int32_t id, std::int32_t school);
/// Whether the pair may be brokered this term (no cooldown in force).
bool brokerable_pair(const State& st, std::int32_t i, std::int32_t j, int term);

}  // namespace schoolsim
