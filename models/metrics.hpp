// Inequality and polarisation metrics over school attainment (MODEL.md section 9).
//
// Pure serial functions: no state, no I/O, no threads. Every sum runs left to right in input
// order (or in sorted order where the formula needs it), so results are bit-reproducible and
// independent of thread scheduling. Formulas follow research/domain_notes.md section 2:
//   - Duclos-Esteban-Ray polarisation: section 2.2 (DER `paf` estimator, absolute form);
//   - Esteban-Ray over quintile groups: section 2.1 (P = sum pi_g^(1+a) pi_h |y_g - y_h|, K = 1);
//   - quintile cuts and P90-P10: section 2.8; disadvantage gap: section 2.9 / MODEL.md 9;
//   - between-group variance share (one-way ANOVA): section 2.7.
//
// Conventions:
//   - Spans passed together must have equal length (std::invalid_argument otherwise).
//   - Empty input returns a quiet NaN rather than throwing.
//   - Values must be finite; NaN in the input gives an unspecified result.
//   - Each function allocates at most one scratch buffer per call; the overloads taking a
//     `Scratch&` reuse the caller's buffers and allocate nothing once they have grown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace schoolsim::metrics {

// A value keyed for sorting with ties broken by input index, so every cut is deterministic.
struct KeyIndex {
  double key;
  std::size_t index;
};

// Reusable buffers for the functions below; one per thread (not shared between threads).
struct Scratch {
  std::vector<double> values;   // copy of y for quantile / DER
  std::vector<KeyIndex> keyed;  // (key, index) pairs for quintile cuts
  std::vector<double> group_sum;
  std::vector<std::int64_t> group_count;
};

double mean(std::span<const double> y);
// sum w y / sum w; NaN when the weights sum to 0.
double weighted_mean(std::span<const double> y, std::span<const double> w);
// Population SD (divide by n), two-pass.
double sd(std::span<const double> y);
// Population SD with weights normalised to sum to 1: sqrt(sum w (y - m)^2 / sum w).
double weighted_sd(std::span<const double> y, std::span<const double> w);

// Quantile with linear interpolation between order statistics (numpy's default "linear",
// Hyndman-Fan type 7): h = (n-1) q, result = x_(floor h) + (h - floor h)(x_(floor h + 1) - x_(floor h)),
// using numpy's two-sided lerp so results match numpy.quantile. Uses std::nth_element on a copy
// (O(n), no full sort). q must lie in [0,1] (std::invalid_argument otherwise).
double quantile(std::span<const double> y, double q);
double quantile(std::span<const double> y, double q, Scratch& scratch);
// Same, on a caller-owned buffer that is permuted in place (any permutation of y is a valid input).
double quantile_inplace(std::span<double> values, double q);
// quantile(0.9) - quantile(0.1), sharing one copy.
double p90_p10(std::span<const double> y);
double p90_p10(std::span<const double> y, Scratch& scratch);

// Duclos-Esteban-Ray polarisation, absolute form (domain_notes 2.2, MODEL.md 9):
//   P = (1/n^2) sum_i sum_j fhat(y_i)^alpha |y_i - y_j|,
// fhat a Gaussian kernel density estimate with bandwidth h = 4.7 n^(-1/2) sigma alpha^0.1
// (sigma = population SD), evaluated exactly at 512 grid points g_k = lo + k (hi - lo)/511 over
// [lo, hi] = [min - 4h, max + 4h] and linearly interpolated at each y_i. The inner sum uses the
// sorted identity sum_j |y_(r) - y_j| = y_(r)(2r + 1 - n) + T - P_r - P_(r+1) (T the total, P_r the
// sum of the r smallest values), so the whole is O(n log n). The grid sums take whichever of two
// kernels costs less for the sample (metrics.cpp): direct sums (each point's kernel added to the
// nodes within 9.1 h, exact up to rounding, terms below 1e-18 of the peak dropped), cheaper for
// small samples and grids coarse relative to h; or the binned kernel density estimate (linear
// binning onto bins at most h/64 wide, one discrete convolution), cheaper for large samples, whose
// cost no longer grows with n; it agrees with the direct sums to within 1e-6 relative at alpha = 0.5
// (tests/unit/models/test_der_reference.cpp).
// Empty input returns NaN; n == 1 or constant input (sigma == 0) returns 0. alpha must be > 0.
double der_polarisation(std::span<const double> y, double alpha = 0.5);
double der_polarisation(std::span<const double> y, double alpha, Scratch& scratch);
// The same with one of the two kernels forced (for the tests comparing them).
double der_polarisation_direct(std::span<const double> y, double alpha = 0.5);
double der_polarisation_binned(std::span<const double> y, double alpha = 0.5);

