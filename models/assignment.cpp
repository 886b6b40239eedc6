#include "models/assignment.hpp"

#include <cmath>
#include <limits>

namespace schoolsim {

std::vector<int> max_weight_matching(const std::vector<std::vector<double>>& weight, int n_cols) {
  const int n = static_cast<int>(weight.size());
  if (n == 0) return {};
  // Min-cost assignment of n rows to n_cols real + n dummy columns (a dummy means unmatched).
  // Allowed edges cost -(w + kBonus) so any real match beats staying unmatched; forbidden
  // edges cost kForbidden.
  constexpr double kBonus = 1.0e4, kForbidden = 1.0e12;
  const int m = n_cols + n;
  auto cost = [&](int r, int c) {
    if (c >= n_cols) return 0.0;
    const double w = weight[r][c];
    return std::isnan(w) ? kForbidden : -(w + kBonus);
  };
  // e-maxx Hungarian: potentials u (rows), v (cols), 1-based with column 0 as the sentinel.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0);
  std::vector<int> p(m + 1, 0), way(m + 1, 0);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<char> used(m + 1, false);
    do {
      used[j0] = true;
      const int i0 = p[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) minv[j] = cur, way[j] = j0;
        if (minv[j] < delta) delta = minv[j], j1 = j;
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j])
          u[p[j]] += delta, v[j] -= delta;
        else
          minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  std::vector<int> match(n, -1);
  for (int j = 1; j <= n_cols; ++j)
    if (p[j] != 0 && !std::isnan(weight[p[j] - 1][j - 1])) match[p[j] - 1] = j - 1;
  return match;
}

}  // namespace schoolsim
