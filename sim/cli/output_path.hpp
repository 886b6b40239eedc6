#pragma once
// Checks an output path before any work starts, so a long command never ends in "cannot
// write" (used by calibrate and evaluate).
#include <unistd.h>

#include <filesystem>
#include <string>

namespace schoolsim::cli {

/// Empty if `out` can be written (with `force`, an existing file may be replaced); else why not.
inline std::string output_path_problem(const std::filesystem::path& out, bool force) {
  namespace fs = std::filesystem;
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  if (!fs::is_directory(dir)) return out.string() + ": the folder " + dir.string() + " does not exist";
  if (access(dir.c_str(), W_OK) != 0) return out.string() + ": the folder " + dir.string() + " is not writable";
  if (fs::is_directory(out)) return out.string() + ": is a folder, not a file name";
  if (fs::exists(out) && !force) return out.string() + ": exists already (use --force to replace it)";
  return {};
}

}  // namespace schoolsim::cli
