// "For whom": pupil-level means of disadvantaged pupils and the others, derived from the
// school state (MODEL.md 9), checked on a hand-made 5-school world against a hand computation.
// Every input is a short binary fraction, so the sums are exact and the comparison is ==.
#include <gtest/gtest.h>

#include <cmath>

#include "models/metrics.hpp"
#include "sim/run/observation.hpp"
#include "../test_support.hpp"

namespace schoolsim {
namespace {

using test::SchoolSpec;

struct FiveSchools {
  // Schools 0-2 primary, 3-4 secondary.
  static constexpr double d[5] = {0.25, 0.5, 0.125, 0.75, 0.0};
  static constexpr double pupils[5] = {100, 200, 300, 400, 500};
  static constexpr double y[5] = {0.5, -0.25, 1.0, -1.0, 0.75};
};

World five_school_world() {
  std::vector<SchoolSpec> schools;
  for (int i = 0; i < 5; ++i) schools.push_back({10.0 * i, 10.0, i < 3 ? 0 : 1, i % 2, FiveSchools::d[i], 600});
  return test::tiny_world(schools, 2);
}

TEST(PupilMetrics, DisadvantagedAndOtherPupilsOnFiveSchoolsEqualTheHandComputation) {
  const std::vector<double> y(FiveSchools::y, FiveSchools::y + 5), n(FiveSchools::pupils, FiveSchools::pupils + 5),
      d(FiveSchools::d, FiveSchools::d + 5);
  // Disadvantaged pupils per school: 25, 100, 37.5, 300, 0 (462.5 in all);
  // the others: 75, 100, 262.5, 100, 500 (1037.5).
  const double dis = (25 * 0.5 + 100 * -0.25 + 37.5 * 1.0 + 300 * -1.0 + 0 * 0.75) / 462.5;      // -275 / 462.5
  const double oth = (75 * 0.5 + 100 * -0.25 + 262.5 * 1.0 + 100 * -1.0 + 500 * 0.75) / 1037.5;  // 550 / 1037.5
  const metrics::PupilGroupMeans m = metrics::disadvantaged_pupil_means(y, n, d);
  EXPECT_EQ(m.disadvantaged, -275.0 / 462.5);
  EXPECT_EQ(m.others, 550.0 / 1037.5);
  EXPECT_EQ(m.disadvantaged, dis);
  EXPECT_EQ(m.others, oth);
  // No disadvantaged pupils at all: that mean is NaN, not 0.
  const std::vector<double> none(5, 0.0);
  EXPECT_TRUE(std::isnan(metrics::disadvantaged_pupil_means(y, n, none).disadvantaged));
  EXPECT_EQ(metrics::disadvantaged_pupil_means(y, n, none).others, (50 - 50 + 300 - 400 + 375) / 1500.0);
  EXPECT_THROW(metrics::disadvantaged_pupil_means(y, n, std::vector<double>(4, 0.0)), std::invalid_argument);
}

TEST(PupilMetrics, TheRecorderWritesThemNationallyAndByPhase) {
  const Scenario s = test::small_scenario({"world.n_las=2"});
  test::Sim sim(s, five_school_world());
  test::flatten(sim);
  for (int i = 0; i < 5; ++i) sim.st.attainment[i] = FiveSchools::y[i], sim.st.pupils[i] = FiveSchools::pupils[i];
  Recorder recorder(sim.w, 0, false);
  recorder.report(run::Snapshot{sim.s, sim.w, sim.st, 0});
  const ScopeMetrics& all = recorder.overall.at(0);
  EXPECT_EQ(all.attainment_disadvantaged, -275.0 / 462.5);
  EXPECT_EQ(all.attainment_others, 550.0 / 1037.5);
  EXPECT_EQ(all.pupil_disadvantage_gap, 550.0 / 1037.5 - -275.0 / 462.5);
  // Primary: disadvantaged 25, 100, 37.5 (162.5); others 75, 100, 262.5 (437.5).
  const ScopeMetrics& primary = recorder.phases.at(0)[0];
  EXPECT_EQ(primary.attainment_disadvantaged, (12.5 - 25 + 37.5) / 162.5);
  EXPECT_EQ(primary.attainment_others, (37.5 - 25 + 262.5) / 437.5);
  // Secondary: disadvantaged 300, 0; others 100, 500.
  const ScopeMetrics& secondary = recorder.phases.at(0)[1];
  EXPECT_EQ(secondary.attainment_disadvantaged, -1.0);
  EXPECT_EQ(secondary.attainment_others, (-100 + 375) / 600.0);
  EXPECT_EQ(secondary.pupil_disadvantage_gap, (-100 + 375) / 600.0 + 1.0);
  // The school-quintile gap beside it is unchanged: fewer than 5 schools per phase gives NaN.
  EXPECT_TRUE(std::isnan(all.disadvantage_gap));
  // Declared once: the run and sweep files take their variables from this table.
  int found = 0;
  for (const auto& info : scope_metric_info())
    found += std::string(info.name) == "attainment_disadvantaged" || std::string(info.name) == "attainment_others" ||
             std::string(info.name) == "pupil_disadvantage_gap";
  EXPECT_EQ(found, 3);
}

TEST(AreaMetrics, ByLaAndByRegionEqualTheHandComputation) {
  // LAs: schools 0, 2, 4 in LA 0; 1, 3 in LA 1. Region "north" = LA 1; one programme in it.
  Scenario s = test::small_scenario({"world.n_las=2"});
  s.world.regions = {{"north", {1}}};
  s.programmes.resize(1);
  s.programmes[0].region = "north";
  test::Sim sim(s, five_school_world());
  test::flatten(sim);
  for (int i = 0; i < 5; ++i) sim.st.attainment[i] = FiveSchools::y[i], sim.st.pupils[i] = FiveSchools::pupils[i];
  const std::vector<OutputRegion> regions = output_regions(sim.s, sim.w);
  ASSERT_EQ(regions.size(), 3u);
  EXPECT_EQ(regions[0].name, "north");
  EXPECT_EQ(regions[1].name, "programme_0_treated");
  EXPECT_EQ(regions[1].las, std::vector<std::int32_t>{1});
  EXPECT_EQ(regions[2].name, "programme_0_untreated");
  EXPECT_EQ(regions[2].las, std::vector<std::int32_t>{0});
  Recorder recorder(sim.w, 0, false, true, regions);
  recorder.report(run::Snapshot{sim.s, sim.w, sim.st, 0});
  ASSERT_EQ(recorder.by_la.size(), 2u);
  ASSERT_EQ(recorder.by_region.size(), 3u);
  // LA 0: y 0.5, 1.0, 0.75 with 100, 300, 500 pupils; LA 1: y -0.25, -1.0 with 200, 400.
  EXPECT_EQ(recorder.by_la[0].attainment_mean, (0.5 + 1.0 + 0.75) / 3);
  EXPECT_EQ(recorder.by_la[0].attainment_mean_pw, (50 + 300 + 375) / 900.0);
  EXPECT_EQ(recorder.by_la[0].pupils, 900.0);
  EXPECT_EQ(recorder.by_la[1].attainment_mean_pw, (-50 - 400) / 600.0);
  // Disadvantaged pupils of LA 1: 100 (school 1) and 300 (school 3).
  EXPECT_EQ(recorder.by_la[1].attainment_disadvantaged, (-25 - 300) / 400.0);
  EXPECT_EQ(recorder.by_region[0].attainment_mean_pw, recorder.by_la[1].attainment_mean_pw);
  EXPECT_EQ(recorder.by_region[1].attainment_mean_pw, recorder.by_la[1].attainment_mean_pw);
  EXPECT_EQ(recorder.by_region[2].attainment_mean_pw, recorder.by_la[0].attainment_mean_pw);
}

}  // namespace
}  // namespace schoolsim
