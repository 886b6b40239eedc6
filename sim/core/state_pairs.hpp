#pragma once
// Keys and hash maps for values per school pair (trust, rebrokering cooldowns).
#include <algorithm>
#include <cstdint>
#include <tsl/robin_map.h>

namespace schoolsim {

/// Mixes a pair key (splitmix64 finaliser) so robin-hood probing sees well-spread hashes.
struct PairKeyHash {
  std::size_t operator()(std::uint64_t k) const noexcept {
    k = (k ^ (k >> 30)) * 0xbf58476d1ce4e5b9ull;
    k = (k ^ (k >> 27)) * 0x94d049bb133111ebull;
    return static_cast<std::size_t>(k ^ (k >> 31));
  }
};
/// Values per school pair: an open-addressing hash map.
template <class T>
using PairMap = tsl::robin_map<std::uint64_t, T, PairKeyHash>;

/// Symmetric pair key (lower id in the high word).
inline std::uint64_t pair_key(std::int32_t i, std::int32_t j) {
  const auto a = static_cast<std::uint32_t>(std::min(i, j)), b = static_cast<std::uint32_t>(std::max(i, j));
  return (static_cast<std::uint64_t>(a) << 32) | b;
}

}  // namespace schoolsim
