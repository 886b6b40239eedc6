#pragma once
// The journal of a sweep in progress (docs/sweeps.md, "Resume"): every finished run is
// appended as one record to OUT.h5.parts/runs.journal, so finished runs survive any
// interruption and the folder holds three files whatever the size of the sweep.
//
// A record is framed as [u64 length][record]; the record holds a format version, the sweep
// fingerprint, the run id, status and error, every result array, the events, a 64-bit
// FNV-1a checksum of all that, and an end marker. A record counts as finished only if it
// decodes and verifies completely: a record torn by a kill (the tail of the journal) is cut
// off on resume, a corrupted one is skipped, and their runs are redone. Appends are not
// fsynced (for speed): a killed process loses nothing, and after a power loss a torn or
// zeroed tail fails its checks. The journal is a machine-local intermediate in native byte
// order; the merged sweep file is the portable result.
//
// The folder also holds `manifest` (fingerprint and run count; written atomically and
// fsynced) and `lock` (flock()ed while a sweep uses the folder, so two processes never write
// one journal; the kernel drops the lock when the process dies).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sweep/run_record.hpp"
#include "sim/sweep/world_digest.hpp"

namespace schoolsim::sweep {

/// The bytes of a record (without the length frame).
std::string encode_record(const RunSchema& schema, std::uint64_t fingerprint, const RunRecord& record);

/// Decodes and verifies a record (magic, version, size, checksum, fingerprint, run id when
/// `run_id` >= 0, shapes against `schema`); throws PartError saying what is wrong.
RunRecord decode_record(const RunSchema& schema, std::uint64_t fingerprint, std::int64_t run_id,
                        std::string_view bytes);

class RunJournal {
 public:
  enum class Mode { Create, Resume };

  /// OUT.h5 -> OUT.h5.parts
  static std::filesystem::path folder_for(const std::filesystem::path& output);

  /// Create: makes the folder (SweepInputError if it exists). Resume: opens it; a manifest
  /// of another sweep (other fingerprint, run count or world: the message names the world's
  /// variables that changed) is a SweepInputError, a missing one is rewritten; a lock,
  /// manifest or journal that is not a regular file (a link, device, pipe or folder) is a
  /// SweepInputError. Either way takes the folder's lock (SweepInputError if another process
  /// holds it) and writes the owner (pid, host) into the lock file.
  RunJournal(std::filesystem::path folder, Mode mode, std::uint64_t fingerprint, std::int64_t runs,
             const WorldDigest& world = {});

  /// For --force: SweepInputError if a live process holds the lock of the parts folder
  /// `folder` (or of one of its MPI rank-K journals); else the locks stay held by the
  /// returned object until it is destroyed, so the folder can be removed safely.
  class FolderLocks;
  static FolderLocks lock_for_removal(const std::filesystem::path& folder);
  ~RunJournal();
  RunJournal(const RunJournal&) = delete;
  RunJournal& operator=(const RunJournal&) = delete;

  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path path() const { return folder_ / "runs.journal"; }

  /// Reads the journal from the start: calls `found` with every valid record (a later record
  /// of a run replaces an earlier one), `problem` with a description of every record that is
  /// skipped, and cuts off a torn tail so appends continue after the last whole record.
  void scan(const RunSchema& schema, const std::function<void(const RunRecord&)>& found,
            const std::function<void(const std::string&)>& problem);
  /// Appends a run's record. Safe to call from several threads. Throws io::OutputError.
  void append(const RunSchema& schema, const RunRecord& record);
  /// Reads and verifies the newest record of a run; throws PartError.
  RunRecord read(const RunSchema& schema, std::int64_t run_id) const;
  /// Runs with a record.
  std::int64_t records() const;
  /// Deletes the folder with everything in it and releases the lock.
  void remove_all();

 private:
  std::filesystem::path folder_;
  std::uint64_t fingerprint_;
  std::int64_t runs_;
  int lock_fd_ = -1;
  int fd_ = -1;                        ///< the journal, open for reading and appending
  std::uint64_t end_ = 0;              ///< bytes of whole records
  std::vector<std::uint64_t> offset_;  ///< frame offset of each run's record + 1 (0: none)
  mutable std::mutex mutex_;
};

class RunJournal::FolderLocks {
 public:
  FolderLocks() = default;
  FolderLocks(FolderLocks&& other) noexcept : fds_(std::move(other.fds_)) { other.fds_.clear(); }
  FolderLocks& operator=(FolderLocks&&) = delete;
  FolderLocks(const FolderLocks&) = delete;
  FolderLocks& operator=(const FolderLocks&) = delete;
  ~FolderLocks();
  void add(int fd) { fds_.push_back(fd); }

 private:
  std::vector<int> fds_;
};

}  // namespace schoolsim::sweep
