#pragma once
// Reading a whole input file with a size limit, so a huge file is refused with a clear
// message instead of filling memory; and only regular files, so a FIFO with no writer, a
// device (/dev/zero, /dev/null), a socket or a folder is refused instead of hanging or
// reading as an empty or endless file (docs/hardening.md "Limits").
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
  /// Empty on success, else why the file cannot be used: "no such file", "not a regular file
  /// (a FIFO)", "cannot open the file for reading: <errno text>", "is too large (...)".
  std::string problem;
};

/// Reads `path` if it is a regular file (symbolic links followed) of at most `limit` bytes.
/// The file is opened without blocking and checked with fstat before anything is read, so a
/// FIFO never blocks the caller even if it replaces a regular file after a check.
BoundedRead read_bounded(const std::filesystem::path& path, std::size_t limit);

/// "" if `path` names a regular file (symbolic links followed), else why not: "no such
/// file", "not a regular file (a folder)", "(a FIFO)", "(a character device)", "(a block
/// device)", "(a socket)", or "cannot read the file: <errno text>". Never blocks: for paths
/// handed to libraries (HDF5) that would open and read them.
std::string regular_file_problem(const std::filesystem::path& path);

/// "8 MiB", "1 GiB", "512 KiB", "100 bytes".
std::string size_text(std::size_t bytes);

}  // namespace schoolsim::io
