#pragma once
// Errors of the sweep runner that the command line maps to exit statuses.
#include <stdexcept>

#include "sim/core/errors.hpp"

namespace schoolsim::sweep {

/// A problem with the command's input found before any run starts (exit status 2): the
/// output exists, a parts folder exists without --resume, parts of another sweep, ...
class SweepInputError : public InputError {
 public:
  using InputError::InputError;
};

/// A part file that cannot be used (torn, corrupt, or from another sweep).
class PartError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

}  // namespace schoolsim::sweep
