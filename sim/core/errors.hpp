#pragma once
// The error model of the whole program: every failure is either an input error (the user can
// fix the command or a file: exit status 2) or a runtime error (the run failed: exit status 1).
// Each layer throws its own subclass (ConfigError, RegisterError, InputFileError, OutputError,
// ...) so its callers may catch exactly what they handle; the command line catches only these
// two bases (sim/cli/command_errors.hpp) and maps them to a message and an exit status.
#include <stdexcept>

namespace schoolsim {

/// Exit statuses of every command (README "Exit status"); plain ints, as main() returns them.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeError = 1;   ///< the work failed: a file could not be written, an HDF5 error
inline constexpr int kExitInputError = 2;     ///< usage or input problem found; nothing (more) was done
inline constexpr int kExitInterrupted = 130;  ///< SIGINT/SIGTERM: stopped cleanly, temporary files removed

/// A problem with what the user gave: options, scenario, sweep or target files, registers,
/// world and result files. The message names the file (and line, column and key where known).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A failure while doing the work (writing output, an HDF5 error on a file that was readable).
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace schoolsim
