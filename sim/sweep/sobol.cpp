#include "sim/sweep/sobol.hpp"

#include <Random123/philox.h>

#include <array>
#include <bit>
#include <stdexcept>
#include <string>

namespace schoolsim::sweep {
namespace {

struct Primitive {
  int s;                 ///< degree of the primitive polynomial
  int a;                 ///< its inner coefficients, as bits (highest degree first)
  std::array<int, 8> m;  ///< initial direction integers m_1..m_s
};

// Joe & Kuo, "Constructing Sobol sequences with better two-dimensional projections" (SIAM J.
// Sci. Comput. 30, 2008), file new-joe-kuo-6.21201, dimensions 2..40 (rows "d s a m_i");
// dimension 1 is the van der Corput sequence (every m = 1). Checked against the same table
// shipped with SciPy (scipy/stats/_sobol_direction_numbers.npz) and against the published
// first points in tests/unit/sweep/test_designs.cpp.
constexpr std::array<Primitive, SobolSequence::kMaxDimensions - 1> kJoeKuo = {{
    {1, 0, {1}},                              // d=2
    {2, 1, {1, 3}},                           // d=3
    {3, 1, {1, 3, 1}},                        // d=4
    {3, 2, {1, 1, 1}},                        // d=5
    {4, 1, {1, 1, 3, 3}},                     // d=6
    {4, 4, {1, 3, 5, 13}},                    // d=7
    {5, 2, {1, 1, 5, 5, 17}},                 // d=8
    {5, 4, {1, 1, 5, 5, 5}},                  // d=9
    {5, 7, {1, 1, 7, 11, 19}},                // d=10
    {5, 11, {1, 1, 5, 1, 1}},                 // d=11
    {5, 13, {1, 1, 1, 3, 11}},                // d=12
    {5, 14, {1, 3, 5, 5, 31}},                // d=13
    {6, 1, {1, 3, 3, 9, 7, 49}},              // d=14
    {6, 13, {1, 1, 1, 15, 21, 21}},           // d=15
    {6, 16, {1, 3, 1, 13, 27, 49}},           // d=16
    {6, 19, {1, 1, 1, 15, 7, 5}},             // d=17
    {6, 22, {1, 3, 1, 15, 13, 25}},           // d=18
    {6, 25, {1, 1, 5, 5, 19, 61}},            // d=19
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},       // d=20
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},        // d=21
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},         // d=22
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},          // d=23
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},       // d=24
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},        // d=25
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},       // d=26
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},         // d=27
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},         // d=28
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},        // d=29
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},        // d=30
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},        // d=31
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},        // d=32
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},         // d=33
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},        // d=34
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},        // d=35
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},        // d=36
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},         // d=37
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},  // d=38
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},   // d=39
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},  // d=40
}};

constexpr int kBits = 32;
// Philox counter word 0 of the scrambling draws ("SOBL", "SHFT"): distinct from other designs.
constexpr std::uint32_t kStreamMatrix = 0x534F424Cu;
constexpr std::uint32_t kStreamShift = 0x53484654u;

std::uint32_t random_word(std::uint64_t seed, std::uint32_t stream, std::uint32_t a, std::uint32_t b) {
  const r123::Philox4x32::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const r123::Philox4x32::ctr_type ctr = {{stream, a, b, 0}};
  return r123::Philox4x32()(ctr, key).v[0];
}

}  // namespace

SobolSequence::SobolSequence(int dimensions, bool scramble, std::uint64_t seed) : dimensions_(dimensions) {
  if (dimensions < 1 || dimensions > kMaxDimensions) {
    throw std::invalid_argument("Sobol points need 1 to " + std::to_string(kMaxDimensions) + " dimensions, not " +
                                std::to_string(dimensions));
  }
  direction_.assign(static_cast<std::size_t>(dimensions) * kBits, 0);
  shift_.assign(static_cast<std::size_t>(dimensions), 0);
  for (int d = 0; d < dimensions; ++d) {
    std::uint32_t* v = &direction_[static_cast<std::size_t>(d) * kBits];
    if (d == 0) {
      for (int k = 0; k < kBits; ++k) v[k] = 1u << (kBits - 1 - k);
    } else {
      const Primitive& p = kJoeKuo[static_cast<std::size_t>(d - 1)];
      for (int k = 0; k < p.s; ++k)
        v[k] = static_cast<std::uint32_t>(p.m[static_cast<std::size_t>(k)]) << (kBits - 1 - k);
      for (int k = p.s; k < kBits; ++k) {
        v[k] = v[k - p.s] ^ (v[k - p.s] >> p.s);
        for (int l = 1; l < p.s; ++l)
          if ((p.a >> (p.s - 1 - l)) & 1) v[k] ^= v[k - l];
      }
    }
    if (!scramble) continue;
    // Lower-triangular matrix L with unit diagonal: row r (output digit r, bit 31 - r) has
    // random bits in the columns before r. Scrambled direction number: L times v.
    std::array<std::uint32_t, kBits> rows{};
    for (int r = 0; r < kBits; ++r) {
      const std::uint32_t above = r == 0 ? 0u : ~0u << (kBits - r);
      rows[static_cast<std::size_t>(r)] =
          (random_word(seed, kStreamMatrix, static_cast<std::uint32_t>(d), static_cast<std::uint32_t>(r)) & above) |
          (1u << (kBits - 1 - r));
    }
    for (int k = 0; k < kBits; ++k) {
      std::uint32_t scrambled = 0;
      for (int r = 0; r < kBits; ++r)
        if (std::popcount(rows[static_cast<std::size_t>(r)] & v[k]) & 1) scrambled |= 1u << (kBits - 1 - r);
      v[k] = scrambled;
    }
    shift_[static_cast<std::size_t>(d)] = random_word(seed, kStreamShift, static_cast<std::uint32_t>(d), 0);
  }
}

void SobolSequence::point(std::uint64_t index, std::span<double> out) const {
  if (index >> kBits) throw std::invalid_argument("Sobol point index beyond 2^32");
  if (out.size() != static_cast<std::size_t>(dimensions_))
    throw std::invalid_argument("Sobol point: wrong output size");
  const std::uint64_t gray = index ^ (index >> 1);
  for (int d = 0; d < dimensions_; ++d) {
    std::uint32_t x = shift_[static_cast<std::size_t>(d)];
    const std::uint32_t* v = &direction_[static_cast<std::size_t>(d) * kBits];
    for (int k = 0; k < kBits; ++k)
      if ((gray >> k) & 1) x ^= v[k];
    out[static_cast<std::size_t>(d)] = static_cast<double>(x) * 0x1.0p-32;
  }
}

}  // namespace schoolsim::sweep
