// NcWriter (nc_writer.hpp).
// Long file: every kind of variable (numeric, string, defined then written in slabs, virtual)
// is written by one Impl sharing the open file, the dimension table and the commit (temporary
// file, fsync, atomic rename); splitting it would put that Impl in a header. HDF5 handles and
// error text are in h5_handle.{hpp,cpp}.
#include "sim/io/nc_writer.hpp"

#include "sim/io/h5_handle.hpp"
#include "sim/io/probe.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace schoolsim::io {
namespace {

using h5::Handle;

constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;
constexpr unsigned kDeflateLevel = 1;

// Attributes HDF5 dimension scales and netCDF-4 manage themselves.
const std::set<std::string>& reserved_attribute_names() {
  static const std::set<std::string> names = {"CLASS",          "NAME",          "DIMENSION_LIST",
                                              "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
                                              "_NCProperties",  "_nc3_strict"};
  return names;
}

// Element types: memory type for H5Dwrite, little-endian file type so files are the same
// on every platform.
template <class T>
struct NumericType;
template <>
struct NumericType<std::int8_t> {
  static hid_t memory() { return H5T_NATIVE_INT8; }
  static hid_t file() { return H5T_STD_I8LE; }
};
template <>
struct NumericType<std::int16_t> {
  static hid_t memory() { return H5T_NATIVE_INT16; }
  static hid_t file() { return H5T_STD_I16LE; }
};
template <>
struct NumericType<std::int32_t> {
  static hid_t memory() { return H5T_NATIVE_INT32; }
  static hid_t file() { return H5T_STD_I32LE; }
};
template <>
struct NumericType<std::int64_t> {
  static hid_t memory() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
};
template <>
struct NumericType<float> {
  static hid_t memory() { return H5T_NATIVE_FLOAT; }
  static hid_t file() { return H5T_IEEE_F32LE; }
};
template <>
struct NumericType<double> {
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};

// Converts a `_FillValue` attribute to the variable's type; netCDF rejects any other type.
template <class T>
T convert_fill_value(const std::string& variable, const AttributeValue& value) {
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("_FillValue of variable '" + variable + "' " + why);
  };
  if (std::holds_alternative<std::string>(value)) throw bad("must be a number, not a string");
  if constexpr (std::is_integral_v<T>) {
    std::int64_t integer = 0;
    if (const auto* as_int = std::get_if<std::int64_t>(&value)) {
      integer = *as_int;
    } else {
      const double real = std::get<double>(value);
      // 2^63 is exactly representable; anything at or beyond it does not fit int64.
      if (!std::isfinite(real) || real != std::trunc(real) || real < -9.223372036854775808e18 ||
          real >= 9.223372036854775808e18) {
        throw bad("is not an integer value");
      }
      integer = static_cast<std::int64_t>(real);
    }
    if (integer < std::numeric_limits<T>::min() || integer > std::numeric_limits<T>::max()) {
      throw bad("does not fit the variable's integer type");
    }
    return static_cast<T>(integer);
  } else {
    const double real = std::holds_alternative<double>(value) ? std::get<double>(value)
                                                              : static_cast<double>(std::get<std::int64_t>(value));
    if (std::isfinite(real) && std::abs(real) > static_cast<double>(std::numeric_limits<T>::max())) {
      throw bad("does not fit the variable's floating-point type");
    }
    return static_cast<T>(real);
  }
}

void check_name(const std::string& kind, const std::string& name) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos || name.find('\0') != std::string::npos) {
    throw std::invalid_argument(kind + " name '" + name + "' is not allowed (empty, '.', or containing '/' or NUL)");
  }
}

// Rejects reserved and duplicate attribute names before anything is created, so a bad call
// leaves the file unchanged.
void check_attributes(const std::string& variable, const Attributes& attrs) {
  std::set<std::string> seen;
  for (const Attribute& attr : attrs) {
    check_name("attribute", attr.name);
    if (reserved_attribute_names().contains(attr.name)) {
      throw std::invalid_argument("attribute '" + attr.name + "' of variable '" + variable +
                                  "' is reserved for dimension scales / netCDF");
    }
    if (!seen.insert(attr.name).second) {
      throw std::invalid_argument("attribute '" + attr.name + "' given twice for variable '" + variable + "'");
    }
    if (const auto* text = std::get_if<std::string>(&attr.value);
        text != nullptr && text->find('\0') != std::string::npos) {
      throw std::invalid_argument("attribute '" + attr.name + "' of variable '" + variable +
                                  "' contains a NUL character");
    }
  }
}

// The innermost HDF5 error (where it originated), which usually carries the useful detail
// (errno text, "file exists", ...), with its minor class; the stack is cleared.
std::string take_hdf5_error() {
  const std::vector<h5::ErrorEntry> errors = h5::take_errors();
  if (errors.empty()) return "unknown HDF5 error";
  const h5::ErrorEntry& e = errors.front();
  return e.description + (e.minor.empty() ? std::string() : " (" + e.minor + ")");
}

