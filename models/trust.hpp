#pragma once
// Trust rules (MODEL.md 7.6): slow to build, quick to lose; idle pairs relax to baseline.
#include <algorithm>
#include <cmath>

#include "sim/core/scenario.hpp"

namespace schoolsim {

/// Willingness from openness (MODEL.md 7.5, 7.4): the logit of theta, so that odds scale
/// with theta / (1 - theta): 0 at theta = 0.5 (the default world barely changes), -> -inf for a
/// closed school, +inf for a fully open one (clamped to +-30 so sums stay finite).
inline double openness_logit(double theta) {
  const double t = std::clamp(theta, 1e-13, 1.0 - 1e-13);
  return std::log(t / (1.0 - t));
}

/// Partnership success s_p in [-1, 1]: the quality gain relative to what that kind of
/// partnership usually achieves.
inline double partnership_success(double gain, double expected_gain) {
  return std::clamp(gain / expected_gain - 1.0, -1.0, 1.0);
}

/// Trust after one term of a partnership with success s.
inline double trust_after(const TrustParams& t, double trust, double success) {
  return success >= 0 ? trust + t.trust_gain * (1.0 - trust) * success : trust + t.trust_loss * trust * success;
}

/// One term of relaxation of an idle stored pair toward its baseline trust.
inline double trust_relaxed(const TrustParams& t, double trust, double baseline) {
  return trust + t.trust_decay * (baseline - trust);
}

}  // namespace schoolsim
