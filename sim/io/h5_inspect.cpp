#include "sim/io/h5_inspect.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <utility>

#include "sim/io/h5_handle.hpp"

namespace schoolsim::io {
namespace {

using h5::Handle;

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
  NcReader reader;
  Attributes globals;
  std::vector<VariableInfo> variables;

  Impl(std::filesystem::path path, bool probe_data) : reader(std::move(path), probe_data) {}

  /// The catalogue entry of a dataset: what NcReader does not model (element type, dimension
  /// scales, virtual storage).
  VariableInfo describe(hid_t file, const std::string& name) const {
    VariableInfo v;
    v.name = name;
    v.shape = reader.shape(name);
    const auto rank = static_cast<int>(v.shape.size());
    const Handle d(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
    if (!d.valid())
      throw InputFileError(reader.path().string() + ": cannot open variable '" + name + "': " + h5::take_error());
    const Handle type(H5Dget_type(d.get()));
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
    const Handle dcpl(H5Dget_create_plist(d.get()));
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
    H5Eclear2(H5E_DEFAULT);
    v.attrs = reader.attributes(name);
    return v;
  }
};

H5Inspect::H5Inspect(std::filesystem::path path, bool probe_data)
    : impl_(std::make_unique<Impl>(std::move(path), probe_data)) {
  Impl& self = *impl_;
  const h5::ErrorCapture capture;
  const hid_t file = self.reader.hdf5_id();
  self.globals = self.reader.attributes();
  for (const auto& name : self.reader.names()) {
    H5O_info_t info;
    if (H5Oget_info_by_name(file, name.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET) continue;
    self.variables.push_back(self.describe(file, name));
  }
  H5Eclear2(H5E_DEFAULT);
}

H5Inspect::~H5Inspect() = default;

const std::filesystem::path& H5Inspect::path() const { return impl_->reader.path(); }
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
  return impl_->reader.read<T>(name, start, count);
}

std::vector<std::string> H5Inspect::read_strings(const std::string& name) const {
  return impl_->reader.read_strings(name);
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