std::string errno_text(int error) { return std::error_code(error, std::generic_category()).message(); }

std::filesystem::path folder_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

// Process-wide policy of the output layer, set before main() (docs/hardening.md):
// - No HDF5 clean-up at exit. After a failed write (disk full, file size limit) HDF5 keeps a
//   half-closed file in its tables, and its atexit handler (H5_term_library) then crashed in
//   H5F__close_cb (HDF5 1.10.8): a clear "No space left on device" error ended in a
//   segmentation fault. Every file is closed explicitly anyway (commit, ~NcWriter, readers).
//   H5dont_atexit() must come before any other HDF5 call, hence a static initializer.
// - SIGXFSZ ignored: over a file size limit (ulimit -f) write() then fails with EFBIG and the
//   writer reports it and deletes its temporary file, instead of the process being killed
//   with a core dump and the temporary file left behind.
const bool kProcessPolicy = [] {
  H5dont_atexit();
  std::signal(SIGXFSZ, SIG_IGN);
  return true;
}();

// Syncs a file or folder to disk; returns an error text, empty on success.
std::string fsync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return "cannot open it to sync it: " + errno_text(errno);
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot sync a folder (EINVAL); the rename is then as durable as it gets.
  if (status != 0 && error != EINVAL && error != EROFS) return "cannot sync it: " + errno_text(error);
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------
struct NcWriter::Impl {
  std::filesystem::path final_path;
  std::filesystem::path temporary_path;
  bool overwrite = false;
  NcWriter::Format format = NcWriter::Format::Hdf5_18;
  Handle file;
  bool committed = false;
  bool temporary_exists = false;
  std::map<std::string, std::size_t> dimensions;  // name -> size
  std::set<std::string> variables;                // every dataset name, dimensions included
  // Variables made by define(), open until commit() so slab writes reuse the chunk cache.
  struct Defined {
    Handle dataset;
    const std::type_info* type = nullptr;
    std::vector<hsize_t> shape;
  };
  std::map<std::string, Defined> defined;

  [[noreturn]] void fail(const std::string& what) const {
    throw OutputError("cannot write output file '" + final_path.string() + "': " + what);
  }
  [[noreturn]] void fail_hdf5(const std::string& what) const { fail(what + " (HDF5: " + take_hdf5_error() + ")"); }
  hid_t check(hid_t id, const std::string& what) const {
    if (id < 0) fail_hdf5(what);
    return id;
  }
  void check_status(herr_t status, const std::string& what) const {
    if (status < 0) fail_hdf5(what);
  }
  Handle plist(hid_t cls, const std::string& what) const {
    return Handle(check(H5Pcreate(cls), "cannot create " + what + " property list"));
  }

  void require_open() const {
    if (committed) {
      throw std::logic_error("NcWriter for '" + final_path.string() + "' already committed");
    }
  }
  void require_new_variable(const std::string& name) const {
    check_name("variable", name);
    if (variables.contains(name)) {
      throw std::invalid_argument("variable or dimension '" + name + "' already written to '" + final_path.string() +
                                  "'");
    }
  }

  Handle string_type(std::size_t size) const {
    Handle type(check(H5Tcopy(H5T_C_S1), "cannot create string type"));
    check_status(H5Tset_size(type.get(), size), "cannot size string type");
    check_status(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "cannot set string padding");
    check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot set string encoding");
    return type;
  }

  // Writes one scalar attribute: strings fixed-length null-terminated, numbers as given or,
  // for `_FillValue`, already converted by the caller (`fill_type`, `fill_bytes`).
  void write_attribute(hid_t object, const std::string& where, const Attribute& attr) const {
    Handle space(check(H5Screate(H5S_SCALAR), "cannot create attribute dataspace"));
    Handle owned_type;
    hid_t file_type = H5I_INVALID_HID;
    hid_t memory_type = H5I_INVALID_HID;
    const void* buffer = nullptr;
    if (const auto* text = std::get_if<std::string>(&attr.value)) {
      owned_type = string_type(text->size() + 1);  // + 1: the terminating NUL
      file_type = memory_type = owned_type.get();
      buffer = text->c_str();
    } else if (const auto* real = std::get_if<double>(&attr.value)) {
      file_type = H5T_IEEE_F64LE;
      memory_type = H5T_NATIVE_DOUBLE;
      buffer = real;
    } else {
      file_type = H5T_STD_I64LE;
      memory_type = H5T_NATIVE_INT64;
      buffer = &std::get<std::int64_t>(attr.value);
    }
    write_attribute_raw(object, where, attr.name, file_type, memory_type, space.get(), buffer);
  }

  void write_attribute_raw(hid_t object, const std::string& where, const std::string& name, hid_t file_type,
                           hid_t memory_type, hid_t space, const void* buffer) const {
    const std::string what = "attribute '" + name + "' of " + where;
    Handle attribute(
        check(H5Acreate2(object, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT), "cannot create " + what));
    check_status(H5Awrite(attribute.get(), memory_type, buffer), "cannot write " + what);
    check_status(attribute.close(), "cannot close " + what);
  }

