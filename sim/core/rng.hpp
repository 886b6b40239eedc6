#pragma once
// Counter-based random numbers (Random123 Philox4x32-10). Every draw is a pure function of
// (seed, replicate, term, process, entity, draw index), so results never depend on which
// thread runs which school, or in what order (MODEL.md section 4).
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace schoolsim {

/// The submodel a draw belongs to: part of the counter, so submodels never share numbers.
enum class Process : std::uint32_t {
  WorldLa = 1,
  WorldSchool,
  InitSchool,
  InitGovernance,
  SupporterAcceptance,
  ReceiverAcceptance,
  BrokerRandom,
  SelfSearch,
  Lifecycle,
  Practice,
  Attainment,
  Academisation,
};

/// A stream of draws for one (term, process, entity); the key holds (seed, replicate).
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint32_t replicate, std::uint32_t term, Process process, std::uint32_t entity)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        ctr_{{term, static_cast<std::uint32_t>(process) ^ (replicate << 8), entity, 0}} {
    // The replicate also perturbs the high key word so replicates >= 2^24 stay distinct.
    key_.v[1] ^= replicate * 0x9E3779B9u;
  }

  /// Uniform in the open interval (0, 1) with 53 random bits.
  double uniform() {
    const auto r = next();
    const std::uint64_t bits = (static_cast<std::uint64_t>(r.v[0]) << 21) ^ (r.v[1] >> 11);
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
  }
  /// Standard normal (Box-Muller on two uniforms).
  double normal() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  bool bernoulli(double p) { return uniform() < p; }
  /// Integer uniform on {0, ..., n-1} (n >= 1).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(uniform() * n) % n; }
  /// Gamma(shape, 1) by Marsaglia-Tsang (shape < 1 boosted).
  double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }
  double beta(double a, double b) {
    const double x = gamma(a), y = gamma(b);
    return x / (x + y);
  }
  std::uint32_t draws() const { return ctr_.v[3]; }
  /// Continues from draw index `draw` (e.g. the k-th proposal a school received this term).
  void seek(std::uint32_t draw) { ctr_.v[3] = draw; }

 private:
  r123::Philox4x32::ctr_type next() {
    const auto out = r123::Philox4x32()(ctr_, key_);
    ++ctr_.v[3];
    return out;
  }
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
};

}  // namespace schoolsim
