// World files (docs/register.md "World file"): every per-school variable is over the
// dimension `school`, per-LA variables over `la`, trust names over `trust`.
#include "sim/io/world_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>

#include "sim/io/nc_reader.hpp"
#include "sim/core/version.hpp"

namespace schoolsim {
namespace {

constexpr std::int64_t kWorldFormat = 1;
constexpr double kMaxCoordinateKm = 100000;  // BNG spans 700 x 1300 km
constexpr double kMaxPlaces = 1000000;       // the largest English school has about 4,000

io::Attributes attrs(const std::string& units, const std::string& long_name) {
  return {{"units", units}, {"long_name", long_name}};
}

std::vector<std::int32_t> iota(std::size_t n) {
  std::vector<std::int32_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

}  // namespace

bool is_hdf5_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string_view(magic, 8) == std::string_view("\x89HDF\r\n\x1a\n", 8);
}

void write_world_file(const std::filesystem::path& path, bool overwrite, const WorldFileData& d) {
  io::NcWriter f(path, overwrite);
  f.set_global("Conventions", std::string("CF-1.8"));
  f.set_global("title", std::string("schoolsim world"));
  f.set_global("source", version_string());
  f.set_global("schoolsim_file", std::string("world"));
  f.set_global("schoolsim_world_format", kWorldFormat);
  f.set_global("has_trusts", std::int64_t{d.has_trusts ? 1 : 0});
  f.set_global("has_attainment", std::int64_t{d.has_attainment ? 1 : 0});
  for (const auto& a : d.attributes) f.set_global(a.name, a.value);

  f.add_dimension("school", iota(d.size()), attrs("1", "school id"));
  f.add_dimension("la", iota(d.la_code.size()), attrs("1", "local authority index"));
  f.add_dimension("trust", iota(d.trust_name.size()), attrs("1", "trust index"));
  f.write("school_urn", {"school"}, d.urn, attrs("1", "unique reference number (URN) in the school register"));
  f.write_strings("school_name", {"school"}, d.name, {{"long_name", "establishment name"}});
  f.write("school_phase", {"school"}, d.phase,
          {{"units", "1"},
           {"long_name", "phase of education"},
           {"flag_values", std::string("0 1")},
           {"flag_meanings", std::string("primary secondary")}});
  f.write("school_la", {"school"}, d.la, attrs("1", "local authority index (see la_code)"));
  f.write("school_x", {"school"}, d.x, attrs("km", "British National Grid easting / 1000"));
  f.write("school_y", {"school"}, d.y, attrs("km", "British National Grid northing / 1000"));
  f.write("school_disadvantage", {"school"}, d.disadvantage,
          attrs("1", "share of pupils eligible for free school meals"));
  f.write("school_places", {"school"}, d.places, attrs("pupils", "places (school capacity, at least the roll)"));
  f.write("school_pupils", {"school"}, d.pupils, attrs("pupils", "pupils on roll"));
  f.write("school_initial_grade", {"school"}, d.grade,
          {{"units", "1"},
           {"long_name", "initial inspection grade from the Ofsted rating (1 outstanding .. 4 inadequate)"},
           {"comment", std::string("0 = unknown: set by the model's rule")}});
  f.write("school_academy", {"school"}, d.academy,
          {{"units", "1"},
           {"long_name", "governance from the register"},
           {"comment", std::string("1 academy or free school, 0 maintained, -1 unknown (drawn by the model's rule)")}});
  f.write("school_trust", {"school"}, d.trust, attrs("1", "academy trust index (see trust_name), -1 none"));
  io::Attributes att = attrs("1", "initial attainment, z-score within phase from the attainment files");
  att.push_back({"_FillValue", std::numeric_limits<double>::quiet_NaN()});
  att.push_back({"comment", std::string("NaN = unknown: set by the model's rule")});
  f.write("school_initial_attainment", {"school"}, d.attainment, att);
  f.write("la_code", {"la"}, d.la_code, attrs("1", "local authority code in the register"));
  f.write_strings("la_name", {"la"}, d.la_name, {{"long_name", "local authority name"}});
  f.write_strings("la_region", {"la"}, d.la_region, {{"long_name", "region (GOR) of most of the LA's schools"}});
  if (!d.trust_name.empty())
    f.write_strings("trust_name", {"trust"}, d.trust_name, {{"long_name", "academy trust name"}});
  f.commit();
}

WorldFileData read_world_file(const std::filesystem::path& path) {
  WorldFileData d;
  try {
    const io::NcReader f(path);
    const auto kind = f.global("schoolsim_file");
    if (!kind || !std::holds_alternative<std::string>(*kind) || std::get<std::string>(*kind) != "world")
      throw WorldFileError(path.string() + ": not a schoolsim world file (make one with `schoolsim world import`)");
    const auto format = f.global("schoolsim_world_format");
    if (!format || !std::holds_alternative<std::int64_t>(*format) || std::get<std::int64_t>(*format) != kWorldFormat)
      throw WorldFileError(path.string() + ": unsupported world file format (this version reads format " +
                           std::to_string(kWorldFormat) + ")");
    auto flag = [&](const char* name) {
      const auto v = f.global(name);
      return v && std::holds_alternative<std::int64_t>(*v) && std::get<std::int64_t>(*v) != 0;
    };
    d.has_trusts = flag("has_trusts");
    d.has_attainment = flag("has_attainment");
    d.urn = f.read<std::int32_t>("school_urn");
    d.name = f.read_strings("school_name");
    d.phase = f.read<std::int8_t>("school_phase");
    d.la = f.read<std::int32_t>("school_la");
    d.x = f.read<double>("school_x");
    d.y = f.read<double>("school_y");
    d.disadvantage = f.read<double>("school_disadvantage");
    d.places = f.read<double>("school_places");
    d.pupils = f.read<double>("school_pupils");
    d.grade = f.read<std::int8_t>("school_initial_grade");
    d.academy = f.read<std::int8_t>("school_academy");
    d.trust = f.read<std::int32_t>("school_trust");
    d.attainment = f.read<double>("school_initial_attainment");
    d.la_code = f.read<std::int32_t>("la_code");
    d.la_name = f.read_strings("la_name");
    d.la_region = f.read_strings("la_region");
    if (f.has("trust_name")) d.trust_name = f.read_strings("trust_name");
    for (const char* name : {"register_file", "import_report"})
      if (auto v = f.global(name)) d.attributes.push_back({name, *v});
  } catch (const io::InputFileError& e) {
    throw WorldFileError(e.what());
  }
  // Consistency: sizes, ranges, places and rolls.
  const std::size_t n = d.urn.size(), n_las = d.la_code.size();
  auto fail = [&](const std::string& what) { throw WorldFileError(path.string() + ": invalid world file: " + what); };
  if (n == 0) fail("it has no schools");
  for (const std::size_t size :
       {d.name.size(), d.phase.size(), d.la.size(), d.x.size(), d.y.size(), d.disadvantage.size(), d.places.size(),
        d.pupils.size(), d.grade.size(), d.academy.size(), d.trust.size(), d.attainment.size()})
    if (size != n) fail("per-school variables differ in length");
  if (d.la_name.size() != n_las || d.la_region.size() != n_las) fail("per-LA variables differ in length");
  for (std::size_t i = 0; i < n; ++i) {
    const std::string where = " (school " + std::to_string(i) + ", URN " + std::to_string(d.urn[i]) + ")";
    if (d.phase[i] != 0 && d.phase[i] != 1) fail("school_phase must be 0 or 1" + where);
    if (d.la[i] < 0 || static_cast<std::size_t>(d.la[i]) >= n_las) fail("school_la out of range" + where);
    // Bounds well beyond any real value, so a corrupt or hand-edited number (1e308) cannot
    // overflow the spatial grid or the integer rolls derived from places.
    if (!std::isfinite(d.x[i]) || !std::isfinite(d.y[i])) fail("school_x/school_y not finite" + where);
    if (std::abs(d.x[i]) > kMaxCoordinateKm || std::abs(d.y[i]) > kMaxCoordinateKm)
      fail("school_x/school_y beyond " + std::to_string(static_cast<int>(kMaxCoordinateKm)) + " km" + where);
    if (!(d.disadvantage[i] >= 0 && d.disadvantage[i] <= 1)) fail("school_disadvantage outside 0..1" + where);
    if (!(d.places[i] > 0)) fail("school_places not positive" + where);
    if (d.places[i] > kMaxPlaces) fail("school_places above " + std::to_string(static_cast<int>(kMaxPlaces)) + where);
    if (!(d.pupils[i] >= 0 && d.pupils[i] <= d.places[i])) fail("school_pupils outside 0..school_places" + where);
    if (d.grade[i] < 0 || d.grade[i] > 4) fail("school_initial_grade outside 0..4" + where);
    if (d.academy[i] < -1 || d.academy[i] > 1) fail("school_academy outside -1..1" + where);
    if (d.trust[i] < -1 || d.trust[i] >= static_cast<std::int32_t>(d.trust_name.size()))
      fail("school_trust out of range" + where);
  }
  return d;
}

World world_from_data(const WorldFileData& d, const std::array<double, kPhases>& radius) {
  World w;
  w.n = static_cast<int>(d.size());
  w.n_las = static_cast<int>(d.la_code.size());
  w.phase = d.phase;
  w.la = d.la;
  w.x = d.x;
  w.y = d.y;
  w.disadvantage = d.disadvantage;
  w.places = d.places;
  w.width_km = w.n ? *std::max_element(w.x.begin(), w.x.end()) : 0.0;
  w.height_km = w.n ? *std::max_element(w.y.begin(), w.y.end()) : 0.0;
  for (int i = 0; i < w.n; ++i) w.phase_members[w.phase[i]].push_back(i);
  w.mean_disadvantage = std::accumulate(w.disadvantage.begin(), w.disadvantage.end(), 0.0) / std::max(w.n, 1);
  w.neighbours = build_neighbour_lists(w.x, w.y, w.phase, radius);
  InitialOverrides o;
  o.pupils = d.pupils;
  o.grade = d.grade;
  o.academy = d.academy;
  if (d.has_trusts) o.trust = d.trust;
  if (d.has_attainment) o.attainment_z = d.attainment;
  w.initial = std::move(o);
  w.labels = WorldLabels{d.urn, d.name, d.la_code, d.la_name, d.la_region};
  return w;
}

World load_world_file(const std::filesystem::path& path, const std::array<double, kPhases>& radius) {
  return world_from_data(read_world_file(path), radius);
}

}  // namespace schoolsim