  std::vector<hsize_t> shape_of(const std::string& variable, const std::vector<std::string>& dims) const {
    std::vector<hsize_t> shape;
    std::set<std::string> seen;
    for (const std::string& dim : dims) {
      const auto found = dimensions.find(dim);
      if (found == dimensions.end()) {
        throw std::invalid_argument("variable '" + variable + "' uses dimension '" + dim + "', which was not added");
      }
      if (!seen.insert(dim).second) {
        // netCDF allows it, but HDF5 dimension scales cannot be attached twice to one dataset.
        throw std::invalid_argument("variable '" + variable + "' uses dimension '" + dim + "' twice");
      }
      shape.push_back(found->second);
    }
    return shape;
  }

  // Chunk shape: the whole variable if it fits in 1 MiB, else the largest axis is halved
  // until it does (for (term, school) that splits by school). Axes of size 0 get chunk 1.
  static std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& shape, std::size_t element_bytes) {
    std::vector<hsize_t> chunk(shape.size());
    std::transform(shape.begin(), shape.end(), chunk.begin(), [](hsize_t size) { return std::max<hsize_t>(size, 1); });
    const auto bytes = [&] {
      hsize_t total = element_bytes;
      for (const hsize_t size : chunk) total *= size;
      return total;
    };
    while (bytes() > kMaxChunkBytes) {
      const auto largest = std::max_element(chunk.begin(), chunk.end());
      if (*largest == 1) break;
      *largest = (*largest + 1) / 2;
    }
    return chunk;
  }

  struct Layout {
    Handle space;
    Handle dcpl;
  };

  // Dataspace and creation properties: zero-size axes unlimited (HDF5 cannot chunk a fixed
  // axis of size 0), chunked unless scalar, filters only for numeric data.
  Layout layout(const std::string& variable, const std::vector<hsize_t>& shape, std::size_t element_bytes,
                bool filtered, const std::vector<hsize_t>& chunk_override = {}) const {
    Layout out;
    out.dcpl = plist(H5P_DATASET_CREATE, "dataset creation");
    const hid_t dcpl = out.dcpl.get();
    const std::string where = "variable '" + variable + "'";
    check_status(H5Pset_obj_track_times(dcpl, false), "cannot turn off times for " + where);
    check_status(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
                 "cannot track attribute order for " + where);
    if (shape.empty()) {
      out.space = Handle(check(H5Screate(H5S_SCALAR), "cannot create dataspace for " + where));
      return out;
    }
    std::vector<hsize_t> max_shape(shape);
    for (hsize_t& size : max_shape) {
      if (size == 0) size = H5S_UNLIMITED;
    }
    out.space = Handle(check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), max_shape.data()),
                             "cannot create dataspace for " + where));
    const std::vector<hsize_t> chunk = chunk_override.empty() ? chunk_shape(shape, element_bytes) : chunk_override;
    check_status(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "cannot set chunking for " + where);
    if (filtered) {
      // Checksum last, so it covers the stored (compressed) bytes.
      check_status(H5Pset_shuffle(dcpl), "cannot set shuffle filter for " + where);
      check_status(H5Pset_deflate(dcpl, kDeflateLevel), "cannot set deflate filter for " + where);
      check_status(H5Pset_fletcher32(dcpl), "cannot set Fletcher-32 filter for " + where);
    }
    return out;
  }

  Handle create_dataset(const std::string& variable, hid_t file_type, const Layout& layout,
                        hid_t dapl = H5P_DEFAULT) const {
    Handle lcpl = plist(H5P_LINK_CREATE, "link creation");
    check_status(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8),
                 "cannot set UTF-8 names for variable '" + variable + "'");
    return Handle(check(
        H5Dcreate2(file.get(), variable.c_str(), file_type, layout.space.get(), lcpl.get(), layout.dcpl.get(), dapl),
        "cannot create variable '" + variable + "'"));
  }

  template <class T>
  void write_numeric(const std::string& name, const std::vector<std::string>& dims, std::span<const T> data,
                     const Attributes& attrs, bool as_dimension) {
    require_open();
    require_new_variable(name);
    check_attributes(name, attrs);
    const std::vector<hsize_t> shape = as_dimension ? std::vector<hsize_t>{data.size()} : shape_of(name, dims);
    hsize_t expected = 1;
    for (const hsize_t size : shape) expected *= size;
    if (data.size() != expected) {
      throw std::invalid_argument("variable '" + name + "' has " + std::to_string(data.size()) +
                                  " values but its dimensions hold " + std::to_string(expected) + " (writing '" +
                                  final_path.string() + "')");
    }
    std::optional<T> fill;
    for (const Attribute& attr : attrs) {
      if (attr.name == "_FillValue") fill = convert_fill_value<T>(name, attr.value);
    }

    Layout plan = layout(name, shape, sizeof(T), true);
    if (fill) {
      check_status(H5Pset_fill_value(plan.dcpl.get(), NumericType<T>::memory(), &*fill),
                   "cannot set fill value of variable '" + name + "'");
    }
    Handle dataset = create_dataset(name, NumericType<T>::file(), plan);
    variables.insert(name);
    if (!data.empty()) {
      check_status(H5Dwrite(dataset.get(), NumericType<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()),
                   "cannot write variable '" + name + "'");
    }
    finish_variable(dataset.get(), name, dims, attrs, as_dimension, [&](const Attribute& attr) {
      Handle space(check(H5Screate(H5S_SCALAR), "cannot create attribute dataspace"));
      write_attribute_raw(dataset.get(), "variable '" + name + "'", attr.name, NumericType<T>::file(),
                          NumericType<T>::memory(), space.get(), &*fill);
    });
    check_status(dataset.close(), "cannot close variable '" + name + "'");
  }

  // A dimension of string labels (as_dimension) or a string variable over `dims`.
  void write_strings(const std::string& name, const std::vector<std::string>& dims,
                     const std::vector<std::string>& labels, const Attributes& attrs, bool as_dimension) {
    require_open();
    require_new_variable(name);
    check_attributes(name, attrs);
    for (const Attribute& attr : attrs) {
      if (attr.name == "_FillValue") {
        throw std::invalid_argument("_FillValue is not supported on string variable '" + name + "'");
      }
    }
    const std::vector<hsize_t> shape = as_dimension ? std::vector<hsize_t>{labels.size()} : shape_of(name, dims);
    if (shape.empty()) {
      throw std::invalid_argument("string variable '" + name + "' needs at least one dimension");
    }
    hsize_t expected = 1;
    for (const hsize_t size : shape) expected *= size;
    if (labels.size() != expected) {
      throw std::invalid_argument("variable '" + name + "' has " + std::to_string(labels.size()) +
                                  " values but its dimensions hold " + std::to_string(expected) + " (writing '" +
                                  final_path.string() + "')");
    }
    std::vector<const char*> pointers;
    pointers.reserve(labels.size());
    for (const std::string& label : labels) {
      if (label.find('\0') != std::string::npos) {
        throw std::invalid_argument("value of '" + name + "' contains a NUL character");
      }
      pointers.push_back(label.c_str());
    }
    Handle type = string_type(H5T_VARIABLE);
    // 16 bytes: the size of a variable-length string's heap reference in the file.
    Layout plan = layout(name, shape, 16, false);
    Handle dataset = create_dataset(name, type.get(), plan);
    variables.insert(name);
    if (!pointers.empty()) {
      check_status(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
                   "cannot write variable '" + name + "'");
    }
    // HDF5 keeps variable-length strings in the global heap, which it does not checksum:
    // a CRC-32 of the strings lets readers and `info --verify` detect damage (io/probe.hpp).
    // One copied from another file (merge) is replaced.
    Attributes with_checksum;
    for (const Attribute& attr : attrs)
      if (attr.name != kStringsChecksumAttribute) with_checksum.push_back(attr);
    with_checksum.push_back({kStringsChecksumAttribute, strings_crc32(labels)});
    finish_variable(dataset.get(), name, dims, with_checksum, as_dimension, [](const Attribute&) {});
    check_status(dataset.close(), "cannot close variable '" + name + "'");
  }

  template <class T>
  void define_numeric(const std::string& name, const std::vector<std::string>& dims, const Attributes& attrs,
                      const std::vector<std::size_t>& chunk) {
    require_open();
    require_new_variable(name);
    check_attributes(name, attrs);
    if (dims.empty()) {
      throw std::invalid_argument("variable '" + name + "' to be written in slabs needs a dimension");
    }
    const std::vector<hsize_t> shape = shape_of(name, dims);
    std::vector<hsize_t> chunk_dims;
    if (!chunk.empty()) {
      if (chunk.size() != shape.size()) {
        throw std::invalid_argument("chunk shape of variable '" + name + "' has " + std::to_string(chunk.size()) +
                                    " entries for " + std::to_string(shape.size()) + " dimensions");
      }
      for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        if (chunk[axis] < 1 || chunk[axis] > std::max<hsize_t>(shape[axis], 1)) {
          throw std::invalid_argument("chunk size " + std::to_string(chunk[axis]) + " of variable '" + name +
                                      "' along '" + dims[axis] + "' is not in [1, " +
                                      std::to_string(std::max<hsize_t>(shape[axis], 1)) + "]");
        }
        chunk_dims.push_back(chunk[axis]);
      }
    } else {
      chunk_dims = chunk_shape(shape, sizeof(T));
    }
    std::optional<T> fill;
    for (const Attribute& attr : attrs) {
      if (attr.name == "_FillValue") fill = convert_fill_value<T>(name, attr.value);
    }
    Layout plan = layout(name, shape, sizeof(T), true, chunk_dims);
    if (fill) {
      check_status(H5Pset_fill_value(plan.dcpl.get(), NumericType<T>::memory(), &*fill),
                   "cannot set fill value of variable '" + name + "'");
    }
    // Chunk cache of two chunks: a chunk filled by several slabs in order is compressed and
    // written once, when complete, and memory stays at two chunks per open variable (HDF5
    // evicts only when the cache is full, so a larger cache would just fill up).
    hsize_t chunk_bytes = sizeof(T);
    for (const hsize_t size : chunk_dims) chunk_bytes *= size;
    Handle dapl = plist(H5P_DATASET_ACCESS, "dataset access");
    check_status(H5Pset_chunk_cache(dapl.get(), 521, static_cast<std::size_t>(2 * chunk_bytes), 1.0),
                 "cannot set the chunk cache of variable '" + name + "'");
    Handle dataset = create_dataset(name, NumericType<T>::file(), plan, dapl.get());
    variables.insert(name);
    finish_variable(dataset.get(), name, dims, attrs, false, [&](const Attribute& attr) {
      Handle space(check(H5Screate(H5S_SCALAR), "cannot create attribute dataspace"));
      write_attribute_raw(dataset.get(), "variable '" + name + "'", attr.name, NumericType<T>::file(),
                          NumericType<T>::memory(), space.get(), &*fill);
    });
    defined.emplace(name, Defined{std::move(dataset), &typeid(T), shape});
  }

  template <class T>
  void write_slab(const std::string& name, const std::vector<std::size_t>& start, const std::vector<std::size_t>& count,
                  std::span<const T> data) {
    require_open();
    const auto found = defined.find(name);
    if (found == defined.end()) {
      throw std::invalid_argument("variable '" + name + "' was not made by define() in '" + final_path.string() + "'");
    }
    Defined& var = found->second;
    if (*var.type != typeid(T)) {
      throw std::invalid_argument("slab of variable '" + name + "' has the wrong element type");
    }
    const std::size_t rank = var.shape.size();
    if (start.size() != rank || count.size() != rank) {
      throw std::invalid_argument("slab of variable '" + name + "' needs " + std::to_string(rank) +
                                  " start and count entries");
    }
    hsize_t expected = 1;
    for (std::size_t axis = 0; axis < rank; ++axis) {
      if (start[axis] > var.shape[axis] || count[axis] > var.shape[axis] - start[axis]) {
        throw std::invalid_argument("slab of variable '" + name + "' is out of bounds along axis " +
                                    std::to_string(axis));
      }
      expected *= count[axis];
    }
    if (data.size() != expected) {
      throw std::invalid_argument("slab of variable '" + name + "' has " + std::to_string(data.size()) +
                                  " values for a slab of " + std::to_string(expected));
    }
    if (expected == 0) return;
    const std::vector<hsize_t> offset(start.begin(), start.end());
    const std::vector<hsize_t> block(count.begin(), count.end());
    Handle file_space(check(H5Dget_space(var.dataset.get()), "cannot get dataspace of '" + name + "'"));
    check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, offset.data(), nullptr, block.data(), nullptr),
                 "cannot select a slab of variable '" + name + "'");
    Handle memory_space(check(H5Screate_simple(static_cast<int>(rank), block.data(), nullptr),
                              "cannot create memory dataspace for '" + name + "'"));
    check_status(H5Dwrite(var.dataset.get(), NumericType<T>::memory(), memory_space.get(), file_space.get(),
                          H5P_DEFAULT, data.data()),
                 "cannot write a slab of variable '" + name + "'");
  }

  template <class T>
  void define_virtual(const std::string& name, const std::vector<std::string>& dims, const Attributes& attrs,
                      const std::vector<NcWriter::VirtualMapping>& mappings, T fill) {
    require_open();
    require_new_variable(name);
    check_attributes(name, attrs);
    if (format != NcWriter::Format::Hdf5_110) {
      throw std::logic_error("virtual variable '" + name + "' needs an NcWriter with Format::Hdf5_110");
    }
    const std::vector<hsize_t> shape = shape_of(name, dims);
    if (shape.empty() || std::find(shape.begin(), shape.end(), hsize_t{0}) != shape.end()) {
      throw std::invalid_argument("virtual variable '" + name + "' needs dimensions of nonzero size");
    }
    std::optional<T> fill_attr;
    for (const Attribute& attr : attrs) {
      if (attr.name == "_FillValue") fill_attr = convert_fill_value<T>(name, attr.value);
    }
    const std::string where = "virtual variable '" + name + "'";
    const auto rank = static_cast<int>(shape.size());
    Handle dcpl = plist(H5P_DATASET_CREATE, "dataset creation");
    check_status(H5Pset_obj_track_times(dcpl.get(), false), "cannot turn off times for " + where);
    check_status(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
                 "cannot track attribute order for " + where);
    check_status(H5Pset_fill_value(dcpl.get(), NumericType<T>::memory(), &fill), "cannot set fill value of " + where);
    Handle space(check(H5Screate_simple(rank, shape.data(), nullptr), "cannot create dataspace for " + where));
    for (const NcWriter::VirtualMapping& m : mappings) {
      const std::size_t n = shape.size();
      if (m.start.size() != n || m.count.size() != n || m.source_start.size() != n || m.source_shape.size() != n) {
        throw std::invalid_argument("a mapping of " + where + " needs " + std::to_string(n) + " entries per block");
      }
      bool empty = false;
      for (std::size_t axis = 0; axis < n; ++axis) {
        if (m.start[axis] + m.count[axis] > shape[axis] ||
            m.source_start[axis] + m.count[axis] > m.source_shape[axis]) {
          throw std::invalid_argument("a mapping of " + where + " is out of bounds along axis " + std::to_string(axis));
        }
        empty = empty || m.count[axis] == 0;
      }
      if (empty) continue;
      const std::vector<hsize_t> start(m.start.begin(), m.start.end()), count(m.count.begin(), m.count.end()),
          source_start(m.source_start.begin(), m.source_start.end()),
          source_shape(m.source_shape.begin(), m.source_shape.end());
      check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                   "cannot select a block of " + where);
      Handle source(check(H5Screate_simple(rank, source_shape.data(), nullptr), "cannot create a source dataspace"));
      check_status(
          H5Sselect_hyperslab(source.get(), H5S_SELECT_SET, source_start.data(), nullptr, count.data(), nullptr),
          "cannot select a source block of " + where);
      check_status(
          H5Pset_virtual(dcpl.get(), space.get(), m.source_file.c_str(), m.source_dataset.c_str(), source.get()),
          "cannot map '" + m.source_file + "':" + m.source_dataset + " into " + where);
    }
    check_status(H5Sselect_all(space.get()), "cannot reset the dataspace of " + where);
    Handle lcpl = plist(H5P_LINK_CREATE, "link creation");
    check_status(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), "cannot set UTF-8 names for " + where);
    Handle dataset(check(
        H5Dcreate2(file.get(), name.c_str(), NumericType<T>::file(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT),
        "cannot create " + where));
    variables.insert(name);
    finish_variable(dataset.get(), name, dims, attrs, false, [&](const Attribute& attr) {
      Handle scalar(check(H5Screate(H5S_SCALAR), "cannot create attribute dataspace"));
      write_attribute_raw(dataset.get(), "variable '" + name + "'", attr.name, NumericType<T>::file(),
                          NumericType<T>::memory(), scalar.get(), &*fill_attr);
    });
    check_status(dataset.close(), "cannot close " + where);
  }

  // Closes the variables made by define() (commit, destructor).
  void close_defined(bool check_errors) {
    for (auto& [name, var] : defined) {
      const herr_t status = var.dataset.close();
      if (check_errors) check_status(status, "cannot close variable '" + name + "'");
    }
    defined.clear();
  }

  // Dimension scale (for a dimension) or attached scales (for a variable), then attributes.
  template <class WriteFill>
  void finish_variable(hid_t dataset, const std::string& name, const std::vector<std::string>& dims,
                       const Attributes& attrs, bool as_dimension, WriteFill&& write_fill) {
    const std::string where = "variable '" + name + "'";
    if (as_dimension) {
      check_status(H5DSset_scale(dataset, name.c_str()), "cannot make '" + name + "' a dimension scale");
      dimensions.emplace(name, dimension_length(dataset));
    } else {
      for (std::size_t axis = 0; axis < dims.size(); ++axis) {
        Handle scale(
            check(H5Dopen2(file.get(), dims[axis].c_str(), H5P_DEFAULT), "cannot open dimension '" + dims[axis] + "'"));
        check_status(H5DSattach_scale(dataset, scale.get(), static_cast<unsigned>(axis)),
                     "cannot attach dimension '" + dims[axis] + "' to " + where);
      }
    }
    for (const Attribute& attr : attrs) {
      if (attr.name == "_FillValue") {
        write_fill(attr);
      } else {
        write_attribute(dataset, where, attr);
      }
    }
  }

  std::size_t dimension_length(hid_t dataset) const {
    Handle space(check(H5Dget_space(dataset), "cannot read a dimension's dataspace"));
    hsize_t size = 0;
    check_status(H5Sget_simple_extent_dims(space.get(), &size, nullptr), "cannot read a dimension's size");
    return static_cast<std::size_t>(size);
  }
};

