#include "sim/core/version.hpp"

#ifdef SCHOOLSIM_WITH_MPI
#include <mpi.h>
#endif

#include "schoolsim/git_hash.hpp"
#include "schoolsim/version.hpp"

namespace schoolsim {

std::string version_string() { return std::string("schoolsim ") + kVersion + " (git " + kGitHash + ")"; }

std::string version_banner() {
  std::string mpi = "MPI sweep driver: no (built with -DSCHOOLSIM_MPI=OFF)";
#ifdef SCHOOLSIM_WITH_MPI
  // MPI_Get_library_version may be called before MPI_Init (MPI 3.0, section 8.1.2).
  char library[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(library, &length);
  std::string name(library, static_cast<std::size_t>(length));
  if (const auto cut = name.find_first_of(",\n"); cut != std::string::npos) name.resize(cut);
  mpi = "MPI sweep driver: yes (" + name + ")";
#endif
  return version_string() + "\n" + mpi;
}

}  // namespace schoolsim
