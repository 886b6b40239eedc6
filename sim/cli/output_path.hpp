#pragma once
// Checks an output path before any work starts, so a long command never ends in "cannot
// write" (used by run, world import, capacity, calibrate, evaluate, merge).
#include <limits.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace schoolsim::cli {

/// Empty if `out` can be written (with `force`, an existing file may be replaced); else why not.
inline std::string output_path_problem(const std::filesystem::path& out, bool force) {
  namespace fs = std::filesystem;
  if (out.empty()) return "no output file given (use -o OUT.h5)";
  // Writers use "<name>.tmp-<pid>" (up to 16 more bytes) next to the final name.
  if (out.filename().string().size() + 16 > NAME_MAX)
    return out.string() + ": the file name is too long (" + std::to_string(out.filename().string().size()) +
           " bytes; at most " + std::to_string(NAME_MAX - 16) + ")";
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  const fs::file_status dir_status = fs::status(dir, ec);
  if (!fs::exists(dir_status)) return out.string() + ": the folder " + dir.string() + " does not exist";
  if (!fs::is_directory(dir_status)) return out.string() + ": " + dir.string() + " is not a folder";
  if (access(dir.c_str(), W_OK | X_OK) != 0) return out.string() + ": the folder " + dir.string() + " is not writable";
  const fs::file_status status = fs::status(out, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return out.string() + ": " + ec.message();
  if (fs::is_directory(status)) return out.string() + ": is a folder, not a file name";
  // A device, pipe or socket is never replaced, even with --force (renaming a file onto
  // /dev/null as root would replace the device for every process on the machine).
  if (fs::exists(status) && !fs::is_regular_file(status))
    return out.string() + ": is not a regular file (a device, pipe or socket); choose a file name";
  if (fs::exists(fs::symlink_status(out, ec)) && !force)
    return out.string() + ": exists already (use --force to replace it)";
  return {};
}

}  // namespace schoolsim::cli
