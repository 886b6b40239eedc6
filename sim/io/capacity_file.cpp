#include "sim/io/capacity_file.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>

#include "sim/core/la_table.hpp"
#include "sim/core/version.hpp"
#include "sim/io/csv_text.hpp"

namespace schoolsim::io {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<std::string> kGroups = {"primary", "secondary", "all"};

Attributes attrs(const std::string& units, const std::string& long_name) {
  return {{"units", units}, {"long_name", long_name}};
}

std::vector<std::int32_t> iota(std::size_t n) {
  std::vector<std::int32_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

/// Writes the six summary variables `<prefix>_<name>` over (dim, phase_group).
void write_summaries(NcWriter& f, const std::string& prefix, const std::string& dim,
                     const std::vector<analysis::PhaseSummaries>& rows, const std::string& what) {
  std::vector<std::int32_t> schools, high, need, none;
  std::vector<double> ratio, median;
  for (const auto& row : rows)
    for (const auto& s : row) {
      schools.push_back(static_cast<std::int32_t>(s.schools));
      high.push_back(static_cast<std::int32_t>(s.high_performing));
      need.push_back(static_cast<std::int32_t>(s.in_need));
      none.push_back(static_cast<std::int32_t>(s.without_supporter));
      ratio.push_back(s.ratio);
      median.push_back(s.median_supporters);
    }
  const std::vector<std::string> dims =
      dim.empty() ? std::vector<std::string>{"phase_group"} : std::vector<std::string>{dim, "phase_group"};
  auto nan_attrs = [&](const std::string& units, const std::string& long_name) {
    Attributes a = attrs(units, long_name + what);
    a.push_back({"_FillValue", kNaN});
    return a;
  };
  f.write(prefix + "_schools", dims, schools, attrs("1", "schools" + what));
  f.write(prefix + "_high_performing", dims, high,
          attrs("1", "high-performing schools (the brokers' supporter rule)" + what));
  f.write(prefix + "_in_need", dims, need, attrs("1", "schools in need (the brokers' need rule)" + what));
  f.write(prefix + "_without_supporter", dims, none,
          attrs("1", "schools in need with no supporter within the radius" + what));
  f.write(prefix + "_ratio", dims, ratio, nan_attrs("1", "high-performing schools per school in need"));
  f.write(prefix + "_median_supporters", dims, median,
          nan_attrs("1", "median number of supporters within the radius per school in need"));
}

}  // namespace

void write_text_file_atomic(const std::filesystem::path& path, bool overwrite, const std::string& text) {
  std::error_code ec;
  if (!overwrite && std::filesystem::exists(path, ec))
    throw OutputError("cannot write output file '" + path.string() +
                      "': it exists already (use --force to replace it)");
  const std::filesystem::path tmp = path.string() + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw OutputError("cannot write output file '" + path.string() + "': cannot create " + tmp.string());
    out << text;
    out.flush();
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      throw OutputError("cannot write output file '" + path.string() + "': write failed");
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw OutputError("cannot write output file '" + path.string() + "': cannot rename the temporary file");
  }
}

