#pragma once
// Sample designs of a parameter sweep, in the unit cube [0, 1]^k (the sweep plan maps them to
// parameter ranges, sim/sweep/run_plan.cpp). Every random draw comes from Random123 Philox
// keyed by the design seed, so a design is the same on every machine and compiler.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace schoolsim::sweep {

/// Points of a design, row-major (point p, parameter i at u[p * k + i]), plus the metadata a
/// sensitivity analysis needs (empty when the design has none).
struct UnitDesign {
  std::size_t k = 0;
  std::size_t n_points = 0;
  std::vector<double> u;
  std::vector<std::int8_t> saltelli_block;   ///< 0 = A, 1 = B, 2 + i = AB_i
  std::vector<std::int32_t> saltelli_index;  ///< base sample 0..n-1
  std::vector<std::int32_t> morris_trajectory;
  std::vector<std::int32_t> morris_step;  ///< 0..k; step s moves exactly one parameter
  double at(std::size_t point, std::size_t i) const { return u[point * k + i]; }
};

/// Full factorial grid of given levels per parameter (values, not unit coordinates), the
/// first parameter varying slowest (C order, like itertools.product). Returns points * k
/// values, row-major. No parameters: one point with no values.
std::vector<double> grid_points(const std::vector<std::vector<double>>& levels);

/// Latin hypercube of n points: along each dimension j, point p lies in stratum
/// pi_j(p) (a random permutation of 0..n-1) at a uniform random offset within it:
/// u = (pi_j(p) + U) / n.
UnitDesign latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed);

/// The first n points of the (optionally scrambled) Sobol sequence in k dimensions.
UnitDesign sobol_points(std::size_t n, std::size_t k, std::uint64_t seed, bool scramble);

/// Saltelli (2010) cross design for Sobol indices: base points from a 2k-dimensional Sobol
/// sequence, A = its first k coordinates, B = the last k; blocks A, B, AB_0 .. AB_{k-1}
/// (AB_i = A with column i from B), each of n points ordered by base sample: n (k + 2) points.
UnitDesign saltelli(std::size_t n, std::size_t k, std::uint64_t seed, bool scramble);

/// Morris (1991) elementary-effects design: r trajectories of k + 1 points on a grid of
/// `levels` levels (even, >= 2) in [0, 1]. A trajectory starts at a random grid point; then
/// the factors, in a random order, each move once by delta = levels / (2 (levels - 1)):
/// up if that stays within [0, 1], else down.
UnitDesign morris(std::size_t r, std::size_t k, int levels, std::uint64_t seed);

/// Step of Morris designs in unit-cube terms.
double morris_delta(int levels);

}  // namespace schoolsim::sweep
