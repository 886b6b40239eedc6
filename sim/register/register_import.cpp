// Register import: one pass over the rows (classify, parse), then the kept schools are
// located, filled, indexed and ordered (docs/register.md "Rules").
#include "sim/register/register_import.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "sim/config/did_you_mean.hpp"
#include "sim/config/input_text.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/config/bounded_read.hpp"
#include "sim/register/bng.hpp"
#include "sim/register/csv.hpp"

namespace schoolsim::school_register {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A kept row, before filling.
struct Candidate {
  std::size_t line = 0;
  std::int32_t urn = 0;
  std::int32_t la_code = 0;
  std::string la_name, name, region, trust;
  std::int8_t phase = 0, grade = 0, academy = -1;
  double x = kNaN, y = kNaN;              // km
  double pupils = kNaN, capacity = kNaN;  // NaN = missing
  double fsm = kNaN;                      // share
};

/// Median (numpy's: mean of the two middle values for an even count) of a copy.
double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

/// Medians of a field by (LA code, phase) with the national phase median as fallback.
class FillMedian {
 public:
  FillMedian(const std::vector<Candidate>& rows, double Candidate::*field, int min_la_values, PerPhase<double> fallback)
      : min_(min_la_values) {
    std::map<std::pair<std::int32_t, int>, std::vector<double>> by_la;
    PerPhase<std::vector<double>> national;
    for (const auto& c : rows) {
      const double v = c.*field;
      if (std::isnan(v)) continue;
      by_la[{c.la_code, c.phase}].push_back(v);
      national[static_cast<std::size_t>(c.phase)].push_back(v);
    }
    for (auto& [key, values] : by_la)
      if (static_cast<int>(values.size()) >= min_) la_[key] = median(values);
    for (int p = 0; p < kPhases; ++p) {
      const double m = median(national[static_cast<std::size_t>(p)]);
      phase_[static_cast<std::size_t>(p)] = std::isnan(m) ? fallback[static_cast<std::size_t>(p)] : m;
    }
  }
  double operator()(const Candidate& c) const {
    const auto it = la_.find({c.la_code, c.phase});
    return it != la_.end() ? it->second : phase_[static_cast<std::size_t>(c.phase)];
  }

 private:
  int min_;
  std::map<std::pair<std::int32_t, int>, double> la_;
  PerPhase<double> phase_{};
};

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::vector<std::string> q;
  for (const auto& s : items) q.push_back("'" + s + "'");
  return join(q, ", ");
}

/// "did you mean" for a missing column: the closest header names by edit distance.
std::string closest(const std::string& name, const std::vector<std::string>& header) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(3, name.size() / 3) + 1;
  for (const auto& h : header) {
    const std::size_t d = config::edit_distance(name, std::string(trim(h)));
    if (d < best_d) best_d = d, best = std::string(trim(h));
  }
  return best;
}

bool parse_int(std::string_view text, std::int64_t& out) {
  text = trim(text);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::string format_share(double v) {
  std::ostringstream s;
  s.precision(3);
  s << v * 100 << "%";
  return s.str();
}

}  // namespace

std::string read_input_file(const std::filesystem::path& path) {
  // Bounded and regular files only: a huge file is refused rather than read into memory, a
  // FIFO, a device or a folder rather than waited on or read as empty.
  io::BoundedRead read = io::read_bounded(path, io::kMaxCsvBytes);
  if (!read.problem.empty()) throw RegisterError(path.string() + ": " + read.problem);
  return std::move(read.bytes);
}

Decoded decode_or_throw(std::string_view bytes, const std::string& source, Encoding encoding) {
  if (const std::string why = why_not_csv(bytes); !why.empty()) throw RegisterError(source + ": " + why);
  try {
    return decode(bytes, encoding);
  } catch (const std::invalid_argument& e) {
    throw RegisterError(source + ": " + e.what());
  }
}

std::int64_t ImportReport::skipped() const {
  return skipped_malformed + skipped_not_open + skipped_type_group + skipped_other_phase + skipped_duplicate_urn +
         skipped_no_location;
}