void write_capacity_file(const std::filesystem::path& path, bool overwrite, const analysis::CapacityResult& r,
                         const World& w, const State& st, const Attributes& attributes) {
  NcWriter f(path, overwrite);
  f.set_global("Conventions", std::string("CF-1.8"));
  f.set_global("title", std::string("schoolsim capacity analysis"));
  f.set_global("source", version_string());
  f.set_global("schoolsim_file", std::string("capacity"));
  f.set_global("radius_primary_km", r.options.radius[0]);
  f.set_global("radius_secondary_km", r.options.radius[1]);
  f.set_global("same_la", std::int64_t{r.options.same_la ? 1 : 0});
  const auto& all = r.national[kPhases];
  f.set_global("high_performing", all.high_performing);
  f.set_global("in_need", all.in_need);
  f.set_global("supply_demand_ratio", all.ratio);
  for (const auto& a : attributes) f.set_global(a.name, a.value);

  f.add_dimension("phase_group", kGroups, {{"long_name", "phase (all = both phases)"}});
  f.add_dimension("la", iota(static_cast<std::size_t>(w.n_las)), attrs("1", "local authority index"));
  std::vector<std::int32_t> codes;
  std::vector<std::string> names;
  for (int l = 0; l < w.n_las; ++l)
    codes.push_back(w.labels ? w.labels->la_code[l] : l), names.push_back(la_name_text(w, l));
  f.write("la_code", {"la"}, codes, attrs("1", "local authority code (the index for synthetic worlds)"));
  f.write_strings("la_name", {"la"}, names, {{"long_name", "local authority name"}});
  write_summaries(f, "national", "", {r.national}, ", England");
  write_summaries(f, "la", "la", r.by_la, ", by local authority");
  if (!r.regions.empty()) {
    f.add_dimension("region", r.regions, {{"long_name", "region (GOR)"}});
    write_summaries(f, "region", "region", r.by_region, ", by region");
  }

  // Schools in need and their supporters.
  const std::size_t m = r.schools_in_need.size();
  f.add_dimension("school_in_need", iota(m), attrs("1", "index of a school in need"));
  std::vector<std::int32_t> school, urn, la, count, first;
  std::vector<std::int8_t> phase, grade;
  std::vector<double> attainment, nearest;
  std::vector<std::int32_t> p_need, p_school, p_supporter, p_urn, p_rank;
  std::vector<double> p_distance;
  for (std::size_t k = 0; k < m; ++k) {
    const auto& e = r.schools_in_need[k];
    school.push_back(e.school);
    urn.push_back(w.labels ? w.labels->urn[e.school] : -1);
    la.push_back(w.la[e.school]);
    phase.push_back(w.phase[e.school]);
    grade.push_back(st.grade[e.school]);
    attainment.push_back(st.attainment[e.school]);
    count.push_back(static_cast<std::int32_t>(e.supporters.size()));
    nearest.push_back(e.distance.empty() ? kNaN : e.distance.front());
    first.push_back(static_cast<std::int32_t>(p_need.size()));
    for (std::size_t s = 0; s < e.supporters.size(); ++s) {
      p_need.push_back(static_cast<std::int32_t>(k));
      p_school.push_back(e.school);
      p_supporter.push_back(e.supporters[s]);
      p_urn.push_back(w.labels ? w.labels->urn[e.supporters[s]] : -1);
      p_distance.push_back(e.distance[s]);
      p_rank.push_back(static_cast<std::int32_t>(s + 1));
    }
  }
  f.write("need_school", {"school_in_need"}, school, attrs("1", "school id of the school in need"));
  f.write("need_urn", {"school_in_need"}, urn, attrs("1", "URN of the school in need (-1 synthetic world)"));
  f.write("need_phase", {"school_in_need"}, phase,
          {{"units", "1"},
           {"long_name", "phase"},
           {"flag_values", std::string("0 1")},
           {"flag_meanings", std::string("primary secondary")}});
  f.write("need_la", {"school_in_need"}, la, attrs("1", "local authority index"));
  f.write("need_grade", {"school_in_need"}, grade, attrs("1", "inspection grade (1 outstanding .. 4 inadequate)"));
  f.write("need_attainment", {"school_in_need"}, attainment, attrs("pupil_sd", "measured attainment"));
  f.write("need_supporters", {"school_in_need"}, count, attrs("1", "supporters within the radius"));
  Attributes near = attrs("km", "distance to the nearest supporter");
  near.push_back({"_FillValue", kNaN});
  f.write("need_nearest_km", {"school_in_need"}, nearest, near);
  f.write("need_first_pair", {"school_in_need"}, first,
          attrs("1", "index of the school's first row in the pair table"));
  f.add_dimension("pair", iota(p_need.size()), attrs("1", "(school in need, supporter) pair index"));
  f.write("pair_need", {"pair"}, p_need, attrs("1", "index into school_in_need"));
  f.write("pair_school", {"pair"}, p_school, attrs("1", "school id of the school in need"));
  f.write("pair_supporter", {"pair"}, p_supporter, attrs("1", "school id of the high-performing school"));
  f.write("pair_supporter_urn", {"pair"}, p_urn, attrs("1", "URN of the high-performing school (-1 synthetic world)"));
  f.write("pair_distance_km", {"pair"}, p_distance, attrs("km", "distance between the two schools"));
  f.write("pair_rank", {"pair"}, p_rank, attrs("1", "1 = the nearest supporter of the school in need"));
  f.commit();
}

