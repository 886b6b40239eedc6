#pragma once
// Reading a whole input file with a size limit, so a huge file, /dev/zero or a pipe that
// never ends is refused with a clear message instead of filling memory or hanging
// (docs/hardening.md "Limits").
#include <cstddef>
#include <filesystem>
#include <string>

namespace schoolsim::io {

/// Scenario and sweep files: the shipped ones are a few KB; yaml-cpp needs about 80 bytes of
/// memory per byte of YAML, so 8 MiB of YAML is about 700 MB while it is parsed.
inline constexpr std::size_t kMaxYamlBytes = std::size_t{8} << 20;
/// Register and attainment CSVs: England's full GIAS download is about 65 MB.
inline constexpr std::size_t kMaxCsvBytes = std::size_t{1} << 30;

struct BoundedRead {
  std::string bytes;
  /// Empty on success, else why the file cannot be used: "no such file", "is a folder, not a
  /// file", "cannot open the file for reading: <errno text>", "is larger than 8 MiB ...".
  std::string problem;
};

/// Reads `path` (a regular file, or a pipe or device read up to the limit) if it holds at most
/// `limit` bytes. A regular file's size is checked before anything is read.
BoundedRead read_bounded(const std::filesystem::path& path, std::size_t limit);

/// "8 MiB", "1 GiB", "512 KiB", "100 bytes".
std::string size_text(std::size_t bytes);

}  // namespace schoolsim::io
