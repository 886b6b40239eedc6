#pragma once
// H5Inspect: a catalogue of an HDF5 file such as NcWriter writes - its global attributes and
// variables in creation order, each with its dimension names, shape, element type, attributes
// and storage (virtual or not) - on top of NcReader, which opens, checks and reads the file
// (one reader: H5Inspect adds only the catalogue). Used by `schoolsim merge` (which copies or
// maps any variable of a shard) and `schoolsim info`.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/io/nc_reader.hpp"
#include "sim/io/nc_writer.hpp"

namespace schoolsim::io {

enum class ElementKind { SignedInt, UnsignedInt, Float, String, Other };

struct VariableInfo {
  std::string name;
  std::vector<std::string> dims;  ///< names of the attached dimension scales ("" if none on an axis)
  std::vector<std::size_t> shape;
  ElementKind kind = ElementKind::Other;
  std::size_t bytes = 0;             ///< element size (0 for variable-length strings)
  bool dimension = false;            ///< a dimension scale (coordinate variable)
  bool is_virtual = false;           ///< an HDF5 virtual dataset
  std::vector<std::string> sources;  ///< virtual: the distinct source files, in mapping order
  Attributes attrs;                  ///< without dimension-scale bookkeeping; numbers as int64/double
  /// "int8" ... "float64", "string".
  std::string type_name() const;
};

class H5Inspect {
 public:
  /// Opens `path` read-only; throws InputFileError if it is missing or not HDF5.
  /// Reads it all in a child process first (io/probe.hpp); with `probe_data` false only its
  /// metadata (enough for globals, variables and find; not for read).
  explicit H5Inspect(std::filesystem::path path, bool probe_data = true);
  ~H5Inspect();
  H5Inspect(const H5Inspect&) = delete;
  H5Inspect& operator=(const H5Inspect&) = delete;

  const std::filesystem::path& path() const;
  /// Global attributes in creation order (strings, int64, double; other types skipped).
  Attributes globals() const;
  /// A global attribute, or nullptr.
  const AttributeValue* global(const std::string& name) const;
  /// Every dataset of the root group in creation order.
  const std::vector<VariableInfo>& variables() const;
  /// The variable of that name, or nullptr.
  const VariableInfo* find(const std::string& name) const;

  /// The block [start, start + count) (whole variable if both empty) converted by HDF5 to T
  /// (int8_t, int16_t, int32_t, int64_t, float, double). Throws InputFileError.
  template <class T>
  std::vector<T> read(const std::string& name, const std::vector<std::size_t>& start = {},
                      const std::vector<std::size_t>& count = {}) const;
  /// A whole string variable. Throws InputFileError.
  std::vector<std::string> read_strings(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace schoolsim::io