// Esteban-Ray polarisation over 5 attainment quintile groups, absolute form (domain_notes 2.1,
// K = 1): ER = sum_k sum_l pi_k^(1+alpha) pi_l |mu_k - mu_l|. Groups: order the schools by
// (y, index) and give group k the sorted positions [k n / 5, (k+1) n / 5) (integer division), so
// sizes differ by at most one and, for n % 5 != 0, the larger groups fall where the integer cuts
// put them (n = 7 gives sizes 1,1,2,1,2). pi_k = n_k / n and mu_k the group mean; empty groups
// (n < 5) have pi_k = 0 and drop out. Ties do not change ER (tied values have equal means).
double esteban_ray_quintiles(std::span<const double> y, double alpha = 1.3);
double esteban_ray_quintiles(std::span<const double> y, double alpha, Scratch& scratch);

// Disadvantage gap (MODEL.md 9): within each phase, order schools by (d, index), cut into 5
// quintiles by the rule above, and take
//   gap_p = mean y of the least disadvantaged quintile (lowest d) - mean y of the most
//           disadvantaged quintile (highest d),
// so a positive gap means disadvantaged schools are behind. The result is the average of gap_p
// over phases weighted by their school counts. phase[i] must be 0 or 1; a phase with fewer than 5
// schools is skipped; NaN if every phase is skipped.
double disadvantage_gap(std::span<const double> y, std::span<const double> d, std::span<const std::int8_t> phase);
double disadvantage_gap(std::span<const double> y, std::span<const double> d, std::span<const std::int8_t> phase,
                        Scratch& scratch);

// Pupil-level means by disadvantage, derived from school means (MODEL.md 9): school i has n_i
// pupils, a share d_i of them disadvantaged (FSM) and attainment y_i, taken as every pupil's.
//   disadvantaged = sum n_i d_i y_i / sum n_i d_i,  others = sum n_i (1 - d_i) y_i / sum n_i (1 - d_i)
// (sums in input order); a mean whose weights sum to 0 is NaN.
struct PupilGroupMeans {
  double disadvantaged, others;
};
PupilGroupMeans disadvantaged_pupil_means(std::span<const double> y, std::span<const double> pupils,
                                          std::span<const double> d);

// Between-group share of the variance (domain_notes 2.7, e.g. between-LA share):
//   sum_g n_g (mean_g - mean)^2 / sum_i (y_i - mean)^2, and 0 if the total variance is 0.
// group[i] must lie in [0, n_groups) (std::out_of_range otherwise); empty groups contribute 0.
double between_group_share(std::span<const double> y, std::span<const std::int32_t> group, int n_groups);
double between_group_share(std::span<const double> y, std::span<const std::int32_t> group, int n_groups,
                           Scratch& scratch);

// --- One order per scope (the observation's path) ----------------------------------------
// The order-based metrics above each sort or select on their own copy. A caller computing all
// of them for the same values (sim/run/observation.cpp) orders the values once instead; the
// *_ordered functions give exactly the results of the plain ones.

// y in ascending (value, index) order.
struct Ordered {
  std::vector<KeyIndex> keyed;  // (y_i, i), ascending
  std::vector<double> sorted;   // keyed[k].key
};
void order(std::span<const double> y, Ordered& out);
double p90_p10_ordered(const Ordered& o);
double der_polarisation_ordered(std::span<const double> y, const Ordered& o, double alpha = 0.5);
double esteban_ray_quintiles_ordered(std::span<const double> y, const Ordered& o, double alpha = 1.3);
// The disadvantage quintile of every school within its phase, by the rule of disadvantage_gap:
// 0 least ... 4 most disadvantaged, -1 where the phase has fewer than 5 schools. Disadvantage
// does not change during a run, so callers compute this once.
std::vector<std::int8_t> disadvantage_groups(std::span<const double> d, std::span<const std::int8_t> phase);
// disadvantage_gap from those groups.
double disadvantage_gap_grouped(std::span<const double> y, std::span<const std::int8_t> group,
                                std::span<const std::int8_t> phase);

}  // namespace schoolsim::metrics