// ---------------------------------------------------------------------------------------
NcWriter::NcWriter(std::filesystem::path final_path, bool overwrite, Format format) : impl_(std::make_unique<Impl>()) {
  Impl& self = *impl_;
  self.final_path = std::move(final_path);
  self.overwrite = overwrite;
  self.format = format;
  self.temporary_path = self.final_path;
  self.temporary_path += ".tmp-" + std::to_string(::getpid());

  // HDF5 would otherwise print its error stack to stderr; failures become OutputError.
  const h5::ErrorCapture capture;

  std::error_code error;
  const std::filesystem::path folder = folder_of(self.final_path);
  if (!std::filesystem::is_directory(folder, error)) {
    self.fail("folder '" + folder.string() + "' does not exist");
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    self.fail("folder '" + folder.string() + "' is not writable: " + errno_text(errno));
  }
  const auto status = std::filesystem::symlink_status(self.final_path, error);
  if (std::filesystem::exists(status)) {
    if (!overwrite) self.fail("file exists and overwriting was not requested (--force)");
    if (std::filesystem::is_directory(status)) self.fail("a folder of that name exists");
    // Never rename over a device, pipe or socket (as root, over /dev/null itself); a
    // symbolic link is replaced, not what it points to.
    if (!std::filesystem::is_regular_file(status) && !std::filesystem::is_symlink(status))
      self.fail("it is not a regular file (a device, pipe or socket)");
  }

  Handle fcpl = self.plist(H5P_FILE_CREATE, "file creation");
  // Root group: no times, creation order kept (netCDF lists variables in writing order).
  self.check_status(H5Pset_obj_track_times(fcpl.get(), false), "cannot turn off object times");
  self.check_status(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
                    "cannot track link creation order");
  self.check_status(H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
                    "cannot track attribute creation order");
  Handle fapl = self.plist(H5P_FILE_ACCESS, "file access");
  // HDF5 1.10 format: all metadata checksummed, including the chunk indexes (fixed and
  // extensible arrays instead of the 1.8 format's unchecksummed B-trees), so damage is
  // reported instead of read back as fill values (docs/hardening.md); netCDF-4 4.9, h5py and
  // h5netcdf built on HDF5 >= 1.10 open it; attributes > 64 KiB (the scenario YAML) go to dense
  // storage. Virtual datasets need it too (layout message version 4).
  (void)format;
  self.check_status(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110),
                    "cannot set file format bounds");
  // Nothing else opens the temporary file, and locks fail on some cluster file systems.
  self.check_status(H5Pset_file_locking(fapl.get(), false, true), "cannot turn off file locking");
  self.check_status(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "cannot set file close degree");

  // EXCL: never clobber a temporary file another writer in this process is using.
  const hid_t file = H5Fcreate(self.temporary_path.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get());
  if (file < 0) {
    self.fail_hdf5("cannot create temporary file '" + self.temporary_path.string() + "'");
  }
  self.file = Handle(file);
  self.temporary_exists = true;
}

