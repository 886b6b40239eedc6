#pragma once
#include <string>

namespace schoolsim {
/// "schoolsim 0.1.0 (git abcdef123456)": the provenance string written into output files.
std::string version_string();
/// What `schoolsim --version` prints: version_string() and how the binary was built (MPI or
/// not, and which MPI library), so a cluster user can tell the two builds apart.
std::string version_banner();
}  // namespace schoolsim
