// 7.9 Inspection: schools due are graded against the fixed phase thresholds; programmes may
// reinspect their region in their last funded term.
#include <tbb/parallel_for.h>

#include "models/submodels.hpp"

namespace schoolsim {

std::int8_t grade_for(const State& st, int phase, double attainment) {
  const auto& t = st.grade_threshold[phase];
  if (attainment >= t[0]) return 1;
  if (attainment >= t[1]) return 2;
  if (attainment >= t[2]) return 3;
  return 4;
}

void inspect(Context& c) {
  const Scenario& s = c.s;
  const auto& ip = s.inspection;
  State& st = c.st;
  // Programme reinspection: region schools not inspected since the programme started.
  std::vector<char> reinspect(c.w.n, false);
  for (const auto& prog : s.programmes) {
    // A programme without money for one grant does nothing at all (MODEL.md 7.1).
    if (!prog.reinspect || c.term != programme_last_funded_term(prog) || !programme_can_pay(prog, 0.0)) continue;
    for (int i = 0; i < c.w.n; ++i)
      if (in_programme_region(s, c.w, prog, i) && st.last_inspected[i] < prog.start) reinspect[i] = true;
  }
  tbb::parallel_for(0, c.w.n, [&](int i) {
    const int g = st.grade[i];
    const bool exempt = ip.exempt_outstanding && g == 1;
    const bool due = !exempt && c.term - st.last_inspected[i] >= ip.inspection_terms[g - 1];
    if (!due && !reinspect[i]) return;
    double a = st.attainment[i];
    if (ip.contextual_grading) a += s.attainment.beta_disadvantage * (c.w.disadvantage[i] - st.mean_disadvantage);
    const std::int8_t grade = grade_for(st, c.w.phase[i], a);
    if (grade == 4 && g != 4) st.inadequate_since[i] = c.term;
    if (grade != 4) st.inadequate_since[i] = -1;
    st.grade[i] = grade;
    st.last_inspected[i] = c.term;
  });
}

}  // namespace schoolsim
