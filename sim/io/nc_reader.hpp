#pragma once
// NcReader: schoolsim's one reader of HDF5 files such as NcWriter writes (world files, run
// files, sweep files and shards). The loaders, resume (sweep_file), H5Inspect (info, merge) and
// verify all open files through it, so every file is checked the same way before HDF5 reads
// it: a regular file, an HDF5 signature (else "not an HDF5 file (<HDF5's reason>)"), then the
// child-process probe of io/probe.hpp. It reads numeric variables (whole or a block) converted
// to a requested type, string variables and scalar attributes; HDF5's identifiers and errors go
// through io/h5_handle.hpp.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/io/nc_writer.hpp"

namespace schoolsim::io {

/// Any failure to open or read a file; the message names the file.
class InputFileError : public InputError {
 public:
  using InputError::InputError;
};

class NcReader {
 public:
  /// Opens `path` read-only. Throws InputFileError if it does not exist or is not HDF5.
  /// Reads everything in a child process first (io/probe.hpp); with `probe_data` false only
  /// the metadata (enough for has, shape and global; not for read).
  explicit NcReader(std::filesystem::path path, bool probe_data = true);
  ~NcReader();
  NcReader(const NcReader&) = delete;
  NcReader& operator=(const NcReader&) = delete;

  const std::filesystem::path& path() const;
  /// Whether a variable (dataset) of this name exists at the root.
  bool has(const std::string& name) const;
  /// The variable's shape (empty for a scalar). Throws InputFileError if it is missing.
  std::vector<std::size_t> shape(const std::string& name) const;
  /// The variable in C order, converted by HDF5 to T (int8_t, int16_t, int32_t, int64_t, float,
  /// double): the whole of it, or with `start` and `count` (one entry per axis) the block
  /// [start, start + count). Throws InputFileError if it is missing, not numeric, the block is
  /// out of bounds, or HDF5 cannot read it (the message then carries HDF5's reason).
  template <class T>
  std::vector<T> read(const std::string& name, const std::vector<std::size_t>& start = {},
                      const std::vector<std::size_t>& count = {}) const;
  /// A string variable (variable- or fixed-length). Throws InputFileError if it is missing
  /// or not a string variable.
  std::vector<std::string> read_strings(const std::string& name) const;
  /// A global attribute (string, int64 or double), or std::nullopt if absent.
  std::optional<AttributeValue> global(const std::string& name) const;
  /// The attributes of a variable, or with `variable` "" the global ones, in creation order
  /// (name order if the file does not track it): scalar strings, int64 and double; HDF5's and
  /// netCDF's bookkeeping attributes (dimension scales) and other types are left out.
  Attributes attributes(const std::string& variable = "") const;
  /// The names of the root group's members in creation order (name order if not tracked).
  std::vector<std::string> names() const;
  /// The open file's HDF5 identifier (an hid_t), for the other readers of sim/io (H5Inspect,
  /// verify) that look at what this class does not model; it stays owned by this reader.
  std::int64_t hdf5_id() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

#define SCHOOLSIM_NC_READ(T)                                                                            \
  extern template std::vector<T> NcReader::read<T>(const std::string&, const std::vector<std::size_t>&, \
                                                   const std::vector<std::size_t>&) const;
SCHOOLSIM_NC_READ(std::int8_t)
SCHOOLSIM_NC_READ(std::int16_t)
SCHOOLSIM_NC_READ(std::int32_t)
SCHOOLSIM_NC_READ(std::int64_t)
SCHOOLSIM_NC_READ(float)
SCHOOLSIM_NC_READ(double)
#undef SCHOOLSIM_NC_READ

}  // namespace schoolsim::io
