// 7.7 Own practice: self-improvement with spare capacity, expertise lost to staff turnover
// (higher in disadvantaged and struggling schools, and in a tight labour market), and noise.
#include <tbb/parallel_for.h>

#include <algorithm>

#include "models/submodels.hpp"

namespace schoolsim {

double labour_tightness(const Scenario& s, int term) {
  double t = s.practice.labour_tightness;
  int from = 0;
  for (const auto& ch : s.practice.labour_changes)
    if (ch.term <= term && ch.term >= from) t = ch.tightness, from = ch.term;
  return t;
}

void practise(Context& c) {
  const auto& pp = c.s.practice;
  State& st = c.st;
  const double tightness = labour_tightness(c.s, c.term);
  tbb::parallel_for(0, c.w.n, [&](int i) {
    Stream r = c.stream(Process::Practice, static_cast<std::uint32_t>(i));
    const double turnover =
        pp.turnover_base *
        (1.0 + pp.turnover_disadvantage * c.w.disadvantage[i] + pp.turnover_grade * (st.grade[i] >= 3)) * tightness;
    for (int d = 0; d < kDomains; ++d) {
      const double e = st.expertise(i, d);
      const double change = pp.self_improvement * st.capacity[i] * (1.0 - e) - turnover * e * pp.turnover_loss +
                            pp.practice_noise_sd * r.normal();
      st.expertise(i, d) = std::clamp(e + change, 0.0, 1.0);
    }
  });
}

}  // namespace schoolsim
