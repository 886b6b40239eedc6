#pragma once
// Sobol low-discrepancy points (Joe & Kuo 2008 direction numbers, file new-joe-kuo-6.21201,
// first 40 dimensions) with optional scrambling: a random lower-triangular binary matrix
// applied to the direction numbers (Matousek's linear matrix scramble) plus a random digital
// shift, both drawn from Random123 Philox keyed by the seed, so a scrambled sequence is the
// same on every machine. Points are 32-bit binary fractions in [0, 1), in Gray-code order:
// before scrambling, point 0 is the origin and points 0..2^m-1 are the published sequence.
#include <cstdint>
#include <span>
#include <vector>

namespace schoolsim::sweep {

class SobolSequence {
 public:
  /// Dimensions with direction numbers in sim/sweep/sobol.cpp.
  static constexpr int kMaxDimensions = 40;

  /// Throws std::invalid_argument unless 1 <= dimensions <= kMaxDimensions.
  SobolSequence(int dimensions, bool scramble, std::uint64_t seed);

  int dimensions() const { return dimensions_; }
  /// Writes point `index` (< 2^32) into `out` (size dimensions()).
  void point(std::uint64_t index, std::span<double> out) const;

 private:
  int dimensions_;
  std::vector<std::uint32_t> direction_;  ///< [dimension * 32 + bit], bit 0 the most significant
  std::vector<std::uint32_t> shift_;      ///< digital shift per dimension (0 unscrambled)
};

}  // namespace schoolsim::sweep
