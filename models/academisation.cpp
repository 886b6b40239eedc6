// 7.5 MAT joining: inadequate schools (and maintained schools converting by choice) become
// academies and join the nearest MAT with room, or a new MAT sponsored by a nearby
// outstanding school with capacity.
#include "models/academisation.hpp"

#include <limits>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"

namespace schoolsim {

bool join_nearest_mat(Context& c, int i) {
  const auto& ap = c.s.academisation;
  State& st = c.st;
  const auto& nl = c.w.neighbours;
  const auto end = nl.end_within(i, ap.mat_radius_km);
  int mat = -1, sponsor = -1;
  for (auto e = nl.begin(i); e < end && mat < 0; ++e) {
    const int j = nl.index[e];
    const int m = st.mat[j];
    if (m >= 0 && st.partnerships[m].members[0] == j &&
        static_cast<int>(st.partnerships[m].members.size()) < ap.max_mat_size)
      mat = m;
  }
  if (mat < 0)
    for (auto e = nl.begin(i); e < end && sponsor < 0; ++e) {
      const int j = nl.index[e];
      if (st.mat[j] < 0 && st.grade[j] == 1 && st.capacity[j] >= c.s.brokering.min_capacity_to_give) sponsor = j;
    }
  if (mat < 0 && sponsor < 0) return false;
  // Joining a MAT ends the school's other support partnerships.
  for (auto& p : st.partnerships)
    if (p.active && p.support && (p.members[0] == i || p.members[1] == i))
      end_partnership(c, p.id, EndReason::JoinedMat);
  st.governance[i] = static_cast<std::int8_t>(Governance::Mat);
  if (mat >= 0) {
    join_partnership(c, mat, i);
    return true;
  }
  for (auto& p : st.partnerships)
    if (p.active && p.support && (p.members[0] == sponsor || p.members[1] == sponsor))
      end_partnership(c, p.id, EndReason::JoinedMat);
  st.governance[sponsor] = static_cast<std::int8_t>(Governance::Mat);
  Partnership p;
  p.type = PartnershipType::Mat;
  p.members = {sponsor, i};
  p.first_unfunded_term = std::numeric_limits<std::int32_t>::max();  // MATs are permanent
  form_partnership(c, p);
  return true;
}

void join_mats(Context& c) {
  const auto& ap = c.s.academisation;
  if (!ap.enabled) return;
  State& st = c.st;
  const bool new_year = c.term % 3 == 1;
  for (int i = 0; i < c.w.n; ++i) {
    if (st.mat[i] >= 0) continue;
    const bool inadequate = st.grade[i] == 4 && st.inadequate_since[i] >= 0 && st.inadequate_since[i] < c.term;
    bool converts = inadequate;
    if (!converts && new_year && st.governance[i] == static_cast<std::int8_t>(Governance::Maintained) &&
        ap.p_convert > 0) {
      Stream r = c.stream(Process::Academisation, static_cast<std::uint32_t>(i));
      converts = r.bernoulli(ap.p_convert);
    }
    if (!converts) continue;
    if (st.governance[i] == static_cast<std::int8_t>(Governance::Maintained))
      st.governance[i] = static_cast<std::int8_t>(Governance::Academy);
    join_nearest_mat(c, i);
  }
}

}  // namespace schoolsim
