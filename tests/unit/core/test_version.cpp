#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "schoolsim/version.hpp"
#include "sim/core/version.hpp"

TEST(Version, IsSemantic) {
  EXPECT_TRUE(std::regex_match(std::string(schoolsim::kVersion), std::regex(R"(\d+\.\d+\.\d+)")))
      << schoolsim::kVersion;
}

TEST(Version, StringNamesVersionAndCommit) {
  EXPECT_TRUE(std::regex_match(schoolsim::version_string(),
                               std::regex(R"(schoolsim \d+\.\d+\.\d+ \(git ([0-9a-f]{12}|unknown)\))")))
      << schoolsim::version_string();
}

TEST(Version, BannerSaysWhetherMpiIsBuiltIn) {
  const std::string banner = schoolsim::version_banner();
  EXPECT_EQ(banner.rfind(schoolsim::version_string() + "\n", 0), 0u) << banner;
  EXPECT_NE(banner.find(schoolsim::kWithMpi ? "MPI sweep driver: yes (" : "MPI sweep driver: no"), std::string::npos)
      << banner;
}
