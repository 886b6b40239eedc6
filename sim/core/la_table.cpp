#include "sim/core/la_table.hpp"

#include <limits>

namespace schoolsim {

std::vector<LaRow> la_table(const World& w) {
  std::vector<LaRow> rows(static_cast<std::size_t>(w.n_las));
  for (int i = 0; i < w.n; ++i) {
    LaRow& r = rows[static_cast<std::size_t>(w.la[i])];
    ++r.schools;
    ++(w.phase[i] == 0 ? r.primary : r.secondary);
    r.places += w.places[i];
    r.mean_disadvantage += w.disadvantage[i];
    r.centre_x += w.x[i];
    r.centre_y += w.y[i];
  }
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (LaRow& r : rows) {
    const double n = r.schools;
    r.mean_disadvantage = r.schools ? r.mean_disadvantage / n : nan;
    r.centre_x = r.schools ? r.centre_x / n : nan;
    r.centre_y = r.schools ? r.centre_y / n : nan;
  }
  return rows;
}

std::string la_code_text(const World& w, int l) {
  return w.labels ? std::to_string(w.labels->la_code[static_cast<std::size_t>(l)]) : std::to_string(l);
}

std::string la_name_text(const World& w, int l) {
  return w.labels ? w.labels->la_name[static_cast<std::size_t>(l)] : "LA " + std::to_string(l);
}

}  // namespace schoolsim
