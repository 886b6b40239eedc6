#pragma once
// 64-bit FNV-1a: the checksum of part files and the fingerprint of a sweep. Not
// cryptographic; it detects torn and corrupted parts and changed sweep definitions.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace schoolsim::sweep {

class Fnv1a {
 public:
  void bytes(const void* data, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (std::size_t k = 0; k < n; ++k) h_ = (h_ ^ b[k]) * 1099511628211ull;
  }
  void text(std::string_view s) {
    const std::uint64_t n = s.size();
    bytes(&n, sizeof n);
    bytes(s.data(), s.size());
  }
  template <class T>
  void value(const T& v) {
    bytes(&v, sizeof v);
  }
  std::uint64_t digest() const { return h_; }

 private:
  std::uint64_t h_ = 1469598103934665603ull;
};

}  // namespace schoolsim::sweep
