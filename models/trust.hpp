#pragma once
// Trust rules (MODEL.md 7.6): slow to build, quick to lose; idle pairs relax to baseline.
#include <algorithm>

#include "sim/core/scenario.hpp"

namespace schoolsim {

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
