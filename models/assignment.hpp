#pragma once
// Maximum-weight bipartite matching for the `optimal` broker strategy (Hungarian algorithm).
#include <vector>

namespace schoolsim {

/// weight[r][c] is the value of matching row r with column c, or NaN where not allowed.
/// Returns, per row, the matched column or -1. Maximises the number of matched rows first,
/// then the total weight; ties resolve toward lower indices (deterministic).
std::vector<int> max_weight_matching(const std::vector<std::vector<double>>& weight, int n_cols);

}  // namespace schoolsim
