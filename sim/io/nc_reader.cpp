#include "sim/io/nc_reader.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <type_traits>
#include <utility>

#include "sim/config/bounded_read.hpp"
#include "sim/io/h5_handle.hpp"
#include "sim/io/probe.hpp"

namespace schoolsim::io {
namespace {

static_assert(std::is_same_v<hid_t, std::int64_t>, "NcReader::hdf5_id() hands out an hid_t as int64_t");

using h5::ErrorCapture;
using h5::Handle;

template <class T>
hid_t native_type();
template <>
hid_t native_type<std::int8_t>() {
  return H5T_NATIVE_INT8;
}
template <>
hid_t native_type<std::int16_t>() {
  return H5T_NATIVE_INT16;
}
template <>
hid_t native_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}

/// Attributes HDF5 dimension scales and netCDF-4 manage themselves.
const std::set<std::string>& bookkeeping_attributes() {
  static const std::set<std::string> names = {"CLASS",          "NAME",          "DIMENSION_LIST",
                                              "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
                                              "_NCProperties",  "_nc3_strict"};
  return names;
}

/// A scalar (or one-element) attribute as a string, int64 or double; false for other types.
bool read_attribute(hid_t attr, AttributeValue& out) {
  const Handle type(H5Aget_type(attr));
  const Handle space(H5Aget_space(attr));
  if (!type.valid() || !space.valid() || H5Sget_simple_extent_npoints(space.get()) != 1) return false;
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER: {
      std::int64_t v = 0;
      if (H5Aread(attr, H5T_NATIVE_INT64, &v) < 0) return false;
      out = v;
      return true;
    }
    case H5T_FLOAT: {
      double v = 0;
      if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0) return false;
      out = v;
      return true;
    }
    case H5T_STRING: {
      if (H5Tis_variable_str(type.get()) > 0) {
        const Handle mem(H5Tcopy(H5T_C_S1));
        H5Tset_size(mem.get(), H5T_VARIABLE);
        char* p = nullptr;
        if (H5Aread(attr, mem.get(), &p) < 0) return false;
        out = std::string(p ? p : "");
        H5free_memory(p);
        return true;
      }
      const std::size_t size = H5Tget_size(type.get());
      std::vector<char> buffer(size + 1, '\0');
      if (H5Aread(attr, type.get(), buffer.data()) < 0) return false;
      out = std::string(buffer.data(), strnlen(buffer.data(), size));
      return true;
    }
    default: return false;
  }
}

}  // namespace

struct NcReader::Impl {
  std::filesystem::path path;
  Handle file;

  [[noreturn]] void fail(const std::string& what) const { throw InputFileError(path.string() + ": " + what); }
  /// After a failed HDF5 call: `what` and HDF5's reason.
  [[noreturn]] void fail_hdf5(const std::string& what) const { fail(what + ": " + h5::take_error()); }

  Handle open(const std::string& name) const {
    if (H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) <= 0) fail("no variable '" + name + "'");
    Handle d(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT));
    if (!d.valid()) fail_hdf5("cannot open variable '" + name + "'");
    return d;
  }

  std::vector<hsize_t> dims(hid_t space) const {
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space, d.data(), nullptr);
    return d;
  }
};

