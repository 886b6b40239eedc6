// The DER polarisation kernel as it was before the four-nodes-at-a-time sweeps of
// models/metrics.cpp (2026-12-05): one grid node at a time, each sweep stopping at its first
// term below 1e-18. Kept only as the reference the tests compare the fast kernels (direct and binned) with
// (tests/unit/models/test_der_reference.cpp); not linked into the engine.
#pragma once

#include <span>

namespace schoolsim::metrics::reference {

/// DER polarisation of y (MODEL.md 9), one-node-at-a-time kernel sums on the 512-point grid.
double der_polarisation(std::span<const double> y, double alpha = 0.5);

}  // namespace schoolsim::metrics::reference
