#include "sim/core/trust_store.hpp"

#include <algorithm>
#include <cmath>

namespace schoolsim {

std::int64_t TrustStore::pair_entry(const World& w, std::int32_t i, std::int32_t j) {
  const std::int32_t a = std::min(i, j), b = std::max(i, j);
  if (a == b || w.phase[a] != w.phase[b]) return -1;
  // a's list is sorted by distance: locate b's distance, then b among the entries that close.
  // The lists hold std::hypot distances; sqrt(dx^2 + dy^2) is within a few ulp of them and
  // much cheaper, so search a relative window of 1e-9 around it.
  const NeighbourLists& nl = w.neighbours;
  const double dx = w.x[a] - w.x[b], dy = w.y[a] - w.y[b];
  const double d = std::sqrt(dx * dx + dy * dy);
  constexpr double kSlack = 1e-9;
  if (d * (1.0 - kSlack) > nl.radius[w.phase[a]]) return -1;
  const auto first = nl.distance.begin() + nl.begin(a), last = nl.distance.begin() + nl.end(a);
  for (auto it = std::lower_bound(first, last, d * (1.0 - kSlack)); it != last && *it <= d * (1.0 + kSlack); ++it) {
    const auto e = static_cast<std::int64_t>(it - nl.distance.begin());
    if (nl.index[e] == b) return e;
  }
  return -1;
}

std::vector<std::pair<std::uint64_t, double>> TrustStore::entries(const World& w) const {
  std::vector<std::pair<std::uint64_t, double>> out(unlisted_.begin(), unlisted_.end());
  const NeighbourLists& nl = w.neighbours;
  for (std::int32_t i = 0; i < w.n && !listed_.empty(); ++i)
    for (auto e = nl.begin(i); e < nl.end(i); ++e)
      if (nl.index[e] > i && !std::isnan(listed_[e])) out.emplace_back(pair_key(i, nl.index[e]), listed_[e]);
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t TrustStore::size() const {
  return unlisted_.size() + static_cast<std::size_t>(
                                std::count_if(listed_.begin(), listed_.end(), [](double v) { return !std::isnan(v); }));
}

void TrustStore::clear() {
  std::fill(listed_.begin(), listed_.end(), kAbsent);
  std::fill(stored_end_.begin(), stored_end_.end(), 0);
  unlisted_.clear();
}

bool operator==(const TrustStore& a, const TrustStore& b) {
  if (a.listed_.size() != b.listed_.size() || a.unlisted_ != b.unlisted_) return false;
  for (std::size_t k = 0; k < a.listed_.size(); ++k) {
    const double x = a.listed_[k], y = b.listed_[k];
    if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
  }
  return true;
}

}  // namespace schoolsim
