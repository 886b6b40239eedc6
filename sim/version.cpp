#include "sim/version.hpp"

#include "schoolsim/version.hpp"

namespace schoolsim {
std::string version_string() { return std::string("schoolsim ") + kVersion + " (git " + kGitHash + ")"; }
}  // namespace schoolsim
