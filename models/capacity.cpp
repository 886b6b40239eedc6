// 7.3 Capacity: spare staff and leadership time moves toward a target set by funding,
// leadership, inspection pressure and surplus places, minus the load of partnerships.
#include <tbb/parallel_for.h>

#include <algorithm>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"

namespace schoolsim {

double target_capacity(const Scenario& s, const State& st, int i) {
  const auto& cp = s.capacity;
  return std::clamp(cp.capacity_base + cp.phi_funding * (st.funding[i] / st.funding_reference - 1.0) +
                        cp.phi_leadership * (st.expertise(i, kLeadership) - 0.5) -
                        cp.phi_pressure * pressure(st.grade[i]) -
                        cp.phi_surplus * std::max(0.0, 1.0 - st.pupils[i] / st.places[i]),
                    0.0, 1.0);
}

void update_capacity(Context& c) {
  const Scenario& s = c.s;
  const auto& cp = s.capacity;
  State& st = c.st;
  // Partnership load per school, summed in partnership id order (deterministic).
  std::vector<double> load(c.w.n, 0.0);
  for (const auto& p : st.partnerships) {
    if (!p.active) continue;
    const double eff = cp.efficiency[static_cast<int>(p.type)];
    for (std::size_t k = 0; k < p.members.size(); ++k) {
      const int m = p.members[k];
      double l = cp.load_peer;
      if (p.support) l = k == 0 ? cp.load_giver : cp.load_receiver * st.capacity[m];
      load[m] += l / eff;
    }
  }
  tbb::parallel_for(0, c.w.n, [&](int i) {
    const double target = target_capacity(s, st, i);
    st.capacity[i] =
        std::clamp(st.capacity[i] + cp.capacity_rate * (target - st.capacity[i]) - load[i] + st.boost[i], 0.0, 1.0);
  });
}

}  // namespace schoolsim