std::vector<std::pair<std::string, std::int64_t>> ImportReport::counts() const {
  return {{"rows", rows},
          {"kept", kept},
          {"kept_primary", kept_primary},
          {"kept_secondary", kept_secondary},
          {"las", las},
          {"skipped", skipped()},
          {"skipped_malformed", skipped_malformed},
          {"skipped_not_open", skipped_not_open},
          {"skipped_type_group", skipped_type_group},
          {"skipped_other_phase", skipped_other_phase},
          {"skipped_duplicate_urn", skipped_duplicate_urn},
          {"skipped_no_location", skipped_no_location},
          {"filled_location", filled_location},
          {"filled_places", filled_places},
          {"filled_pupils", filled_pupils},
          {"filled_disadvantage", filled_disadvantage},
          {"filled_grade", filled_grade},
          {"raised_places", raised_places},
          {"trust_schools", trust_schools},
          {"trusts", trusts},
          {"mats", mats},
          {"mat_schools", mat_schools},
          {"attainment_set", attainment_set}};
}

std::string ImportReport::text(std::size_t max_lines) const {
  std::ostringstream o;
  o << source << " (" << encoding << "): " << rows << " rows, kept " << kept << " schools (" << kept_primary
    << " primary, " << kept_secondary << " secondary) in " << las << " LAs\n";
  o << "  skipped " << skipped() << ": malformed " << skipped_malformed << ", not open " << skipped_not_open
    << ", type group " << skipped_type_group << ", other phase " << skipped_other_phase << ", duplicate URN "
    << skipped_duplicate_urn << ", no location " << skipped_no_location << "\n";
  if (!other_phases.empty()) {
    o << "  other phases:";
    bool first = true;
    for (const auto& [name, count] : other_phases)
      o << (first ? " " : ", ") << (name.empty() ? "(blank)" : name) << " " << count, first = false;
    o << "\n";
  }
  o << "  filled: location " << filled_location << ", places " << filled_places << ", pupils " << filled_pupils
    << ", disadvantage " << filled_disadvantage << ", grade (model rule) " << filled_grade << "; places raised to roll "
    << raised_places << "\n";
  o << "  trusts: " << trust_schools << " schools in " << trusts << " trusts; initial MATs " << mats << " ("
    << mat_schools << " schools)\n";
  if (!attainment_sources.empty()) {
    o << "  attainment: set for " << attainment_set << " schools\n";
    for (const auto& line : attainment_sources) o << "    " << line << "\n";
  }
  if (undefined_bytes) o << "  note: " << undefined_bytes << " bytes undefined in Windows-1252 replaced by U+FFFD\n";
  auto list = [&](const char* title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    o << "  " << title << " (" << lines.size() << "):\n";
    for (std::size_t k = 0; k < std::min(lines.size(), max_lines); ++k) o << "    " << lines[k] << "\n";
    if (lines.size() > max_lines) o << "    ... and " << lines.size() - max_lines << " more\n";
  };
  list("malformed rows", problems);
  list("notes", notes);
  return o.str();
}

std::string describe_rules(const ImportRules& r) {
  std::ostringstream o;
  o << "primary phases: " << join(r.primary_phases, "; ") << "\n"
    << "secondary phases: " << join(r.secondary_phases, "; ") << "\n"
    << "open statuses: " << join(r.open_statuses, "; ") << "\n"
    << "type groups: " << (r.type_groups.empty() ? "(all)" : join(r.type_groups, "; ")) << "\n"
    << "missing location: " << (r.missing_location == MissingLocation::LaMean ? "la-mean" : "skip") << "\n"
    << "fill roll: " << r.fill_roll << "\n"
    << "LA median needs: " << r.min_la_values << " values\n"
    << "max bad share: " << r.max_bad_share << "\n";
  return o.str();
}

