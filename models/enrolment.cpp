// 7.2 Enrolment and competition: leavers go, an intake cohort is split among nearby schools
// by parental choice (expected flows, no sampling), overflow is placed in id order, and the
// resulting pupil flows lower the trust between competing schools.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"

namespace schoolsim {
namespace {

bool first_term_of_year(int term) { return term % 3 == 1; }

/// Places `amount` pupils from origin i at the nearest same-phase schools with free places.
void place_overflow(const World& w, std::vector<double>& free, std::vector<double>& pupils, int i, double amount,
                    std::vector<double>& placed_at_origin) {
  const auto& nl = w.neighbours;
  auto take = [&](int j) {
    const double t = std::min(amount, free[j]);
    if (t <= 0) return;
    free[j] -= t;
    pupils[j] += t;
    amount -= t;
    if (j == i) placed_at_origin[i] += t;
  };
  take(i);
  for (auto e = nl.begin(i); e < nl.end(i) && amount > 1e-12; ++e) take(nl.index[e]);
  if (amount > 1e-12) {
    // Beyond the neighbour lists: the rest of the phase by distance (rare; only in a full area).
    std::vector<std::pair<double, int>> rest;
    for (int j : w.phase_members[w.phase[i]]) rest.emplace_back(w.distance(i, j), j);
    std::sort(rest.begin(), rest.end());
    for (const auto& [d, j] : rest) {
      if (amount <= 1e-12) break;
      take(j);
    }
  }
}

/// The choice-radius prefixes and their distance weights in `cw`, unless it already holds them
/// for this world and these parameters (they do not change during a run).
const ChoiceWeights& choice_weights(const Context& c, ChoiceWeights& cw) {
  const auto& cp = c.s.competition;
  const auto& nl = c.w.neighbours;
  const auto entries = static_cast<std::int64_t>(nl.index.size());
  if (cw.neighbour_entries == entries && cw.lambda_distance == cp.lambda_distance &&
      cw.radius_km == cp.choice_radius_km)
    return cw;
  const World& w = c.w;
  const int n = w.n;
  cw.choice_end.assign(n, 0);
  cw.flow_offset.assign(n + 1, 0);
  tbb::parallel_for(0, n, [&](int i) {
    cw.choice_end[i] = nl.end_within(i, cp.choice_radius_km[w.phase[i]]);
    cw.flow_offset[i + 1] = cw.choice_end[i] - nl.begin(i);
  });
  std::partial_sum(cw.flow_offset.begin(), cw.flow_offset.end(), cw.flow_offset.begin());
  cw.distance_weight.assign(static_cast<std::size_t>(cw.flow_offset[n]), 0.0F);
  tbb::parallel_for(0, n, [&](int i) {
    const double r = cp.choice_radius_km[w.phase[i]];
    for (auto e = nl.begin(i); e < cw.choice_end[i]; ++e)
      cw.distance_weight[cw.flow_offset[i] + (e - nl.begin(i))] =
          static_cast<float>(std::exp(-cp.lambda_distance * nl.distance[e] / r));
  });
  cw.lambda_distance = cp.lambda_distance;
  cw.radius_km = cp.choice_radius_km;
  cw.neighbour_entries = entries;
  return cw;
}

}  // namespace

void enrol_pupils(Context& c) {
  const Scenario& s = c.s;
  const World& w = c.w;
  State& st = c.st;
  const auto& nl = w.neighbours;
  st.pupils_moved = 0.0;
  st.intake = {};
  st.intake_at_origin = {};
  if (first_term_of_year(c.term)) {
    const int n = w.n;
    const auto& cp = s.competition;
    std::vector<double> intake(n), free(n), self_flow(n), inflow(n), scale(n, 1.0), overflow(n, 0.0);
    // Flows exist only within the choice radius, a prefix of each neighbour list (and the
    // mirror of a prefix entry is in the other school's prefix: same phase, same radius). They
    // are stored compactly, prefix after prefix: a tenth of the lists' size for primaries.
    // (The prefixes and their distance weights are built once per run: choice_weights.)
    ChoiceWeights local;
    const ChoiceWeights& cw = choice_weights(c, c.choice_weights ? *c.choice_weights : local);
    const std::vector<std::int64_t>& choice_end = cw.choice_end;
    const std::vector<std::int64_t>& flow_offset = cw.flow_offset;
    std::vector<double> flow(static_cast<std::size_t>(flow_offset[n]));
    const auto at = [&](int i, std::int64_t e) { return flow_offset[i] + (e - nl.begin(i)); };  // i's entry e
    const auto mirror = [&](std::int64_t e) { return at(nl.index[e], nl.reverse[e]); };         // the other way
    // Shares P_ij proportional to exp(lambda_a a_j - lambda_d d_ij / r), i itself at distance 0:
    // exp(lambda_a a_j) once per school times the distance weight of the entry.
    std::vector<double> appeal(n);
    tbb::parallel_for(0, n, [&](int j) { appeal[j] = std::exp(cp.lambda_attainment * st.attainment[j]); });
    tbb::parallel_for(0, n, [&](int i) {
      const int ph = w.phase[i];
      intake[i] = st.pupils[i] / cp.years_in_phase[ph];
      st.pupils[i] -= intake[i];
      free[i] = std::max(0.0, st.places[i] - st.pupils[i]);
      const double self_w = appeal[i];
      double total = self_w;
      for (auto e = nl.begin(i); e < choice_end[i]; ++e) {
        const double share = appeal[nl.index[e]] * static_cast<double>(cw.distance_weight[at(i, e)]);
        flow[at(i, e)] = share;
        total += share;
      }
      for (auto e = nl.begin(i); e < choice_end[i]; ++e) flow[at(i, e)] *= intake[i] / total;
      self_flow[i] = intake[i] * self_w / total;
    });
    tbb::parallel_for(0, n, [&](int j) {
      double in = self_flow[j];
      for (auto e = nl.begin(j); e < choice_end[j]; ++e) in += flow[mirror(e)];
      inflow[j] = in;
      if (in > free[j]) scale[j] = in > 0 ? free[j] / in : 1.0;
    });
    // Accepted flows; what a full school turns away is the origin's overflow.
    tbb::parallel_for(0, n, [&](int i) {
      double over = self_flow[i] * (1.0 - scale[i]);
      for (auto e = nl.begin(i); e < choice_end[i]; ++e) {
        const int j = nl.index[e];
        over += flow[at(i, e)] * (1.0 - scale[j]);
        flow[at(i, e)] *= scale[j];
      }
      self_flow[i] *= scale[i];
      overflow[i] = over;
    });
    tbb::parallel_for(0, n, [&](int j) {
      double in = self_flow[j];
      for (auto e = nl.begin(j); e < choice_end[j]; ++e) in += flow[mirror(e)];
      free[j] -= std::min(free[j], in);
      st.pupils[j] += in;
    });
    // Overflow: origins in id order, each to its nearest schools with free places.
    std::vector<double> overflow_home(n, 0.0);
    for (int i = 0; i < n; ++i)
      if (overflow[i] > 0) place_overflow(w, free, st.pupils, i, overflow[i], overflow_home);
    // Pupils moved: intake not placed at its origin school.
    double moved = 0.0;
    for (int i = 0; i < n; ++i) {
      moved += intake[i] - self_flow[i] - overflow_home[i];
      st.intake[w.phase[i]] += intake[i];
      st.intake_at_origin[w.phase[i]] += self_flow[i] + overflow_home[i];
    }
    st.pupils_moved = moved;
    // Competition: comp_ij = 1/2 (share of i's intake going to j + share of j's intake going to i).
    // Beyond the choice radius competition stays 0: zeroed once, then only prefixes change.
    if (st.competition.empty()) st.competition.assign(nl.index.size(), 0.0);
    tbb::parallel_for(0, n, [&](int i) {
      for (auto e = nl.begin(i); e < choice_end[i]; ++e) {
        const int j = nl.index[e];
        const double to_j = intake[i] > 0 ? flow[at(i, e)] / intake[i] : 0.0;
        const double to_i = intake[j] > 0 ? flow[mirror(e)] / intake[j] : 0.0;
        st.competition[e] = 0.5 * (to_j + to_i);
      }
    });
    // The pupil-flow shock lowers the trust of each competing pair once per enrolment (each
    // pair at its entry in the lower id's list, so schools can go in parallel).
    tbb::parallel_for(0, n, [&](int i) {
      for (auto e = nl.begin(i); e < choice_end[i]; ++e) {
        const int j = nl.index[e];
        if (j < i || st.competition[e] <= 0) continue;
        double& trust = st.trust.slot_at(w, i, e, baseline_trust(st, i, j));
        trust *= 1.0 - cp.psi_flow * st.competition[e];
      }
    });
  }
  // Falling rolls: checked every term; a school long below closure_roll shrinks to its roll.
  tbb::parallel_for(0, w.n, [&](int i) {
    if (st.pupils[i] < s.competition.closure_roll * st.places[i]) {
      if (++st.low_roll_terms[i] >= s.competition.closure_terms) {
        st.places[i] = st.pupils[i];
        st.low_roll_terms[i] = 0;
      }
    } else {
      st.low_roll_terms[i] = 0;
    }
  });
}

}  // namespace schoolsim
