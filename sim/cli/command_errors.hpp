#pragma once
// The one place where errors become messages and exit statuses (sim/core/errors.hpp): every
// command runs inside run_reporting_errors and contains no catch ladder of its own.
#include <functional>
#include <string>

namespace schoolsim::cli {

/// How one command words the two errors whose message needs a heading.
struct ErrorWording {
  std::string invalid_config = "invalid scenario";   ///< before the lines of a ConfigError
  std::string cannot_write = "cannot write output";  ///< before an OutputError
  bool print = true;                                 ///< false on MPI ranks other than 0
};

/// Runs `command` and returns its exit status; an InputError (ConfigError, RegisterError,
/// InputFileError, ...) is printed and gives 2; a DamagedFileError ("damaged: FILE: ..."), an
/// out-of-memory or any other error gives 1.
int run_reporting_errors(const std::function<int()>& command, const ErrorWording& wording = {});

}  // namespace schoolsim::cli
