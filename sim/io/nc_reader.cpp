#include "sim/io/nc_reader.hpp"

#include <hdf5.h>

#include <cstring>
#include <utility>

#include "sim/config/bounded_read.hpp"
#include "sim/io/probe.hpp"

namespace schoolsim::io {
namespace {

/// Owns one HDF5 identifier.
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
hid_t native_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}

}  // namespace

struct NcReader::Impl {
  std::filesystem::path path;
  hid_t file = H5I_INVALID_HID;

  [[noreturn]] void fail(const std::string& what) const { throw InputFileError(path.string() + ": " + what); }

  Id open(const std::string& name) const {
    if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) fail("no variable '" + name + "'");
    Id d(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid()) fail("cannot open variable '" + name + "'");
    return d;
  }

  std::vector<hsize_t> dims(hid_t dataset) const {
    Id space(H5Dget_space(dataset), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
    return d;
  }
};

NcReader::NcReader(std::filesystem::path path, bool probe_data) : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // Not "no such file" for a folder, FIFO or device; and HDF5 never opens a FIFO (it would block).
  if (const std::string why = io::regular_file_problem(impl_->path); !why.empty()) impl_->fail(why);
  if (H5Fis_hdf5(impl_->path.c_str()) <= 0) impl_->fail("not an HDF5 file");
  // Damaged metadata can crash or hang HDF5: read it all in a child process first.
  io::probe_readable(impl_->path, probe_data);
  impl_->file = H5Fopen(impl_->path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (impl_->file < 0) impl_->fail("cannot open the HDF5 file");
}

NcReader::~NcReader() {
  if (impl_ && impl_->file >= 0) H5Fclose(impl_->file);
}

const std::filesystem::path& NcReader::path() const { return impl_->path; }

bool NcReader::has(const std::string& name) const { return H5Lexists(impl_->file, name.c_str(), H5P_DEFAULT) > 0; }

std::vector<std::size_t> NcReader::shape(const std::string& name) const {
  const Id d = impl_->open(name);
  std::vector<std::size_t> out;
  for (hsize_t s : impl_->dims(d.get())) out.push_back(static_cast<std::size_t>(s));
  return out;
}

template <class T>
std::vector<T> NcReader::read(const std::string& name) const {
  const Id d = impl_->open(name);
  const Id type(H5Dget_type(d.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) impl_->fail("variable '" + name + "' is not numeric");
  std::size_t count = 1;
  for (hsize_t s : impl_->dims(d.get())) count *= static_cast<std::size_t>(s);
  std::vector<T> out(count);
  if (count > 0 && H5Dread(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    impl_->fail("cannot read variable '" + name + "' (values out of range for its use?)");
  return out;
}

std::vector<std::string> NcReader::read_strings(const std::string& name) const {
  const Id d = impl_->open(name);
  const Id type(H5Dget_type(d.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) impl_->fail("variable '" + name + "' is not a string variable");
  std::size_t count = 1;
  for (hsize_t s : impl_->dims(d.get())) count *= static_cast<std::size_t>(s);
  std::vector<std::string> out;
  out.reserve(count);
  if (count == 0) return out;
  if (H5Tis_variable_str(type.get()) > 0) {
    const Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5T_CSET_UTF8);
    std::vector<char*> ptrs(count, nullptr);
    if (H5Dread(d.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
      impl_->fail("cannot read variable '" + name + "'");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    const Id space(H5Dget_space(d.get()), H5Sclose);
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(count * size);
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
      impl_->fail("cannot read variable '" + name + "'");
    for (std::size_t k = 0; k < count; ++k) {
      const char* p = buffer.data() + k * size;
      out.emplace_back(p, strnlen(p, size));
    }
  }
  return out;
}

std::optional<AttributeValue> NcReader::global(const std::string& name) const {
  if (H5Aexists(impl_->file, name.c_str()) <= 0) return std::nullopt;
  const Id attr(H5Aopen(impl_->file, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr.valid()) return std::nullopt;
  const Id type(H5Aget_type(attr.get()), H5Tclose);
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER: {
      std::int64_t v = 0;
      if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) return std::nullopt;
      return AttributeValue{v};
    }
    case H5T_FLOAT: {
      double v = 0;
      if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0) return std::nullopt;
      return AttributeValue{v};
    }
    case H5T_STRING: {
      if (H5Tis_variable_str(type.get()) > 0) {
        const Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem.get(), H5T_VARIABLE);
        char* p = nullptr;
        if (H5Aread(attr.get(), mem.get(), &p) < 0) return std::nullopt;
        std::string s = p ? p : "";
        H5free_memory(p);
        return AttributeValue{s};
      }
      const std::size_t size = H5Tget_size(type.get());
      std::vector<char> buffer(size + 1, '\0');
      if (H5Aread(attr.get(), type.get(), buffer.data()) < 0) return std::nullopt;
      return AttributeValue{std::string(buffer.data(), strnlen(buffer.data(), size))};
    }
    default: return std::nullopt;
  }
}

template std::vector<std::int8_t> NcReader::read<std::int8_t>(const std::string&) const;
template std::vector<std::int32_t> NcReader::read<std::int32_t>(const std::string&) const;
template std::vector<std::int64_t> NcReader::read<std::int64_t>(const std::string&) const;
template std::vector<double> NcReader::read<double>(const std::string&) const;

}  // namespace schoolsim::io