NcWriter::~NcWriter() {
  if (!impl_) return;
  const h5::ErrorCapture capture;
  impl_->close_defined(false);
  impl_->file.reset();
  if (impl_->temporary_exists) {
    std::error_code ignored;
    std::filesystem::remove(impl_->temporary_path, ignored);
  }
  H5Eclear2(H5E_DEFAULT);
}

void NcWriter::set_global(const std::string& name, const AttributeValue& value) {
  const h5::ErrorCapture capture;
  Impl& self = *impl_;
  self.require_open();
  const Attribute attr{name, value};
  check_attributes("(global)", {attr});
  const htri_t exists = H5Aexists(self.file.get(), name.c_str());
  self.check_status(exists, "cannot look up global attribute '" + name + "'");
  if (exists > 0) {
    self.check_status(H5Adelete(self.file.get(), name.c_str()), "cannot replace global attribute '" + name + "'");
  }
  self.write_attribute(self.file.get(), "the file", attr);
}

void NcWriter::add_dimension(const std::string& name, std::span<const std::int32_t> values, const Attributes& attrs) {
  const h5::ErrorCapture capture;
  impl_->write_numeric<std::int32_t>(name, {}, values, attrs, true);
}

void NcWriter::add_dimension(const std::string& name, std::span<const std::int8_t> values, const Attributes& attrs) {
  const h5::ErrorCapture capture;
  impl_->write_numeric<std::int8_t>(name, {}, values, attrs, true);
}

