#include <gtest/gtest.h>
#include <string>
#include "schoolsim/version.hpp"
TEST(Version, IsSemantic) { EXPECT_EQ(std::string(schoolsim::kVersion).substr(0, 2), "0."); }
