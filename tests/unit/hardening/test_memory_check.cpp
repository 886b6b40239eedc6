// Memory limits (docs/hardening.md "Limits"): size parsing, the estimate's parts and its
// refusal message, and the run check before and after the world is built.
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "sim/config/scenario_yaml.hpp"
#include "sim/resources/memory_check.hpp"
#include "sim/io/world_builder.hpp"

namespace {

using namespace schoolsim;

TEST(MemoryCheck, ParsesSizes) {
  EXPECT_EQ(parse_memory_size("1000"), 1000);
  EXPECT_EQ(parse_memory_size("4G"), 4.0 * (1 << 30));
  EXPECT_EQ(parse_memory_size("512 MiB"), 512.0 * (1 << 20));
  EXPECT_EQ(parse_memory_size("1.5gb"), 1.5 * (1 << 30));
  EXPECT_EQ(parse_memory_size("2e9"), 2e9);
  for (const char* bad : {"", "G", "4Q", "-1G", "0", "nan", "inf", "1e300T", "4 X"})
    EXPECT_THROW(parse_memory_size(bad), std::invalid_argument) << bad;
}

TEST(MemoryCheck, OptionWinsOverEnvironmentOverSystem) {
  ::setenv("SCHOOLSIM_MEMORY_LIMIT", "2G", 1);
  EXPECT_EQ(memory_limit("1G")->source, "--memory-limit");
  EXPECT_EQ(memory_limit("")->bytes, 2.0 * (1 << 30));
  EXPECT_EQ(memory_limit("")->source, "SCHOOLSIM_MEMORY_LIMIT");
  ::unsetenv("SCHOOLSIM_MEMORY_LIMIT");
  const auto system = memory_limit("");
  ASSERT_TRUE(system.has_value());  // Linux: /proc/meminfo
  EXPECT_GT(system->bytes, 0);
}

TEST(MemoryCheck, EstimateGrowsWithSchoolsTermsAndPerSchoolOutput) {
  Scenario s = config::load_scenario_text("", "x", {"run.terms=30"});
  const double n = s.world.n_primary + s.world.n_secondary;
  const MemoryEstimate on = run_memory(s, n, estimated_neighbour_pairs(s));
  s.output.per_school = false;
  const MemoryEstimate off = run_memory(s, n, estimated_neighbour_pairs(s));
  EXPECT_NEAR(on.total() - off.total(), 27.0 * n * 31, 1);
  EXPECT_GT(run_memory(s, 2 * n, 2 * estimated_neighbour_pairs(s)).total(), off.total());
  // Sweeps: bookkeeping per run, per-school output per run in flight.
  const MemoryEstimate sweep = sweep_memory(s, n, 0, 1e6, 3e6, 4, true);
  EXPECT_GT(sweep.total(), 150e6);
}

TEST(MemoryCheck, RefusalNamesTheEstimateTheLimitAndTheAdvice) {
  MemoryEstimate e;
  e.parts = {{"program", 50e6}, {"neighbour lists", 4.8e9}, {"per-school output", 1.1e9}};
  EXPECT_EQ(e.text(), "6.0 GB: neighbour lists 4.8 GB, per-school output 1.1 GB, program 50 MB");
  check_memory(e, MemoryLimit{7e9, "test"}, "this run", "advice");  // fits
  check_memory(e, std::nullopt, "this run", "advice");              // limit unknown: no check
  try {
    check_memory(e, MemoryLimit{4e9, "MemAvailable in /proc/meminfo"}, "this run", "Turn off per-school output");
    FAIL() << "expected a MemoryError";
  } catch (const MemoryError& err) {
    EXPECT_EQ(std::string(err.what()),
              "this run would need about 6.0 GB: neighbour lists 4.8 GB, per-school output 1.1 GB, program 50 MB; but "
              "4.0 GB are available (MemAvailable in /proc/meminfo). Turn off per-school output; --memory-limit SIZE "
              "(or SCHOOLSIM_MEMORY_LIMIT) overrides the limit.");
  }
}

TEST(MemoryCheck, RunIsCheckedBeforeAndAfterTheWorldIsBuilt) {
  const Scenario s =
      config::load_scenario_text("", "x", {"world.n_primary=800", "world.n_secondary=200", "run.terms=3"});
  const World w = build_world(s, ".");
  // Clustered schools have more neighbours than evenly spread ones: a limit between the two
  // estimates passes the check before the world is built and fails the exact one after.
  const double before = run_memory(s, 1000, estimated_neighbour_pairs(s)).total();
  const double after = run_memory(s, 1000, static_cast<double>(w.neighbours.index.size())).total();
  ASSERT_GT(after, before);
  const std::string between = std::to_string(static_cast<long long>((before + after) / 2));
  check_run_memory(s, ".", nullptr, between);
  try {
    check_run_memory(s, ".", &w, between);
    FAIL() << "expected a MemoryError";
  } catch (const MemoryError& e) {
    EXPECT_NE(std::string(e.what()).find("this run would need about"), std::string::npos) << e.what();
  }
  check_run_memory(s, ".", &w, "1G");
  EXPECT_THROW(check_run_memory(s, ".", nullptr, "50000000"), MemoryError);  // the program alone is 50 MB
  EXPECT_THROW(check_run_memory(s, ".", nullptr, "lots"), MemoryError);      // a usage error, exit 2
}

}  // namespace
