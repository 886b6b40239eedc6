// The memory a SLURM job asked for (--mem, --mem-per-cpu) is a limit of the memory check
// (docs/cluster.md "Memory"), so a batch job that would not fit is refused up front.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "sim/resources/memory_check.hpp"

namespace {

using namespace schoolsim;

constexpr double kMiB = 1024.0 * 1024.0;

void clear_slurm_environment() {
  for (const char* name : {"SLURM_MEM_PER_NODE", "SLURM_MEM_PER_CPU", "SLURM_CPUS_PER_TASK", "SLURM_NTASKS_PER_NODE",
                           "SCHOOLSIM_MEMORY_LIMIT"})
    ::unsetenv(name);
}

TEST(MemorySlurm, NoJobNoLimit) {
  clear_slurm_environment();
  EXPECT_FALSE(slurm_job_limit().has_value());
  ::setenv("SLURM_MEM_PER_NODE", "0", 1);  // --mem=0: all of the node's memory
  EXPECT_FALSE(slurm_job_limit().has_value());
  ::setenv("SLURM_MEM_PER_NODE", "12x", 1);  // not a number
  EXPECT_FALSE(slurm_job_limit().has_value());
  clear_slurm_environment();
}

TEST(MemorySlurm, MemPerNodeIsSharedByTheTasksOfTheNode) {
  clear_slurm_environment();
  ::setenv("SLURM_MEM_PER_NODE", "4000", 1);
  ::setenv("SLURM_MEM_PER_CPU", "1", 1);  // SLURM sets one of the two; per node wins
  auto limit = slurm_job_limit();
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 4000 * kMiB);
  EXPECT_EQ(limit->source, "SLURM_MEM_PER_NODE, the job's --mem");
  ::setenv("SLURM_NTASKS_PER_NODE", "4", 1);
  limit = slurm_job_limit();
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 1000 * kMiB);
  EXPECT_NE(limit->source.find("SLURM_NTASKS_PER_NODE"), std::string::npos);
  clear_slurm_environment();
}

TEST(MemorySlurm, MemPerCpuTimesCpusPerTask) {
  clear_slurm_environment();
  ::setenv("SLURM_MEM_PER_CPU", "300", 1);
  EXPECT_EQ(slurm_job_limit()->bytes, 300 * kMiB);  // one CPU per task unless told
  ::setenv("SLURM_CPUS_PER_TASK", "8", 1);
  EXPECT_EQ(slurm_job_limit()->bytes, 2400 * kMiB);
  EXPECT_EQ(slurm_job_limit()->source, "SLURM_MEM_PER_CPU x SLURM_CPUS_PER_TASK, the job's --mem-per-cpu");
  clear_slurm_environment();
}

TEST(MemorySlurm, TheJobLimitCountsBelowTheSystemAndBelowTheOverrides) {
  clear_slurm_environment();
  ::setenv("SLURM_MEM_PER_NODE", "40", 1);  // surely below MemAvailable
  auto limit = memory_limit("");
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 40 * kMiB);
  EXPECT_EQ(limit->source, "SLURM_MEM_PER_NODE, the job's --mem");
  EXPECT_EQ(memory_limit("1G")->source, "--memory-limit");  // the user's word still wins
  ::setenv("SCHOOLSIM_MEMORY_LIMIT", "2G", 1);
  EXPECT_EQ(memory_limit("")->source, "SCHOOLSIM_MEMORY_LIMIT");
  ::unsetenv("SCHOOLSIM_MEMORY_LIMIT");
  ::setenv("SLURM_MEM_PER_NODE", "100000000", 1);  // 95 TiB: the system's memory is smaller
  EXPECT_NE(memory_limit("")->source.rfind("SLURM", 0), 0u);
  clear_slurm_environment();
}

}  // namespace
