#include "sim/io/la_table_report.hpp"

#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "sim/core/la_table.hpp"
#include "sim/core/region_rules.hpp"
#include "sim/io/csv_text.hpp"

namespace schoolsim::io {
namespace {

/// Per LA: the names of the regions (rules already evaluated) it belongs to, ';'-separated.
std::vector<std::string> region_names_by_la(const std::map<std::string, std::vector<int>>& regions, const World& w) {
  std::vector<std::string> names(static_cast<std::size_t>(w.n_las));
  for (const auto& [name, las] : regions)
    for (int la : las)
      if (la >= 0 && la < w.n_las) {
        std::string& cell = names[static_cast<std::size_t>(la)];
        if (!cell.empty()) cell += ';';
        cell += name;
      }
  return names;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace

std::string la_table_csv(const Scenario& s, const World& w) {
  const std::vector<LaRow> rows = la_table(w);
  const std::vector<std::string> regions = region_names_by_la(with_region_rules_resolved(s, w).world.regions, w);
  std::ostringstream o;
  o << "la,code,name,schools,primary,secondary,places,mean_disadvantage,centre_x_km,centre_y_km,regions\n";
  for (int l = 0; l < w.n_las; ++l) {
    const LaRow& r = rows[static_cast<std::size_t>(l)];
    o << l << ',' << la_code_text(w, l) << ',' << csv_field(la_name_text(w, l)) << ',' << r.schools << ',' << r.primary
      << ',' << r.secondary << ',' << csv_number(r.places) << ',' << csv_number(r.mean_disadvantage) << ','
      << csv_number(r.centre_x) << ',' << csv_number(r.centre_y) << ','
      << csv_field(regions[static_cast<std::size_t>(l)]) << '\n';
  }
  return o.str();
}

std::string la_table_text(const Scenario& s, const World& w) {
  const std::vector<LaRow> rows = la_table(w);
  const Scenario resolved = with_region_rules_resolved(s, w);
  const std::vector<std::string> regions = region_names_by_la(resolved.world.regions, w);
  std::ostringstream o;
  char line[512];
  std::snprintf(line, sizeof line, "%5s %6s  %-28s %7s %7s %9s %9s %9s %9s  %s\n", "la", "code", "name", "schools",
                "primary", "places", "mean_fsm", "x_km", "y_km", "regions");
  o << line;
  for (int l = 0; l < w.n_las; ++l) {
    const LaRow& r = rows[static_cast<std::size_t>(l)];
    std::snprintf(line, sizeof line, "%5d %6s  %-28.28s %7d %7d %9.0f %9s %9s %9s  %s\n", l, la_code_text(w, l).c_str(),
                  la_name_text(w, l).c_str(), r.schools, r.primary, r.places, fixed(r.mean_disadvantage, 3).c_str(),
                  fixed(r.centre_x, 1).c_str(), fixed(r.centre_y, 1).c_str(),
                  regions[static_cast<std::size_t>(l)].c_str());
    o << line;
  }
  for (const auto& [name, las] : resolved.world.regions) {
    const auto rule = s.world.region_rules.find(name);
    int schools = 0;
    std::string list;
    for (int la : las) {
      if (la >= 0 && la < w.n_las) schools += rows[static_cast<std::size_t>(la)].schools;
      if (!list.empty()) list += ", ";
      list += std::to_string(la);
    }
    o << "region " << name << ' ';
    if (rule == s.world.region_rules.end())
      o << "(list)";
    else
      o << region_rule_text(rule->second);
    o << ": " << las.size() << " LAs, " << schools << " schools: " << list << "\n";
  }
  return o.str();
}

}  // namespace schoolsim::io
