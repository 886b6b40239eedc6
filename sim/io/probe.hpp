#pragma once
// Probing an HDF5 file before reading it (docs/hardening.md "Damaged HDF5 files"). HDF5
// trusts its metadata: a damaged B-tree, heap or global heap can make the library crash
// (SIGSEGV in H5G__dense_iterate, H5HG_read) or loop forever (H5HG__protect). So before
// schoolsim reads a file whose origin it cannot vouch for, a child process (fork) opens it
// read-only and reads everything the readers could touch: every group listing (by name and
// by creation order), every attribute of every object in full, every dataset in full (which
// checks the Fletcher-32 checksum of every chunk), its dimension scales, the number of
// allocated chunks of every chunked dataset against its shape (a damaged chunk index reads
// back as fill values), and the schoolsim_crc32 checksum of every variable-length string
// variable (HDF5 does not checksum the global heap). The child runs under limits on CPU time,
// memory and wall time; a crash, a limit or an HDF5 error in the child becomes
// DamagedFileError "damaged: FILE: ..." (exit status 1). HDF5 is deterministic, so what the child
// read safely the parent then reads safely.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace schoolsim::io {

/// Throws DamagedFileError "damaged: PATH: <what failed>" unless a child process
/// reads the whole file without an HDF5 error, a crash, or exceeding its limits. A file that
/// passed (same device, inode, size and modification time) is not probed again in this
/// process. Does nothing once `disable_probe` was called (after MPI_Init: forking is unsafe).
/// `path` must be a regular HDF5 file (callers check with regular_file_problem/H5Fis_hdf5).
/// With `data` false, only the metadata (listings, object headers, attributes, shapes) is
/// read: for a quick look at a file's shape before deciding to read it (the memory check).
void probe_readable(const std::filesystem::path& path, bool data = true);

/// Reads each named dataset of a file that passed probe_readable(path, false) in a child
/// process, as probe_readable reads it: one entry per name, "" if it reads back, else what
/// failed ("data error detected by Fletcher32 checksum", "HDF5 crashed reading it: signal 11
/// ..."). One child reads them in turn; after a crash or a limit a new child goes on with the
/// next dataset, so every damaged one is named. `info --verify` uses it.
std::vector<std::string> probe_datasets(const std::filesystem::path& path, const std::vector<std::string>& names);

/// Turns probing off for the rest of the process (MPI ranks; docs/hardening.md says what it
/// leaves open). Files probed before remain trusted.
void disable_probe();

/// The same walk in this process: "" if the file reads back, else the first problem, for
/// example "variable 'school_name': does not match its schoolsim_crc32 checksum". Used by the
/// child; the parent must only call it on files that passed probe_readable.
std::string walk_file(const std::filesystem::path& path, bool data = true);

/// CRC-32 (IEEE, as zlib's crc32) over the strings each followed by a NUL byte: the
/// schoolsim_crc32 attribute NcWriter puts on variable-length string variables.
std::int64_t strings_crc32(const std::vector<std::string>& values);

/// The name of that attribute.
inline constexpr const char* kStringsChecksumAttribute = "schoolsim_crc32";

}  // namespace schoolsim::io
