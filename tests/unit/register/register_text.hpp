#pragma once
// Small registers written row by row for the importer tests (UTF-8 or Windows-1252 text in
// a subset of the GIAS columns, which is all the importer needs).
#include <map>
#include <string>
#include <vector>

namespace schoolsim::test {

/// One register row; unset fields are blank.
struct RegRow {
  std::string urn, la = "350", la_name = "Bolton", name = "A School", group = "Local authority maintained schools",
                   status = "Open", phase = "Primary", easting = "371000", northing = "409000", pupils = "200",
                   capacity = "210", fsm = "10.0", ofsted = "Good", trusts, flag, region = "North West";
};

inline const std::vector<std::string>& reg_columns() {
  static const std::vector<std::string> c = {"URN",
                                             "LA (code)",
                                             "LA (name)",
                                             "EstablishmentName",
                                             "EstablishmentTypeGroup (name)",
                                             "EstablishmentStatus (name)",
                                             "PhaseOfEducation (name)",
                                             "Easting",
                                             "Northing",
                                             "NumberOfPupils",
                                             "SchoolCapacity",
                                             "PercentageFSM",
                                             "OfstedRating (name)",
                                             "Trusts (name)",
                                             "TrustSchoolFlag (name)",
                                             "GOR (name)"};
  return c;
}

inline std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

inline std::string reg_line(const RegRow& r) {
  const std::vector<std::string> f = {r.urn,      r.la,     r.la_name,  r.name, r.group,  r.status, r.phase, r.easting,
                                      r.northing, r.pupils, r.capacity, r.fsm,  r.ofsted, r.trusts, r.flag,  r.region};
  std::string out;
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (k) out += ',';
    out += csv_quote(f[k]);
  }
  return out + "\r\n";
}

/// A register: header, then the rows, then `extra_lines` verbatim (for malformed rows).
inline std::string reg_text(const std::vector<RegRow>& rows, const std::vector<std::string>& extra_lines = {},
                            std::vector<std::string> columns = reg_columns()) {
  std::string out;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k) out += ',';
    out += csv_quote(columns[k]);
  }
  out += "\r\n";
  for (const auto& r : rows) out += reg_line(r);
  for (const auto& l : extra_lines) out += l;
  return out;
}

}  // namespace schoolsim::test
