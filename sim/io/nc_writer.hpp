#pragma once
// NcWriter: writes one HDF5 file that netCDF-4 readers (netCDF-C/ncdump, netCDF4-python,
// xarray with h5netcdf) open with named dimensions. See docs/output_format.md.
//
// Layout choices (why):
// - Each dimension is a 1-D coordinate variable of the same name made an HDF5 dimension
//   scale, and attached to every variable using it: netCDF-4 maps dimensions this way, so
//   readers show the names instead of phony_dim_*.
// - A dimension of size 0 is stored unlimited (and so are the variables' axes over it):
//   HDF5 cannot chunk a fixed axis of size 0, and netCDF itself only makes 0-length
//   dimensions unlimited. ncdump shows it as "UNLIMITED ; // (0 currently)".
// - Numeric variables are chunked (chunks of at most 1 MiB) with shuffle + deflate 4 +
//   Fletcher-32. String coordinates are variable-length UTF-8 strings (netCDF's NC_STRING),
//   chunked but unfiltered: filters would only see heap pointers, and netCDF-C refuses
//   filters on variable-length data. Scalars (no dimensions) are contiguous, unfiltered.
// - String attributes are scalar, fixed-length, null-terminated UTF-8 strings.
// - File format bounded to HDF5 1.8 (readable by every netCDF-4 build), creation order of
//   links and attributes tracked (netCDF lists them in writing order), no object times, so
//   the same content written twice gives byte-identical files.
// - The file is written as "<final>.tmp-<pid>" and renamed onto the final name by commit()
//   after an fsync; without commit() the temporary file is deleted.
//
// Thread-safety: Debian's HDF5 is built without thread-safety. Use at most one NcWriter at
// a time per process, from one thread (or serialise every HDF5 call behind one mutex).
// The constructor turns off HDF5's automatic error-stack printing for the process.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/errors.hpp"

namespace schoolsim::io {

/// Any failure to create, write or publish an output file; the message names the file.
class OutputError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

using AttributeValue = std::variant<std::string, double, std::int64_t>;
struct Attribute {
  std::string name;
  AttributeValue value;
};
using Attributes = std::vector<Attribute>;

/// Writes one netCDF-4-compatible HDF5 file. Misuse (unknown dimension, wrong data size,
/// duplicate name, bad `_FillValue`) throws std::invalid_argument; use after commit()
/// throws std::logic_error; I/O and HDF5 failures throw OutputError.
class NcWriter {
 public:
  /// HDF5 file format bounds: 1.8 (every netCDF-4 reader), or 1.8 to 1.10, which virtual
  /// datasets (define_virtual) need; objects that need no 1.10 feature keep the 1.8 format.
  enum class Format { Hdf5_18, Hdf5_110 };

  /// Creates "<final_path>.tmp-<pid>" in the same folder. Throws OutputError (naming the
  /// path and the reason) if final_path exists and !overwrite, if the folder does not
  /// exist or is not writable, or if HDF5 fails.
  NcWriter(std::filesystem::path final_path, bool overwrite, Format format = Format::Hdf5_18);
  /// Without commit(): closes and deletes the temporary file. Never throws.
  ~NcWriter();
  NcWriter(const NcWriter&) = delete;
  NcWriter& operator=(const NcWriter&) = delete;

  /// Sets (or replaces) a global attribute.
  void set_global(const std::string& name, const AttributeValue& value);

  /// Adds a dimension: a 1-D coordinate variable of the same name made a dimension scale.
  /// Size may be 0. An attribute `_FillValue` is converted to the variable's type.
  void add_dimension(const std::string& name, std::span<const std::int32_t> values, const Attributes& attrs = {});
  void add_dimension(const std::string& name, std::span<const std::int8_t> values, const Attributes& attrs = {});
  /// String dimension (e.g. phase = ["primary", "secondary"]): variable-length strings.
  void add_dimension(const std::string& name, const std::vector<std::string>& labels, const Attributes& attrs = {});

  /// Size of an added dimension; throws std::invalid_argument if there is none.
  std::size_t dimension_size(const std::string& name) const;

  /// Writes a whole variable, `data` in C order over `dims` (each already added; an empty
  /// `dims` writes a scalar). data.size() must equal the product of the dimension sizes,
  /// else std::invalid_argument. Attaches the dimension scales. An attribute `_FillValue`
  /// (int64 or double) is converted to T (std::invalid_argument if it does not fit) and
  /// also set as the HDF5 fill value, since netCDF requires it to have the data's type.
  /// T is one of int8_t, int16_t, int32_t, int64_t, float, double.
  template <class T>
  void write(const std::string& name, const std::vector<std::string>& dims, std::span<const T> data,
             const Attributes& attrs = {});

  /// Convenience: write(name, dims, std::span<const T>(data), attrs).
  template <class T>
  void write(const std::string& name, const std::vector<std::string>& dims, const std::vector<T>& data,
             const Attributes& attrs = {}) {
    write<T>(name, dims, std::span<const T>(data), attrs);
  }