void NcWriter::add_dimension(const std::string& name, const std::vector<std::string>& labels, const Attributes& attrs) {
  const h5::ErrorCapture capture;
  impl_->write_strings(name, {}, labels, attrs, true);
}

void NcWriter::write_strings(const std::string& name, const std::vector<std::string>& dims,
                             const std::vector<std::string>& values, const Attributes& attrs) {
  const h5::ErrorCapture capture;
  impl_->write_strings(name, dims, values, attrs, false);
}

template <class T>
void NcWriter::define(const std::string& name, const std::vector<std::string>& dims, const Attributes& attrs,
                      const std::vector<std::size_t>& chunk) {
  const h5::ErrorCapture capture;
  impl_->define_numeric<T>(name, dims, attrs, chunk);
}

template <class T>
void NcWriter::write_slab(const std::string& name, const std::vector<std::size_t>& start,
                          const std::vector<std::size_t>& count, std::span<const T> data) {
  const h5::ErrorCapture capture;
  impl_->write_slab<T>(name, start, count, data);
}

template <class T>
void NcWriter::define_virtual(const std::string& name, const std::vector<std::string>& dims, const Attributes& attrs,
                              const std::vector<VirtualMapping>& mappings, T fill) {
  const h5::ErrorCapture capture;
  impl_->define_virtual<T>(name, dims, attrs, mappings, fill);
}

