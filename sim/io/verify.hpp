#pragma once
// Verifying an output file (`schoolsim info --verify`, docs/hardening.md): every dataset is
// read in full, so HDF5 checks the Fletcher-32 checksum of every stored chunk of every
// numeric dataset (NcWriter puts Fletcher-32 on all of them) and decodes every string; a
// failure is reported with the dataset's name.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace schoolsim::io {

struct DatasetCheck {
  std::string name;
  bool checksummed = false;  ///< Fletcher-32 in its filter pipeline
  bool is_virtual = false;   ///< data read from other files (shards)
  std::uint64_t bytes = 0;   ///< bytes read (in memory)
  std::string error;         ///< empty if it read back; else what HDF5 reported
};

struct VerifyReport {
  std::vector<DatasetCheck> datasets;  ///< in creation order
  bool ok() const;
  std::size_t failures() const;
};

/// Reads every dataset of the file's root group. Throws InputFileError if the file cannot be
/// opened as HDF5 at all; everything after that is reported per dataset.
VerifyReport verify_file(const std::filesystem::path& path);

}  // namespace schoolsim::io
