#pragma once
// Per-run part files of a sweep in progress (docs/sweeps.md, "Resume").
//
// Each finished run (ok or failed) is written to OUT.h5.parts/run-<10-digit id>.part under a
// temporary name and renamed into place, so a part file either is complete or does not
// exist under its final name. A part holds the sweep fingerprint, the run id and a checksum
// over all its bytes; a part that fails any check is deleted and its run is redone. Parts
// are not fsynced (for speed): after a power loss a renamed part may be empty or torn, and
// the checksum catches it. Parts are a machine-local intermediate in native byte order; the
// merged sweep file is the portable result.
//
// The folder also holds `manifest` (fingerprint and run count of the sweep; written
// atomically and fsynced) and `lock` (flock()ed while a sweep uses the folder, so two
// processes never write one folder; the kernel drops the lock if the process dies).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sweep/run_record.hpp"

namespace schoolsim::sweep {

/// The bytes of a part file.
std::string encode_part(const RunSchema& schema, std::uint64_t fingerprint, const RunRecord& record);

/// Decodes and verifies a part (magic, version, size, checksum, fingerprint, run id, shapes
/// against `schema`); throws PartError saying what is wrong.
RunRecord decode_part(const RunSchema& schema, std::uint64_t fingerprint, std::int64_t run_id, std::string_view bytes);

class PartsFolder {
 public:
  enum class Mode { Create, Resume };

  /// OUT.h5 -> OUT.h5.parts
  static std::filesystem::path for_output(const std::filesystem::path& output);

  /// Create: makes the folder (SweepInputError if it exists). Resume: opens it; a manifest
  /// of another sweep (other fingerprint or run count) is a SweepInputError, a missing one is
  /// rewritten. Either way takes the folder's lock (SweepInputError if another process holds it).
  PartsFolder(std::filesystem::path folder, Mode mode, std::uint64_t fingerprint, std::int64_t runs);
  ~PartsFolder();
  PartsFolder(const PartsFolder&) = delete;
  PartsFolder& operator=(const PartsFolder&) = delete;

  const std::filesystem::path& path() const { return folder_; }
  std::filesystem::path part_path(std::int64_t run_id) const;

  /// Writes a run's part atomically. Safe to call from several threads for distinct runs.
  /// Throws io::OutputError on I/O failure.
  void write(const RunSchema& schema, const RunRecord& record) const;
  /// Reads and verifies a run's part; throws PartError.
  RunRecord read(const RunSchema& schema, std::int64_t run_id) const;
  /// Run ids that have a part file (unverified), ascending; deletes leftover temporary files.
  std::vector<std::int64_t> list() const;
  void remove_part(std::int64_t run_id) const;
  /// Deletes the folder with everything in it and releases the lock.
  void remove_all();

 private:
  std::filesystem::path folder_;
  std::uint64_t fingerprint_;
  std::int64_t runs_;
  int lock_fd_ = -1;
};

}  // namespace schoolsim::sweep