std::size_t NcWriter::dimension_size(const std::string& name) const {
  const auto found = impl_->dimensions.find(name);
  if (found == impl_->dimensions.end()) {
    throw std::invalid_argument("no dimension '" + name + "' in '" + impl_->final_path.string() + "'");
  }
  return found->second;
}

template <class T>
void NcWriter::write(const std::string& name, const std::vector<std::string>& dims, std::span<const T> data,
                     const Attributes& attrs) {
  const h5::ErrorCapture capture;
  impl_->write_numeric<T>(name, dims, data, attrs, false);
}

void NcWriter::commit() {
  const h5::ErrorCapture capture;
  Impl& self = *impl_;
  self.require_open();

  self.close_defined(true);
  self.check_status(H5Fflush(self.file.get(), H5F_SCOPE_GLOBAL), "cannot flush the file");
  self.check_status(self.file.close(), "cannot close the file");
  if (const std::string error = fsync_path(self.temporary_path, O_RDONLY); !error.empty()) {
    self.fail("temporary file '" + self.temporary_path.string() + "': " + error);
  }

  if (self.overwrite) {
    if (std::rename(self.temporary_path.c_str(), self.final_path.c_str()) != 0) {
      self.fail("cannot rename the temporary file onto it: " + errno_text(errno));
    }
  } else {
    // RENAME_NOREPLACE: refuse atomically if the final file appeared since construction.
    if (::renameat2(AT_FDCWD, self.temporary_path.c_str(), AT_FDCWD, self.final_path.c_str(), RENAME_NOREPLACE) != 0) {
      const int error = errno;
      if (error == EEXIST) self.fail("file exists and overwriting was not requested (--force)");
      if (error != EINVAL && error != ENOSYS) {
        self.fail("cannot rename the temporary file onto it: " + errno_text(error));
      }
      // The file system cannot refuse atomically; check, then rename.
      std::error_code ignored;
      if (std::filesystem::exists(std::filesystem::symlink_status(self.final_path, ignored))) {
        self.fail("file exists and overwriting was not requested (--force)");
      }
      if (std::rename(self.temporary_path.c_str(), self.final_path.c_str()) != 0) {
        self.fail("cannot rename the temporary file onto it: " + errno_text(errno));
      }
    }
  }
  self.temporary_exists = false;
  self.committed = true;
  const std::filesystem::path folder = folder_of(self.final_path);
  if (const std::string error = fsync_path(folder, O_RDONLY | O_DIRECTORY); !error.empty()) {
    self.fail("folder '" + folder.string() + "': " + error);
  }
}