NcReader::NcReader(std::filesystem::path path, bool probe_data) : impl_(std::make_unique<Impl>()) {
  Impl& self = *impl_;
  self.path = std::move(path);
  const ErrorCapture capture;
  // Not "no such file" for a folder, FIFO or device; and HDF5 never opens a FIFO (it would block).
  if (const std::string why = io::regular_file_problem(self.path); !why.empty()) self.fail(why);
  if (const htri_t is_hdf5 = H5Fis_hdf5(self.path.c_str()); is_hdf5 <= 0) {
    // Without a signature, opening only looks for one (it reads no metadata, so it is safe
    // without the probe) and HDF5 then says why it refuses: "file signature not found".
    std::string reason = is_hdf5 < 0 ? h5::take_error("") : std::string();
    if (reason.empty() && !Handle(H5Fopen(self.path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)).valid())
      reason = h5::take_error("");
    self.fail(reason.empty() ? "not an HDF5 file" : "not an HDF5 file (" + reason + ")");
  }
  // Damaged metadata can crash or hang HDF5: read it all in a child process first.
  io::probe_readable(self.path, probe_data);
  // No file locking: readers never need it (NcWriter writes a temporary file and renames it),
  // and locks fail on some cluster file systems.
  const Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  if (!fapl.valid() || H5Pset_file_locking(fapl.get(), false, true) < 0)
    self.fail_hdf5("cannot set up reading the HDF5 file");
  self.file = Handle(H5Fopen(self.path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!self.file.valid()) self.fail_hdf5("cannot open the HDF5 file");
}

NcReader::~NcReader() {
  if (!impl_) return;
  const ErrorCapture capture;
  impl_->file.reset();
}

const std::filesystem::path& NcReader::path() const { return impl_->path; }

std::int64_t NcReader::hdf5_id() const { return impl_->file.get(); }

bool NcReader::has(const std::string& name) const {
  const ErrorCapture capture;
  const bool found = H5Lexists(impl_->file.get(), name.c_str(), H5P_DEFAULT) > 0;
  H5Eclear2(H5E_DEFAULT);
  return found;
}

std::vector<std::size_t> NcReader::shape(const std::string& name) const {
  const ErrorCapture capture;
  const Handle d = impl_->open(name);
  const Handle space(H5Dget_space(d.get()));
  if (!space.valid()) impl_->fail_hdf5("cannot read the shape of variable '" + name + "'");
  std::vector<std::size_t> out;
  for (hsize_t s : impl_->dims(space.get())) out.push_back(static_cast<std::size_t>(s));
  return out;
}

template <class T>
std::vector<T> NcReader::read(const std::string& name, const std::vector<std::size_t>& start,
                              const std::vector<std::size_t>& count) const {
  const ErrorCapture capture;
  const Impl& self = *impl_;
  const Handle d = self.open(name);
  const Handle type(H5Dget_type(d.get()));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) self.fail("variable '" + name + "' is not numeric");
  const Handle space(H5Dget_space(d.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > H5S_MAX_RANK) self.fail_hdf5("cannot read the shape of variable '" + name + "'");
  const std::vector<hsize_t> shape = self.dims(space.get());
  const bool whole = start.empty() && count.empty();
  if (!whole) {
    if (start.size() != shape.size() || count.size() != shape.size())
      self.fail("a block of variable '" + name + "' needs " + std::to_string(shape.size()) + " entries");
    for (std::size_t axis = 0; axis < shape.size(); ++axis)
      if (start[axis] + count[axis] > shape[axis]) self.fail("a block of variable '" + name + "' is out of bounds");
  }
  std::size_t n = 1;
  for (std::size_t axis = 0; axis < shape.size(); ++axis)
    n *= static_cast<std::size_t>(whole ? shape[axis] : count[axis]);
  std::vector<T> out(n);
  if (n == 0) return out;
  if (whole || rank == 0) {
    if (H5Dread(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
      self.fail_hdf5("cannot read variable '" + name + "' (values out of range for its use?)");
    return out;
  }
  const std::vector<hsize_t> first(start.begin(), start.end()), block(count.begin(), count.end());
  if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, first.data(), nullptr, block.data(), nullptr) < 0)
    self.fail_hdf5("cannot select a block of variable '" + name + "'");
  const Handle memory(H5Screate_simple(rank, block.data(), nullptr));
  if (!memory.valid()) self.fail_hdf5("cannot read variable '" + name + "'");
  if (H5Dread(d.get(), native_type<T>(), memory.get(), space.get(), H5P_DEFAULT, out.data()) < 0)
    self.fail_hdf5("cannot read variable '" + name + "'");
  return out;
}

std::vector<std::string> NcReader::read_strings(const std::string& name) const {
  const ErrorCapture capture;
  const Impl& self = *impl_;
  const Handle d = self.open(name);
  const Handle type(H5Dget_type(d.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) self.fail("variable '" + name + "' is not a string variable");
  const Handle space(H5Dget_space(d.get()));
  std::size_t count = 1;
  for (hsize_t s : self.dims(space.get())) count *= static_cast<std::size_t>(s);
  std::vector<std::string> out;
  out.reserve(count);
  if (count == 0) return out;
  if (H5Tis_variable_str(type.get()) > 0) {
    const Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5T_CSET_UTF8);
    std::vector<char*> ptrs(count, nullptr);
    if (H5Dread(d.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
      self.fail_hdf5("cannot read variable '" + name + "'");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(count * size);
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
      self.fail_hdf5("cannot read variable '" + name + "'");
    for (std::size_t k = 0; k < count; ++k) {
      const char* p = buffer.data() + k * size;
      out.emplace_back(p, strnlen(p, size));
    }
  }
  return out;
}

std::optional<AttributeValue> NcReader::global(const std::string& name) const {
  const ErrorCapture capture;
  const hid_t file = impl_->file.get();
  std::optional<AttributeValue> out;
  if (H5Aexists(file, name.c_str()) > 0) {
    const Handle attr(H5Aopen(file, name.c_str(), H5P_DEFAULT));
    AttributeValue value;
    if (attr.valid() && read_attribute(attr.get(), value)) out = std::move(value);
  }
  H5Eclear2(H5E_DEFAULT);
  return out;
}

Attributes NcReader::attributes(const std::string& variable) const {
  const ErrorCapture capture;
  Handle dataset;
  if (!variable.empty()) dataset = impl_->open(variable);
  const hid_t object = variable.empty() ? impl_->file.get() : dataset.get();
  Attributes out;
  const auto visit = [](hid_t location, const char* name, const H5A_info_t*, void* data) -> herr_t {
    if (bookkeeping_attributes().contains(name)) return 0;
    const Handle attr(H5Aopen(location, name, H5P_DEFAULT));
    AttributeValue value;
    if (attr.valid() && read_attribute(attr.get(), value)) static_cast<Attributes*>(data)->push_back({name, value});
    return 0;
  };
  hsize_t index = 0;
  if (H5Aiterate2(object, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, visit, &out) < 0) {
    // No creation order tracked: name order.
    out.clear();
    index = 0;
    H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, visit, &out);
  }
  H5Eclear2(H5E_DEFAULT);
  return out;
}

std::vector<std::string> NcReader::names() const {
  const ErrorCapture capture;
  std::vector<std::string> out;
  const auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t index = 0;
  if (H5Literate(impl_->file.get(), H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, collect, &out) < 0) {
    H5Eclear2(H5E_DEFAULT);
    out.clear();
    index = 0;
    if (H5Literate(impl_->file.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect, &out) < 0)
      impl_->fail_hdf5("cannot list its variables");
  }
  return out;
}

#define SCHOOLSIM_NC_READ(T)                                                                     \
  template std::vector<T> NcReader::read<T>(const std::string&, const std::vector<std::size_t>&, \
                                            const std::vector<std::size_t>&) const;
SCHOOLSIM_NC_READ(std::int8_t)
SCHOOLSIM_NC_READ(std::int16_t)
SCHOOLSIM_NC_READ(std::int32_t)
SCHOOLSIM_NC_READ(std::int64_t)
SCHOOLSIM_NC_READ(float)
SCHOOLSIM_NC_READ(double)
#undef SCHOOLSIM_NC_READ

}  // namespace schoolsim::io
