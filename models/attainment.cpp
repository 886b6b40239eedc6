// 7.8 Attainment: effectiveness moves toward the level the school's quality supports (a lag),
// and measured attainment adds autocorrelated cohort noise.
#include <tbb/parallel_for.h>

#include "models/submodels.hpp"

namespace schoolsim {

double quality(const Scenario& s, const State& st, int i) {
  double q = 0;
  for (int d = 0; d < kDomains; ++d) q += s.attainment.domain_weights[d] * st.expertise(i, d);
  return q;
}

void update_attainment(Context& c) {
  const auto& ap = c.s.attainment;
  State& st = c.st;
  tbb::parallel_for(0, c.w.n, [&](int i) {
    Stream r = c.stream(Process::Attainment, static_cast<std::uint32_t>(i));
    const double target = ap.beta_quality * (quality(c.s, st, i) - st.mean_quality0) -
                          ap.beta_disadvantage * (c.w.disadvantage[i] - st.mean_disadvantage);
    st.effectiveness[i] += ap.attainment_rate * (target - st.effectiveness[i]);
    st.noise[i] = ap.noise_ar * st.noise[i] + ap.noise_sd * r.normal();
    st.attainment[i] = st.effectiveness[i] + st.noise[i];
  });
}

}  // namespace schoolsim