bool NcWriter::committed() const { return impl_->committed; }
const std::filesystem::path& NcWriter::final_path() const { return impl_->final_path; }
const std::filesystem::path& NcWriter::temporary_path() const { return impl_->temporary_path; }

template void NcWriter::write<std::int8_t>(const std::string&, const std::vector<std::string>&,
                                           std::span<const std::int8_t>, const Attributes&);
template void NcWriter::write<std::int16_t>(const std::string&, const std::vector<std::string>&,
                                            std::span<const std::int16_t>, const Attributes&);
template void NcWriter::write<std::int32_t>(const std::string&, const std::vector<std::string>&,
                                            std::span<const std::int32_t>, const Attributes&);
template void NcWriter::write<std::int64_t>(const std::string&, const std::vector<std::string>&,
                                            std::span<const std::int64_t>, const Attributes&);
template void NcWriter::write<float>(const std::string&, const std::vector<std::string>&, std::span<const float>,
                                     const Attributes&);
template void NcWriter::write<double>(const std::string&, const std::vector<std::string>&, std::span<const double>,
                                      const Attributes&);

}  // namespace schoolsim::io

namespace schoolsim::io {
#define SCHOOLSIM_NC_SLAB_INSTANTIATE(T)                                                                            \
  template void NcWriter::define<T>(const std::string&, const std::vector<std::string>&, const Attributes&,         \
                                    const std::vector<std::size_t>&);                                               \
  template void NcWriter::define_virtual<T>(const std::string&, const std::vector<std::string>&, const Attributes&, \
                                            const std::vector<VirtualMapping>&, T);                                 \
  template void NcWriter::write_slab<T>(const std::string&, const std::vector<std::size_t>&,                        \
                                        const std::vector<std::size_t>&, std::span<const T>);
SCHOOLSIM_NC_SLAB_INSTANTIATE(std::int8_t)
SCHOOLSIM_NC_SLAB_INSTANTIATE(std::int16_t)
SCHOOLSIM_NC_SLAB_INSTANTIATE(std::int32_t)
SCHOOLSIM_NC_SLAB_INSTANTIATE(std::int64_t)
SCHOOLSIM_NC_SLAB_INSTANTIATE(float)
SCHOOLSIM_NC_SLAB_INSTANTIATE(double)
#undef SCHOOLSIM_NC_SLAB_INSTANTIATE
}  // namespace schoolsim::io
