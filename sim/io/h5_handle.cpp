#include "sim/io/h5_handle.hpp"

#include <algorithm>
#include <utility>

namespace schoolsim::io::h5 {

Handle::Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
  }
  return *this;
}

herr_t Handle::close() noexcept {
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  if (id < 0) return 0;
  switch (H5Iget_type(id)) {
    case H5I_FILE: return H5Fclose(id);
    case H5I_GROUP: return H5Gclose(id);
    case H5I_DATATYPE: return H5Tclose(id);
    case H5I_DATASPACE: return H5Sclose(id);
    case H5I_DATASET: return H5Dclose(id);
    case H5I_ATTR: return H5Aclose(id);
    case H5I_GENPROP_LST: return H5Pclose(id);
    case H5I_BADID: return -1;  // not (or no longer) an identifier: nothing to close
    default: return H5Idec_ref(id) < 0 ? -1 : 0;
  }
}

ErrorCapture::ErrorCapture() noexcept {
  saved_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

ErrorCapture::~ErrorCapture() {
  if (saved_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
}

std::vector<ErrorEntry> take_errors() {
  std::vector<ErrorEntry> entries;
  // Walking downward starts at the API call the caller made and ends at the innermost entry,
  // the function that detected the problem (H5F__super_read: "file signature not found").
  const auto walk = [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
    ErrorEntry entry;
    entry.description = e->desc != nullptr ? e->desc : "";
    char minor[256] = {};
    if (H5Eget_msg(e->min_num, nullptr, minor, sizeof minor) > 0) entry.minor = minor;
    std::replace(entry.description.begin(), entry.description.end(), '\n', ' ');  // "..., errno = 28\n, ..."
    static_cast<std::vector<ErrorEntry>*>(data)->push_back(std::move(entry));
    return 0;
  };
  if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk, &entries) < 0) entries.clear();
  H5Eclear2(H5E_DEFAULT);
  std::reverse(entries.begin(), entries.end());
  return entries;
}

std::string take_error(const std::string& fallback) {
  for (const ErrorEntry& e : take_errors())
    if (!e.description.empty()) return e.description;
  return fallback;
}

}  // namespace schoolsim::io::h5
