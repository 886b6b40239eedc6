#include "sim/io/h5_inspect.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <utility>

#include "sim/io/probe.hpp"

namespace schoolsim::io {
namespace {

class Id {
 public:
  using Closer = herr_t (*)(hid_t);
  Id(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Id() {
    if (id_ >= 0) closer_(id_);
  }
  Id(Id&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id& operator=(Id&&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  Closer closer_;
};

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

const std::set<std::string>& bookkeeping_attributes() {
  static const std::set<std::string> names = {"CLASS",          "NAME",          "DIMENSION_LIST",
                                              "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
                                              "_NCProperties",  "_nc3_strict"};
  return names;
}

/// A scalar (or one-element) attribute as a string, int64 or double; false for other types.
bool read_attribute(hid_t attr, AttributeValue& out) {
  const Id type(H5Aget_type(attr), H5Tclose);
  const Id space(H5Aget_space(attr), H5Sclose);
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
        const Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
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

Attributes read_attributes(hid_t object) {
  Attributes out;
  const auto visit = [](hid_t location, const char* name, const H5A_info_t*, void* data) -> herr_t {
    if (bookkeeping_attributes().contains(name)) return 0;
    const Id attr(H5Aopen(location, name, H5P_DEFAULT), H5Aclose);
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

std::string scale_name(hid_t dataset, unsigned axis) {
  if (H5DSget_num_scales(dataset, axis) <= 0) return {};
  std::string name;
  const auto visit = [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
    char buffer[1024] = {};
    const ssize_t n = H5DSget_scale_name(scale, buffer, sizeof buffer);
    if (n > 0) *static_cast<std::string*>(data) = buffer;
    return 1;  // the first scale is the dimension
  };
  int index = 0;
  H5DSiterate_scales(dataset, axis, &index, visit, &name);
  return name;
}

}  // namespace

std::string VariableInfo::type_name() const {
  switch (kind) {
    case ElementKind::SignedInt: return "int" + std::to_string(bytes * 8);
    case ElementKind::UnsignedInt: return "uint" + std::to_string(bytes * 8);
    case ElementKind::Float: return "float" + std::to_string(bytes * 8);
    case ElementKind::String: return "string";
    case ElementKind::Other: return "other";
  }
  return "other";
}

struct H5Inspect::Impl {
  std::filesystem::path path;
  hid_t file = H5I_INVALID_HID;
  Attributes globals;
  std::vector<VariableInfo> variables;

  [[noreturn]] void fail(const std::string& what) const { throw InputFileError(path.string() + ": " + what); }

  Id open(const std::string& name) const {
    if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) fail("no variable '" + name + "'");
    Id d(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid()) fail("cannot open variable '" + name + "'");
    return d;
  }

  VariableInfo describe(const std::string& name) const {
    VariableInfo v;
    v.name = name;
    const Id d = open(name);
    const Id space(H5Dget_space(d.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    for (const hsize_t s : dims) v.shape.push_back(static_cast<std::size_t>(s));
    const Id type(H5Dget_type(d.get()), H5Tclose);
    switch (H5Tget_class(type.get())) {
      case H5T_INTEGER:
        v.kind = H5Tget_sign(type.get()) == H5T_SGN_NONE ? ElementKind::UnsignedInt : ElementKind::SignedInt;
        v.bytes = H5Tget_size(type.get());
        break;
      case H5T_FLOAT:
        v.kind = ElementKind::Float;
        v.bytes = H5Tget_size(type.get());
        break;
      case H5T_STRING:
        v.kind = ElementKind::String;
        v.bytes = H5Tis_variable_str(type.get()) > 0 ? 0 : H5Tget_size(type.get());
        break;
      default: break;
    }
    v.dimension = H5DSis_scale(d.get()) > 0;
    for (int axis = 0; axis < rank; ++axis)
      v.dims.push_back(v.dimension && rank == 1 ? name : scale_name(d.get(), static_cast<unsigned>(axis)));
    const Id dcpl(H5Dget_create_plist(d.get()), H5Pclose);
    if (dcpl.valid() && H5Pget_layout(dcpl.get()) == H5D_VIRTUAL) {
      v.is_virtual = true;
      std::size_t count = 0;
      if (H5Pget_virtual_count(dcpl.get(), &count) >= 0) {
        for (std::size_t i = 0; i < count; ++i) {
          const ssize_t n = H5Pget_virtual_filename(dcpl.get(), i, nullptr, 0);
          if (n < 0) continue;
          std::string file_name(static_cast<std::size_t>(n) + 1, '\0');
          H5Pget_virtual_filename(dcpl.get(), i, file_name.data(), file_name.size());
          file_name.resize(static_cast<std::size_t>(n));
          if (std::find(v.sources.begin(), v.sources.end(), file_name) == v.sources.end())
            v.sources.push_back(file_name);
        }
      }
    }
    v.attrs = read_attributes(d.get());
    H5Eclear2(H5E_DEFAULT);
    return v;
  }
};

H5Inspect::H5Inspect(std::filesystem::path path, bool probe_data) : impl_(std::make_unique<Impl>()) {
  Impl& self = *impl_;
  self.path = std::move(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(self.path, ec)) self.fail("no such file");
  if (H5Fis_hdf5(self.path.c_str()) <= 0) self.fail("not an HDF5 file");
  // Damaged metadata can crash or hang HDF5: read it all in a child process first.
  probe_readable(self.path, probe_data);
  self.file = H5Fopen(self.path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (self.file < 0) self.fail("cannot open the HDF5 file");
  self.globals = read_attributes(self.file);
  std::vector<std::string> names;
  const auto visit = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->push_back(name);
    return 0;
  };
  hsize_t index = 0;
  if (H5Literate(self.file, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, visit, &names) < 0) {
    names.clear();
    index = 0;
    H5Literate(self.file, H5_INDEX_NAME, H5_ITER_INC, &index, visit, &names);
  }
  H5Eclear2(H5E_DEFAULT);
  for (const auto& name : names) {
    H5O_info_t info;
    if (H5Oget_info_by_name(self.file, name.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET) continue;
    self.variables.push_back(self.describe(name));
  }
}

H5Inspect::~H5Inspect() {
  if (impl_ && impl_->file >= 0) H5Fclose(impl_->file);
}

const std::filesystem::path& H5Inspect::path() const { return impl_->path; }
Attributes H5Inspect::globals() const { return impl_->globals; }

const AttributeValue* H5Inspect::global(const std::string& name) const {
  for (const auto& a : impl_->globals)
    if (a.name == name) return &a.value;
  return nullptr;
}

const std::vector<VariableInfo>& H5Inspect::variables() const { return impl_->variables; }

const VariableInfo* H5Inspect::find(const std::string& name) const {
  for (const auto& v : impl_->variables)
    if (v.name == name) return &v;
  return nullptr;
}

template <class T>
std::vector<T> H5Inspect::read(const std::string& name, const std::vector<std::size_t>& start,
                               const std::vector<std::size_t>& count) const {
  const Impl& self = *impl_;
  const Id d = self.open(name);
  const Id type(H5Dget_type(d.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) self.fail("variable '" + name + "' is not numeric");
  const Id space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > H5S_MAX_RANK) self.fail("cannot read the shape of variable '" + name + "'");
  const auto r = static_cast<std::size_t>(rank);
  std::array<hsize_t, H5S_MAX_RANK> shape{}, first{}, block{};
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr);
  block = shape;
  if (!start.empty() || !count.empty()) {
    if (start.size() != r || count.size() != r)
      self.fail("a block of variable '" + name + "' needs " + std::to_string(r) + " entries");
    for (std::size_t axis = 0; axis < r; ++axis) {
      if (start[axis] + count[axis] > shape[axis]) self.fail("a block of variable '" + name + "' is out of bounds");
      first[axis] = start[axis];
      block[axis] = count[axis];
    }
  }
  std::size_t n = 1;
  for (std::size_t axis = 0; axis < r; ++axis) n *= static_cast<std::size_t>(block[axis]);
  std::vector<T> out(n);
  if (n == 0) return out;
  if (rank == 0) {
    if (H5Dread(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
      self.fail("cannot read variable '" + name + "'");
    return out;
  }
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, first.data(), nullptr, block.data(), nullptr);
  const Id memory(H5Screate_simple(rank, block.data(), nullptr), H5Sclose);
  if (H5Dread(d.get(), native_type<T>(), memory.get(), space.get(), H5P_DEFAULT, out.data()) < 0) {
    H5Eclear2(H5E_DEFAULT);
    self.fail("cannot read variable '" + name + "'");
  }
  return out;
}

std::vector<std::string> H5Inspect::read_strings(const std::string& name) const {
  const Impl& self = *impl_;
  const Id d = self.open(name);
  const Id type(H5Dget_type(d.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) self.fail("variable '" + name + "' is not a string variable");
  const Id space(H5Dget_space(d.get()), H5Sclose);
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::vector<std::string> out;
  out.reserve(count);
  if (count == 0) return out;
  if (H5Tis_variable_str(type.get()) > 0) {
    const Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5T_CSET_UTF8);
    std::vector<char*> ptrs(count, nullptr);
    if (H5Dread(d.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
      self.fail("cannot read variable '" + name + "'");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(count * size);
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
      self.fail("cannot read variable '" + name + "'");
    for (std::size_t k = 0; k < count; ++k) {
      const char* p = buffer.data() + k * size;
      out.emplace_back(p, strnlen(p, size));
    }
  }
  return out;
}

#define SCHOOLSIM_H5_READ(T)                                                                      \
  template std::vector<T> H5Inspect::read<T>(const std::string&, const std::vector<std::size_t>&, \
                                             const std::vector<std::size_t>&) const;
SCHOOLSIM_H5_READ(std::int8_t)
SCHOOLSIM_H5_READ(std::int16_t)
SCHOOLSIM_H5_READ(std::int32_t)
SCHOOLSIM_H5_READ(std::int64_t)
SCHOOLSIM_H5_READ(float)
SCHOOLSIM_H5_READ(double)
#undef SCHOOLSIM_H5_READ

}  // namespace schoolsim::io
