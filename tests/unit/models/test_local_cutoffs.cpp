// A regional programme leaves the rest of the country alone (MODEL.md 7.5; issue 16.4): the
// need and support cut-offs are a fixed standard set on initial attainment, so a programme
// in one LA does not move who is in need, or who may support, anywhere else. Paired seeds:
// each seed runs once with the programme and once without, on the same world.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "../test_support.hpp"
#include "models/metrics.hpp"

namespace schoolsim::test {
namespace {

constexpr int kTerms = 24;

Sim run(bool with_programme, std::uint64_t seed) {
  const std::string world = "world:\n  regions:\n    first: [0]\n";
  const std::string programme =
      "programmes:\n  - {name: regional, region: first, start: 2, end: 14, budget: 1.0e9, slots_per_term: 12}\n";
  Sim sim(small_scenario({"run.terms=24", "brokering.enabled=true", "self_organised.enabled=true"},
                         world + (with_programme ? programme : "")),
          seed);
  for (int t = 0; t < kTerms; ++t) sim.step();
  return sim;
}

TEST(LocalCutoffs, CutoffsAreTheInitialQuantilesAndStayFixed) {
  Sim sim(small_scenario({"brokering.enabled=true"}));
  const auto need = sim.st.need_cutoff, support = sim.st.support_cutoff;
  for (int ph = 0; ph < kPhases; ++ph) {
    std::vector<double> a;
    for (int i : sim.w.phase_members[ph]) a.push_back(sim.st.attainment[i]);
    EXPECT_EQ(need[ph], metrics::quantile(a, sim.s.brokering.need_quantile));
    EXPECT_EQ(support[ph], metrics::quantile(a, 1.0 - sim.s.brokering.support_quantile));
    EXPECT_LT(need[ph], support[ph]);
  }
  for (int t = 0; t < 6; ++t) sim.step();
  EXPECT_EQ(sim.st.need_cutoff, need);
  EXPECT_EQ(sim.st.support_cutoff, support);
  const NeedThresholds now = sim.ctx(7).thresholds;
  EXPECT_EQ(now.need, need);
  EXPECT_EQ(now.support, support);
}

TEST(LocalCutoffs, RegionalProgrammeEffectOutsideItsRegionIsWithinNoiseOfZero) {
  // Per seed: the programme's effect on mean attainment inside LA 0 and outside it.
  std::vector<double> inside, outside;
  for (std::uint64_t seed = 42; seed < 50; ++seed) {
    const Sim with = run(true, seed), without = run(false, seed);
    double sum_in = 0, sum_out = 0;
    int n_in = 0, n_out = 0;
    for (int i = 0; i < with.w.n; ++i) {
      const double d = with.st.attainment[i] - without.st.attainment[i];
      if (with.w.la[i] == 0)
        sum_in += d, ++n_in;
      else
        sum_out += d, ++n_out;
    }
    ASSERT_GT(n_in, 0);
    ASSERT_GT(n_out, 0);
    inside.push_back(sum_in / n_in);
    outside.push_back(sum_out / n_out);
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  auto standard_error = [&](const std::vector<double>& v) {
    const double m = mean(v);
    double ss = 0;
    for (double x : v) ss += (x - m) * (x - m);
    return std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
  };
  const double effect_in = mean(inside), effect_out = mean(outside), se_out = standard_error(outside);
  // The programme works where it runs ...
  EXPECT_GT(effect_in, 4 * standard_error(inside)) << effect_in;
  // ... and outside its region the paired difference is noise around zero, far smaller than
  // the effect inside.
  EXPECT_LT(std::fabs(effect_out), 3 * se_out + 1e-12) << effect_out << " +- " << se_out;
  EXPECT_LT(std::fabs(effect_out), 0.1 * effect_in) << effect_out << " vs " << effect_in;
}

}  // namespace
}  // namespace schoolsim::test
