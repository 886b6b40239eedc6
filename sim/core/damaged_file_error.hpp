#pragma once
// A damaged file is a runtime error, not an input error (issue 14: "exit 2 for input, 1 for
// damage or runtime"): the command was right, but the world or result file it names does not
// read back.
#include <string>

#include "sim/core/errors.hpp"

namespace schoolsim {

/// A world or result file that does not read back: HDF5 reports an error, crashes or hangs
/// reading it, or a checksum does not match (sim/io/probe.hpp). Exit status 1; the message
/// reads "damaged: FILE: PROBLEM". A file that is not HDF5 at all (text, another format) is an
/// input error instead (exit 2): the user gave the wrong file.
class DamagedFileError : public RuntimeError {
 public:
  DamagedFileError(const std::string& file, const std::string& problem)
      : RuntimeError("damaged: " + file + ": " + problem), file_(file), problem_(problem) {}
  const std::string& file() const { return file_; }
  const std::string& problem() const { return problem_; }  ///< what failed, without the file

 private:
  std::string file_;
  std::string problem_;
};

}  // namespace schoolsim
