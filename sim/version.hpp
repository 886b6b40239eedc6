#pragma once
#include <string>

namespace schoolsim {
/// "schoolsim 0.1.0 (git abcdef123456)": the provenance string written into output files.
std::string version_string();
}  // namespace schoolsim