void write_capacity_summary_csv(const std::filesystem::path& path, bool overwrite, const analysis::CapacityResult& r,
                                const World& w) {
  std::ostringstream o;
  o << "level,name,code,phase,schools,high_performing,in_need,ratio,median_supporters,without_supporter\n";
  auto rows = [&](const std::string& level, const std::string& name, const std::string& code,
                  const analysis::PhaseSummaries& s) {
    for (std::size_t g = 0; g < s.size(); ++g)
      o << level << ',' << csv_field(name) << ',' << code << ',' << kGroups[g] << ',' << s[g].schools << ','
        << s[g].high_performing << ',' << s[g].in_need << ',' << csv_number(s[g].ratio) << ','
        << csv_number(s[g].median_supporters) << ',' << s[g].without_supporter << '\n';
  };
  rows("national", "England", "", r.national);
  for (std::size_t k = 0; k < r.regions.size(); ++k) rows("region", r.regions[k], "", r.by_region[k]);
  for (int l = 0; l < w.n_las; ++l) rows("la", la_name_text(w, l), la_code_text(w, l), r.by_la[l]);
  write_text_file_atomic(path, overwrite, o.str());
}

void write_capacity_schools_csv(const std::filesystem::path& path, bool overwrite, const analysis::CapacityResult& r,
                                const World& w, const State& st) {
  std::ostringstream o;
  o << "school,urn,name,phase,la_code,la_name,grade,attainment,supporters,nearest_km,supporter_ids,supporter_urns,"
       "supporter_km\n";
  for (const auto& e : r.schools_in_need) {
    const int i = e.school;
    std::string ids, urns, km;
    for (std::size_t s = 0; s < e.supporters.size(); ++s) {
      const std::string sep = s ? " " : "";
      ids += sep + std::to_string(e.supporters[s]);
      urns += sep + (w.labels ? std::to_string(w.labels->urn[e.supporters[s]]) : std::string("-1"));
      km += sep + csv_number(std::round(e.distance[s] * 1000.0) / 1000.0);
    }
    o << i << ',' << (w.labels ? std::to_string(w.labels->urn[i]) : std::string("-1")) << ','
      << csv_field(w.labels ? w.labels->name[i] : "") << ',' << (w.phase[i] ? "secondary" : "primary") << ','
      << la_code_text(w, w.la[i]) << ',' << csv_field(la_name_text(w, w.la[i])) << ',' << static_cast<int>(st.grade[i])
      << ',' << csv_number(st.attainment[i]) << ',' << e.supporters.size() << ','
      << (e.distance.empty() ? std::string() : csv_number(e.distance.front())) << ',' << ids << ',' << urns << ',' << km
      << '\n';
  }
  write_text_file_atomic(path, overwrite, o.str());
}

std::string capacity_summary_text(const analysis::CapacityResult& r) {
  std::ostringstream o;
  char line[256];
  std::snprintf(line, sizeof line, "capacity analysis: radius %.3g km primary, %.3g km secondary, %s\n",
                r.options.radius[0], r.options.radius[1],
                r.options.same_la ? "supporters in the same LA" : "supporters in any LA");
  o << line;
  std::snprintf(line, sizeof line, "%-20s %-10s %8s %10s %8s %8s %10s %10s\n", "group", "phase", "schools", "high-perf",
                "in need", "ratio", "median", "none near");
  o << line;
  auto rows = [&](const std::string& name, const analysis::PhaseSummaries& s) {
    for (std::size_t g = 0; g < s.size(); ++g) {
      std::snprintf(line, sizeof line, "%-20.20s %-10s %8lld %10lld %8lld %8.3f %10.3g %10lld\n", name.c_str(),
                    kGroups[g].c_str(), static_cast<long long>(s[g].schools),
                    static_cast<long long>(s[g].high_performing), static_cast<long long>(s[g].in_need), s[g].ratio,
                    s[g].median_supporters, static_cast<long long>(s[g].without_supporter));
      o << line;
    }
  };
  rows("national", r.national);
  for (std::size_t k = 0; k < r.regions.size(); ++k) rows(r.regions[k], r.by_region[k]);
  return o.str();
}

}  // namespace schoolsim::io