  /// Defines a numeric variable over `dims` (each already added, at least one) without
  /// writing it: fill its values with write_slab(), in any order and number of calls;
  /// values never written read as the fill value (`_FillValue` if given, else 0). Dimension
  /// scales, attributes and filters are as for write(). `chunk` gives the chunk shape (one
  /// entry per dimension, each in [1, size], 1 for a zero-size dimension); empty = the rule
  /// of write(). The dataset stays open, with a chunk cache of two chunks, until commit(),
  /// so slabs written in order along the first dimension are compressed once per chunk and
  /// memory stays at two chunks per defined variable. std::invalid_argument on misuse.
  template <class T>
  void define(const std::string& name, const std::vector<std::string>& dims, const Attributes& attrs = {},
              const std::vector<std::size_t>& chunk = {});

  /// Writes the hyperslab [start, start + count) of a variable made by define(); `data` in
  /// C order over `count`. std::invalid_argument if the variable was not defined, T is not
  /// its type, the slab is out of bounds or data.size() != product(count).
  template <class T>
  void write_slab(const std::string& name, const std::vector<std::size_t>& start, const std::vector<std::size_t>& count,
                  std::span<const T> data);

  /// Convenience: write_slab(name, start, count, std::span<const T>(data)).
  template <class T>
  void write_slab(const std::string& name, const std::vector<std::size_t>& start, const std::vector<std::size_t>& count,
                  const std::vector<T>& data) {
    write_slab<T>(name, start, count, std::span<const T>(data));
  }

  /// One mapping of a virtual dataset: the block [start, start + count) of the variable reads
  /// the block [source_start, source_start + count) of dataset `source_dataset` (of shape
  /// `source_shape`) in the file `source_file`. HDF5 looks a relative `source_file` up
  /// relative to the folder of the file being read, so the files can move together.
  struct VirtualMapping {
    std::string source_file, source_dataset;
    std::vector<std::size_t> source_shape, start, source_start, count;
  };

  /// Defines a numeric variable over `dims` (each added, none of size 0) as an HDF5 virtual
  /// dataset (H5Pset_virtual) joining blocks of other files; values no mapping covers, or
  /// whose source file is missing, read as `fill` (the dataset's HDF5 fill value; a
  /// `_FillValue` attribute is written only if given in `attrs`). Needs Format::Hdf5_110.
  /// Dimension scales and attributes as for write(). std::invalid_argument on misuse.
  template <class T>
  void define_virtual(const std::string& name, const std::vector<std::string>& dims, const Attributes& attrs,
                      const std::vector<VirtualMapping>& mappings, T fill);

  /// Writes a whole variable of variable-length UTF-8 strings (netCDF NC_STRING) over
  /// `dims`, `values` in C order; stored like string dimensions (chunked, unfiltered).
  void write_strings(const std::string& name, const std::vector<std::string>& dims,
                     const std::vector<std::string>& values, const Attributes& attrs = {});

  /// Closes the file, fsyncs it, renames the temporary to final_path (atomically; without
  /// `overwrite` it refuses to replace a file that appeared meanwhile) and fsyncs the
  /// folder. Throws OutputError on failure (the temporary is then deleted by ~NcWriter);
  /// if only the final folder sync fails, the file is already in place and committed().
  void commit();

  bool committed() const;
  const std::filesystem::path& final_path() const;
  const std::filesystem::path& temporary_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

extern template void NcWriter::write<std::int8_t>(const std::string&, const std::vector<std::string>&,
                                                  std::span<const std::int8_t>, const Attributes&);
extern template void NcWriter::write<std::int16_t>(const std::string&, const std::vector<std::string>&,
                                                   std::span<const std::int16_t>, const Attributes&);
extern template void NcWriter::write<std::int32_t>(const std::string&, const std::vector<std::string>&,
                                                   std::span<const std::int32_t>, const Attributes&);
extern template void NcWriter::write<std::int64_t>(const std::string&, const std::vector<std::string>&,
                                                   std::span<const std::int64_t>, const Attributes&);
extern template void NcWriter::write<float>(const std::string&, const std::vector<std::string>&, std::span<const float>,
                                            const Attributes&);
extern template void NcWriter::write<double>(const std::string&, const std::vector<std::string>&,
                                             std::span<const double>, const Attributes&);

#define SCHOOLSIM_NC_SLAB_EXTERN(T)                                                                                \
  extern template void NcWriter::define<T>(const std::string&, const std::vector<std::string>&, const Attributes&, \
                                           const std::vector<std::size_t>&);                                       \
  extern template void NcWriter::define_virtual<T>(const std::string&, const std::vector<std::string>&,            \
                                                   const Attributes&, const std::vector<VirtualMapping>&, T);      \
  extern template void NcWriter::write_slab<T>(const std::string&, const std::vector<std::size_t>&,                \
                                               const std::vector<std::size_t>&, std::span<const T>);
SCHOOLSIM_NC_SLAB_EXTERN(std::int8_t)
SCHOOLSIM_NC_SLAB_EXTERN(std::int16_t)
SCHOOLSIM_NC_SLAB_EXTERN(std::int32_t)
SCHOOLSIM_NC_SLAB_EXTERN(std::int64_t)
SCHOOLSIM_NC_SLAB_EXTERN(float)
SCHOOLSIM_NC_SLAB_EXTERN(double)
#undef SCHOOLSIM_NC_SLAB_EXTERN

}  // namespace schoolsim::io
