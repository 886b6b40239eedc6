#pragma once
// NcReader: reads variables and global attributes of an HDF5 file such as NcWriter writes
// (world files, run files). Only what schoolsim's loaders need: whole 1-D or N-D numeric
// variables converted to a requested type, string variables, scalar attributes.
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
  /// The whole variable in C order, converted by HDF5 to T (int8_t, int32_t, int64_t,
  /// double). Throws InputFileError if it is missing or not numeric.
  template <class T>
  std::vector<T> read(const std::string& name) const;
  /// A string variable (variable- or fixed-length). Throws InputFileError if it is missing
  /// or not a string variable.
  std::vector<std::string> read_strings(const std::string& name) const;
  /// A global attribute (string, int64 or double), or std::nullopt if absent.
  std::optional<AttributeValue> global(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

extern template std::vector<std::int8_t> NcReader::read<std::int8_t>(const std::string&) const;
extern template std::vector<std::int32_t> NcReader::read<std::int32_t>(const std::string&) const;
extern template std::vector<std::int64_t> NcReader::read<std::int64_t>(const std::string&) const;
extern template std::vector<double> NcReader::read<double>(const std::string&) const;

}  // namespace schoolsim::io