ImportResult import_register(std::string_view bytes, const std::string& source, const ImportRules& rules,
                             const std::vector<AttainmentTable>& attainment) {
  const Decoded decoded = decode_or_throw(bytes, source, rules.encoding);
  ImportResult result;
  ImportReport& rep = result.report;
  rep.source = source;
  rep.encoding = to_string(decoded.used);
  rep.undefined_bytes = decoded.undefined;

  CsvReader reader(decoded.text);
  CsvRecord rec;
  if (!reader.next(rec)) throw RegisterError(source + ": is empty (no header row)");
  if (!rec.error.empty()) throw RegisterError(source + ": the header row (line 1) is malformed: " + rec.error);
  const std::vector<std::string> header = rec.fields;
  auto find = [&](std::string_view name) {
    for (std::size_t k = 0; k < header.size(); ++k)
      if (trim(header[k]) == name) return static_cast<int>(k);
    return -1;
  };
  std::vector<std::string> missing;
  for (const auto& c : required_columns())
    if (find(c) < 0) missing.push_back(c);
  if (!missing.empty()) {
    std::string msg = source + ": not a school register: missing required column" + (missing.size() > 1 ? "s " : " ") +
                      quoted_list(missing);
    std::vector<std::string> hints;
    for (const auto& m : missing)
      if (const std::string c = closest(m, header); !c.empty()) hints.push_back("'" + c + "' for '" + m + "'");
    if (!hints.empty()) msg += " (did you mean " + join(hints, ", ") + "?)";
    if (header.size() == 1 && (header[0].find(';') != std::string::npos || header[0].find('\t') != std::string::npos))
      msg += "; the header has no commas: the file is separated by semicolons or tabs, not commas";
    msg += ". Expected the header of the GIAS 'all establishment data' CSV (docs/register.md).";
    throw RegisterError(msg);
  }
  const int c_urn = find(column::kUrn), c_la = find(column::kLaCode), c_status = find(column::kStatus),
            c_phase = find(column::kPhase), c_east = find(column::kEasting), c_north = find(column::kNorthing),
            c_pupils = find(column::kPupils), c_capacity = find(column::kCapacity), c_fsm = find(column::kFsm);
  const int c_la_name = find(column::kLaName), c_name = find(column::kName), c_group = find(column::kTypeGroup),
            c_ofsted = find(column::kOfsted), c_trusts = find(column::kTrusts), c_flag = find(column::kTrustFlag),
            c_region = find(column::kRegion);
  result.world.has_trusts = c_trusts >= 0;

  std::vector<Candidate> kept;
  std::unordered_map<std::int32_t, std::size_t> first_line;  // URN -> line of the kept row
  auto bad = [&](std::size_t line, const std::string& what) {
    ++rep.skipped_malformed;
    rep.problems.push_back("line " + std::to_string(line) + ": " + what);
  };
  while (reader.next(rec)) {
    ++rep.rows;
    const std::size_t line = rec.line;
    // A file cut off in a row is a truncated download, not one bad row under --max-bad-share.
    if (rec.unterminated && !rec.error.empty())
      throw RegisterError(source + ": line " + std::to_string(line) +
                          ": the file ends inside a quoted field that never closes: it looks truncated (an interrupted "
                          "download?); download it again");
    if (rec.unterminated && rec.fields.size() < header.size())
      throw RegisterError(source + ": line " + std::to_string(line) + ": the file ends inside a row (" +
                          std::to_string(rec.fields.size()) + " of " + std::to_string(header.size()) +
                          " fields, no line break at the end): it looks truncated (an interrupted download?); "
                          "download it again");
    if (!rec.error.empty()) {
      bad(line, rec.error);
      continue;
    }
    if (rec.fields.size() != header.size()) {
      bad(line,
          "has " + std::to_string(rec.fields.size()) + " fields, the header has " + std::to_string(header.size()));
      continue;
    }
    auto field = [&](int k) { return k < 0 ? std::string_view() : trim(rec.fields[static_cast<std::size_t>(k)]); };
    if (!is_open_status(rules, field(c_status))) {
      ++rep.skipped_not_open;
      continue;
    }
    if (c_group >= 0 && !is_kept_type_group(rules, field(c_group))) {
      ++rep.skipped_type_group;
      continue;
    }
    const int phase = phase_of(rules, field(c_phase));
    if (phase < 0) {
      ++rep.skipped_other_phase;
      ++rep.other_phases[std::string(field(c_phase))];
      continue;
    }
    Candidate c;
    c.line = line;
    c.phase = static_cast<std::int8_t>(phase);
    std::int64_t urn = 0, la = 0;
    if (!parse_int(field(c_urn), urn) || urn <= 0 || urn > std::numeric_limits<std::int32_t>::max()) {
      bad(line, "URN '" + std::string(field(c_urn)) + "' is not a positive whole number");
      continue;
    }
    c.urn = static_cast<std::int32_t>(urn);
    if (!parse_int(field(c_la), la) || la < 0 || la > std::numeric_limits<std::int32_t>::max()) {
      bad(line, "LA (code) '" + std::string(field(c_la)) + "' is not a whole number (URN " + std::to_string(urn) + ")");
      continue;
    }
    c.la_code = static_cast<std::int32_t>(la);
    // Numbers: blank or suppressed = missing; unparsable or impossible = malformed row.
    std::string problem;
    auto number = [&](int col, const char* name, bool percent) {
      const ParsedNumber v = parse_number(field(col), percent);
      if (v.status == ParsedNumber::Bad && problem.empty())
        problem = std::string(name) + " '" + config::shortened(field(col)) + "' is not a number";
      return v.status == ParsedNumber::Ok ? v.value : kNaN;
    };
    const double east = number(c_east, column::kEasting, false), north = number(c_north, column::kNorthing, false);
    const double pupils = number(c_pupils, column::kPupils, false),
                 capacity = number(c_capacity, column::kCapacity, false);
    const double fsm = number(c_fsm, column::kFsm, true);
    if (problem.empty() && (pupils < 0 || capacity < 0)) problem = "a negative NumberOfPupils or SchoolCapacity";
    const auto implausible = [&](double value, int col, const char* name) {
      if (problem.empty() && value > kMaxSchoolSize)
        problem = std::string(name) + " '" + config::shortened(field(col)) + "' is implausible (more than 100,000)";
    };
    implausible(pupils, c_pupils, column::kPupils);
    implausible(capacity, c_capacity, column::kCapacity);
    if (problem.empty() && (fsm < 0 || fsm > 100)) problem = "PercentageFSM outside 0..100";
    const bool located = !std::isnan(east) && !std::isnan(north) && !(east == 0 && north == 0);
    std::optional<GridKm> km;
    if (problem.empty() && located && !(km = bng_to_km(east, north)))
      problem = "Easting/Northing outside the British National Grid (0..700000, 0..1300000 m)";
    if (!problem.empty()) {
      bad(line, problem + " (URN " + std::to_string(urn) + ")");
      continue;
    }
    if (const auto [it, fresh] = first_line.emplace(c.urn, line); !fresh) {
      ++rep.skipped_duplicate_urn;
      rep.notes.push_back("line " + std::to_string(line) + ": URN " + std::to_string(urn) + " repeats line " +
                          std::to_string(it->second) + ": skipped");
      continue;
    }
    if (km) c.x = km->x, c.y = km->y;
    c.pupils = pupils > 0 ? pupils : kNaN;
    c.capacity = capacity > 0 ? capacity : kNaN;
    c.fsm = std::isnan(fsm) ? kNaN : fsm / 100.0;
    c.la_name = std::string(field(c_la_name));
    c.name = std::string(field(c_name));
    c.region = std::string(field(c_region));
    c.grade = ofsted_grade(field(c_ofsted));
    if (c_trusts >= 0 && !field(c_trusts).empty() && (c_flag < 0 || is_academy_trust_flag(field(c_flag))))
      c.trust = std::string(field(c_trusts));
    c.academy = c_group >= 0 ? academy_of_type_group(field(c_group)) : std::int8_t{-1};
    if (c.academy < 0 && !c.trust.empty()) c.academy = 1;
    kept.push_back(std::move(c));
  }
  if (rep.rows > 0 &&
      static_cast<double>(rep.skipped_malformed) > rules.max_bad_share * static_cast<double>(rep.rows)) {
    std::string msg =
        source + ": " + std::to_string(rep.skipped_malformed) + " of " + std::to_string(rep.rows) + " rows (" +
        format_share(static_cast<double>(rep.skipped_malformed) / static_cast<double>(rep.rows)) +
        ") are malformed, more than --max-bad-share " + format_share(rules.max_bad_share) + ". First problems:";
    for (std::size_t k = 0; k < std::min<std::size_t>(rep.problems.size(), 5); ++k) msg += "\n  " + rep.problems[k];
    throw RegisterError(msg);
  }

  // URN order before anything that depends on order (the sums of the LA mean locations
  // below are rounded differently in another order): the world is the same whatever the row
  // order of the register (URNs are unique here: repeats were skipped above).
  std::sort(kept.begin(), kept.end(), [](const Candidate& a, const Candidate& b) { return a.urn < b.urn; });

  // Locations: missing ones at the mean of their LA's located schools, or skipped.
  std::map<std::int32_t, std::array<double, 3>> la_sum;  // LA code -> (sum x, sum y, count)
  for (const auto& c : kept)
    if (!std::isnan(c.x)) {
      auto& s = la_sum[c.la_code];
      s[0] += c.x, s[1] += c.y, s[2] += 1;
    }
  std::vector<Candidate> located;
  located.reserve(kept.size());
  for (auto& c : kept) {
    if (std::isnan(c.x)) {
      const auto it = la_sum.find(c.la_code);
      if (rules.missing_location == MissingLocation::Skip || it == la_sum.end()) {
        ++rep.skipped_no_location;
        rep.notes.push_back("line " + std::to_string(c.line) + ": URN " + std::to_string(c.urn) +
                            " has no coordinates" +
                            (rules.missing_location == MissingLocation::Skip
                                 ? ""
                                 : " and LA " + std::to_string(c.la_code) + " has no located school") +
                            ": skipped");
        continue;
      }
      c.x = it->second[0] / it->second[2];
      c.y = it->second[1] / it->second[2];
      ++rep.filled_location;
      rep.notes.push_back("line " + std::to_string(c.line) + ": URN " + std::to_string(c.urn) +
                          " has no coordinates: placed at the mean location of LA " + std::to_string(c.la_code));
    }
    located.push_back(std::move(c));
  }
  if (located.empty() && !kept.empty())
    throw RegisterError(source + ": none of the " + std::to_string(kept.size()) +
                        " open primary and secondary schools has coordinates (Easting/Northing blank or 0), so none "
                        "can be placed (see \"Locations\" in docs/register.md)");
  if (located.empty())
    throw RegisterError(source + ": no open primary or secondary school was kept (" + std::to_string(rep.rows) +
                        " rows; see the phase, status and type-group rules in docs/register.md)");

  // Fill places, pupils and disadvantage (medians over the kept, located schools).
  const FillMedian capacity_median(located, &Candidate::capacity, rules.min_la_values, {300.0, 1000.0});
  const FillMedian fsm_median(located, &Candidate::fsm, rules.min_la_values, {0.15, 0.15});
  for (auto& c : located) {
    const bool has_pupils = !std::isnan(c.pupils), has_capacity = !std::isnan(c.capacity);
    if (has_pupils && has_capacity) {
      if (c.pupils > c.capacity) ++rep.raised_places, c.capacity = c.pupils;
    } else if (has_pupils) {
      c.capacity = c.pupils / rules.fill_roll;
      ++rep.filled_places;
    } else {
      if (!has_capacity) c.capacity = capacity_median(c), ++rep.filled_places;
      c.pupils = rules.fill_roll * c.capacity;
      ++rep.filled_pupils;
    }
    if (std::isnan(c.fsm)) c.fsm = fsm_median(c), ++rep.filled_disadvantage;
    if (c.grade == 0) ++rep.filled_grade;
  }

  // Order: schools by URN (already), LAs by code, trusts by name.
  std::map<std::int32_t, std::int32_t> la_index;
  std::map<std::string, std::int32_t> trust_index;
  for (const auto& c : located) {
    la_index.emplace(c.la_code, 0);
    if (!c.trust.empty()) trust_index.emplace(c.trust, 0);
  }
  WorldFileData& w = result.world;
  for (auto& [code, index] : la_index) {
    index = static_cast<std::int32_t>(w.la_code.size());
    w.la_code.push_back(code);
  }
  for (auto& [name, index] : trust_index) {
    index = static_cast<std::int32_t>(w.trust_name.size());
    w.trust_name.push_back(name);
  }
  const std::size_t n_las = w.la_code.size();
  std::vector<std::map<std::string, int>> region_votes(n_las);
  w.la_name.assign(n_las, "");
  for (const auto& c : located) {
    const auto l = static_cast<std::size_t>(la_index[c.la_code]);
    if (w.la_name[l].empty()) w.la_name[l] = c.la_name;
    if (!c.region.empty()) ++region_votes[l][c.region];
    w.urn.push_back(c.urn);
    w.name.push_back(c.name);
    w.phase.push_back(c.phase);
    w.la.push_back(static_cast<std::int32_t>(l));
    w.x.push_back(c.x);
    w.y.push_back(c.y);
    w.disadvantage.push_back(c.fsm);
    w.places.push_back(c.capacity);
    w.pupils.push_back(c.pupils);
    w.grade.push_back(c.grade);
    w.academy.push_back(c.academy);
    w.trust.push_back(c.trust.empty() ? -1 : trust_index[c.trust]);
    (c.phase == 0 ? rep.kept_primary : rep.kept_secondary)++;
  }
  for (std::size_t l = 0; l < n_las; ++l) {
    std::string best;
    int votes = 0;
    for (const auto& [name, count] : region_votes[l])  // alphabetical: ties go to the first name
      if (count > votes) best = name, votes = count;
    w.la_region.push_back(best);
  }
  rep.kept = static_cast<std::int64_t>(w.size());
  rep.las = static_cast<std::int64_t>(n_las);
  rep.trusts = static_cast<std::int64_t>(w.trust_name.size());
  std::map<std::pair<std::int32_t, int>, std::int64_t> trust_phase;
  for (std::size_t i = 0; i < w.size(); ++i)
    if (w.trust[i] >= 0) ++rep.trust_schools, ++trust_phase[{w.trust[i], w.phase[i]}];
  for (const auto& [key, count] : trust_phase)
    if (count >= 2) ++rep.mats, rep.mat_schools += count;

  // Initial attainment from the attainment files.
  if (!attainment.empty()) {
    w.has_attainment = true;
    std::vector<AttainmentUse> uses;
    w.attainment = standardised_attainment(attainment, w.urn, w.phase, &uses);
    for (double z : w.attainment) rep.attainment_set += std::isnan(z) ? 0 : 1;
    for (std::size_t k = 0; k < attainment.size(); ++k) {
      const auto& t = attainment[k];
      std::ostringstream o;
      o << t.source << ": column " << t.column << ", " << t.value.size() << " URNs with a value (" << t.missing
        << " suppressed or blank, " << t.bad << " unparsable), " << uses[k].matched << " matched; ";
      if (uses[k].phase < 0)
        o << "no school matched";
      else
        o << (uses[k].phase == 0 ? "primary" : "secondary") << " file: set " << uses[k].used << " schools (mean "
          << uses[k].mean << ", sd " << uses[k].sd << ")";
      rep.attainment_sources.push_back(o.str());
    }
  } else {
    w.attainment.assign(w.size(), kNaN);
  }

  // Attributes: provenance is added by the caller; here the rules and the report.
  w.attributes.push_back({"register_file", source});
  w.attributes.push_back({"register_encoding", rep.encoding});
  w.attributes.push_back({"import_rules", describe_rules(rules)});
  for (const auto& [name, value] : rep.counts()) w.attributes.push_back({"import_" + name, value});
  w.attributes.push_back({"import_report", rep.text(std::numeric_limits<std::size_t>::max())});
  return result;
}

ImportResult import_register_file(const std::filesystem::path& path, const ImportRules& rules,
                                  const std::vector<AttainmentTable>& attainment) {
  return import_register(read_input_file(path), path.string(), rules, attainment);
}

}  // namespace schoolsim::school_register
