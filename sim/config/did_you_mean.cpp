#include "sim/config/did_you_mean.hpp"

#include <algorithm>
#include <numeric>

#include "sim/config/problem.hpp"

namespace schoolsim::config {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_key(const std::string& key, const std::vector<std::string>& known) {
  // Edit distances cost key length x known key length each: no suggestion for a key far
  // longer than any known one.
  if (key.size() > 100) return "";
  const auto last_of = [](const std::string& k) {
    return k.substr(k.rfind('.') == std::string::npos ? 0 : k.rfind('.') + 1);
  };
  const std::string last = last_of(key);
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, key.size() / 4) + 1;
  for (const auto& k : known) {
    std::size_t d = edit_distance(key, k);
    if (last_of(k) == last && d > 1) d = 1;
    if (key.size() >= 3 && k.rfind(key, 0) == 0 && d > 2) d = 2;
    if (d < best_d) best_d = d, best = k;
  }
  return best;
}

std::string did_you_mean(const std::string& key, const std::vector<std::string>& known) {
  return suggestion_text(closest_key(key, known));
}

}  // namespace schoolsim::config
