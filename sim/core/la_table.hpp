#pragma once
// Per-LA characteristics of a world (schools, places, mean disadvantage, centre): the table
// researchers choose treated LAs from (`schoolsim world describe`, the `la_*` variables of
// every file with areas) and what region rules are evaluated on (region_rules.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/world.hpp"

namespace schoolsim {

struct LaRow {
  std::int32_t schools = 0;
  std::int32_t primary = 0;
  std::int32_t secondary = 0;
  double places = 0;                  ///< initial places of the LA's schools (pupils)
  double mean_disadvantage = 0;       ///< unweighted mean FSM share of its schools (NaN without schools)
  double centre_x = 0, centre_y = 0;  ///< mean position of its schools, km (NaN without schools)
};

/// One row per LA index, in index order.
std::vector<LaRow> la_table(const World& w);

/// The register's LA code of LA index l, or the index itself in a synthetic world.
std::string la_code_text(const World& w, int l);
/// The register's LA name, or "LA <index>" in a synthetic world.
std::string la_name_text(const World& w, int l);

}  // namespace schoolsim
