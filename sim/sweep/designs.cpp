#include "sim/sweep/designs.hpp"

#include <Random123/philox.h>

#include <numeric>
#include <stdexcept>
#include <string>

#include "sim/sweep/sobol.hpp"

namespace schoolsim::sweep {
namespace {

// Philox counter word 0 per design, so designs never share random numbers.
constexpr std::uint32_t kStreamLhsPermutation = 0x4C485350u;  // "LHSP"
constexpr std::uint32_t kStreamLhsOffset = 0x4C48534Fu;       // "LHSO"
constexpr std::uint32_t kStreamMorrisStart = 0x4D4F5253u;     // "MORS"
constexpr std::uint32_t kStreamMorrisOrder = 0x4D4F524Fu;     // "MORO"

/// Uniform in [0, 1) with 53 random bits, a pure function of (seed, stream, a, b).
double uniform(std::uint64_t seed, std::uint32_t stream, std::uint32_t a, std::uint32_t b) {
  const r123::Philox4x32::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const r123::Philox4x32::ctr_type ctr = {{stream, a, b, 0}};
  const auto r = r123::Philox4x32()(ctr, key);
  const std::uint64_t bits = (static_cast<std::uint64_t>(r.v[0]) << 21) ^ (r.v[1] >> 11);
  return static_cast<double>(bits) * 0x1.0p-53;
}

/// A random permutation of 0..n-1 (Fisher-Yates, draw i from counter (stream, a, i)).
std::vector<std::size_t> permutation(std::size_t n, std::uint64_t seed, std::uint32_t stream, std::uint32_t a) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) {
    const auto j =
        static_cast<std::size_t>(uniform(seed, stream, a, static_cast<std::uint32_t>(i - 1)) * static_cast<double>(i));
    std::swap(p[i - 1], p[std::min(j, i - 1)]);
  }
  return p;
}

void check_size(std::size_t n, const char* what) {
  if (n > 0xFFFFFFFFu) throw std::invalid_argument(std::string(what) + ": too many points");
}

}  // namespace

std::vector<double> grid_points(const std::vector<std::vector<double>>& levels) {
  const std::size_t k = levels.size();
  std::size_t n = 1;
  for (const auto& l : levels) {
    if (l.empty()) throw std::invalid_argument("grid: a parameter has no levels");
    n *= l.size();
  }
  std::vector<double> out;
  out.reserve(n * k);
  std::vector<std::size_t> digit(k, 0);
  for (std::size_t p = 0; p < n; ++p) {
    for (std::size_t i = 0; i < k; ++i) out.push_back(levels[i][digit[i]]);
    for (std::size_t i = k; i-- > 0;) {  // last parameter fastest
      if (++digit[i] < levels[i].size()) break;
      digit[i] = 0;
    }
  }
  return out;
}

UnitDesign latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed) {
  check_size(n, "latin hypercube");
  UnitDesign d;
  d.k = k;
  d.n_points = n;
  d.u.assign(n * k, 0.0);
  for (std::size_t j = 0; j < k; ++j) {
    const auto perm = permutation(n, seed, kStreamLhsPermutation, static_cast<std::uint32_t>(j));
    for (std::size_t p = 0; p < n; ++p) {
      const double offset =
          uniform(seed, kStreamLhsOffset, static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(p));
      d.u[p * k + j] = (static_cast<double>(perm[p]) + offset) / static_cast<double>(n);
    }
  }
  return d;
}

UnitDesign sobol_points(std::size_t n, std::size_t k, std::uint64_t seed, bool scramble) {
  check_size(n, "sobol");
  UnitDesign d;
  d.k = k;
  d.n_points = n;
  d.u.assign(n * k, 0.0);
  if (k == 0) return d;
  const SobolSequence seq(static_cast<int>(k), scramble, seed);
  for (std::size_t p = 0; p < n; ++p) seq.point(p, std::span<double>(d.u.data() + p * k, k));
  return d;
}

UnitDesign saltelli(std::size_t n, std::size_t k, std::uint64_t seed, bool scramble) {
  check_size(n * (k + 2), "saltelli");
  const UnitDesign base = sobol_points(n, 2 * k, seed, scramble);
  UnitDesign d;
  d.k = k;
  d.n_points = n * (k + 2);
  d.u.reserve(d.n_points * k);
  for (std::size_t block = 0; block < k + 2; ++block) {
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t i = 0; i < k; ++i) {
        const bool from_b = block == 1 || (block >= 2 && block - 2 == i);
        d.u.push_back(base.at(p, from_b ? k + i : i));
      }
      d.saltelli_block.push_back(static_cast<std::int8_t>(block));
      d.saltelli_index.push_back(static_cast<std::int32_t>(p));
    }
  }
  return d;
}

double morris_delta(int levels) { return levels / (2.0 * (levels - 1)); }

UnitDesign morris(std::size_t r, std::size_t k, int levels, std::uint64_t seed) {
  if (levels < 2 || levels % 2 != 0) throw std::invalid_argument("morris: levels must be even and >= 2");
  check_size(r * (k + 1), "morris");
  UnitDesign d;
  d.k = k;
  d.n_points = r * (k + 1);
  d.u.reserve(d.n_points * k);
  const int jump = levels / 2;  // delta in grid levels
  const double top = levels - 1;
  for (std::size_t t = 0; t < r; ++t) {
    std::vector<int> level(k);
    for (std::size_t i = 0; i < k; ++i)
      level[i] = static_cast<int>(
          uniform(seed, kStreamMorrisStart, static_cast<std::uint32_t>(t), static_cast<std::uint32_t>(i)) * levels);
    const auto order = permutation(k, seed, kStreamMorrisOrder, static_cast<std::uint32_t>(t));
    for (std::size_t s = 0; s <= k; ++s) {
      if (s > 0) {
        int& l = level[order[s - 1]];
        l += l + jump <= levels - 1 ? jump : -jump;
      }
      for (std::size_t i = 0; i < k; ++i) d.u.push_back(level[i] / top);
      d.morris_trajectory.push_back(static_cast<std::int32_t>(t));
      d.morris_step.push_back(static_cast<std::int32_t>(s));
    }
  }
  return d;
}

}  // namespace schoolsim::sweep
