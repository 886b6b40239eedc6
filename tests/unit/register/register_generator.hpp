#pragma once
// A synthetic school register in the GIAS column layout (139 columns, Windows-1252, CRLF),
// generated in memory for tests and benchmarks of the importer (tests/bench/bench_register.cpp
// times a 25,000-row register). Nothing here is real data. The composition is exact and
// deterministic, so tests can assert the import counts:
//
//   row k (0-based): URN 100000 + k, LA code 300 + (k / 3) % n_las
//   k % 10 == 9            -> Closed                                     (skipped: not open)
//   else k % 25 == 3       -> Independent schools, phase Primary          (skipped: type group)
//   else k % 20 == 17      -> phase Nursery                               (skipped: other phase)
//   else k % 20 == 18      -> phase Not applicable                        (skipped: other phase)
//   else k % 20 in 14..16  -> Secondary; k % 20 == 19 -> All-through      (kept: secondary)
//   else                   -> Primary                                     (kept: primary)
//   kept rows with k % 50 == 7 have no coordinates (placed at the LA mean)
//   every 7th row has a quoted name with a comma; every 11th a name with é (0xE9)
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace schoolsim::test {

inline const std::vector<std::string>& gias_columns() {
  static const std::vector<std::string> columns = {"URN",
                                                   "LA (code)",
                                                   "LA (name)",
                                                   "EstablishmentNumber",
                                                   "EstablishmentName",
                                                   "TypeOfEstablishment (code)",
                                                   "TypeOfEstablishment (name)",
                                                   "EstablishmentTypeGroup (code)",
                                                   "EstablishmentTypeGroup (name)",
                                                   "EstablishmentStatus (code)",
                                                   "EstablishmentStatus (name)",
                                                   "ReasonEstablishmentOpened (code)",
                                                   "ReasonEstablishmentOpened (name)",
                                                   "OpenDate",
                                                   "ReasonEstablishmentClosed (code)",
                                                   "ReasonEstablishmentClosed (name)",
                                                   "CloseDate",
                                                   "PhaseOfEducation (code)",
                                                   "PhaseOfEducation (name)",
                                                   "StatutoryLowAge",
                                                   "StatutoryHighAge",
                                                   "Boarders (code)",
                                                   "Boarders (name)",
                                                   "NurseryProvision (name)",
                                                   "OfficialSixthForm (code)",
                                                   "OfficialSixthForm (name)",
                                                   "Gender (code)",
                                                   "Gender (name)",
                                                   "ReligiousCharacter (code)",
                                                   "ReligiousCharacter (name)",
                                                   "ReligiousEthos (name)",
                                                   "Diocese (code)",
                                                   "Diocese (name)",
                                                   "AdmissionsPolicy (code)",
                                                   "AdmissionsPolicy (name)",
                                                   "SchoolCapacity",
                                                   "SpecialClasses (code)",
                                                   "SpecialClasses (name)",
                                                   "CensusDate",
                                                   "NumberOfPupils",
                                                   "NumberOfBoys",
                                                   "NumberOfGirls",
                                                   "PercentageFSM",
                                                   "TrustSchoolFlag (code)",
                                                   "TrustSchoolFlag (name)",
                                                   "Trusts (code)",
                                                   "Trusts (name)",
                                                   "SchoolSponsorFlag (name)",
                                                   "SchoolSponsors (name)",
                                                   "FederationFlag (name)",
                                                   "Federations (code)",
                                                   "Federations (name)",
                                                   "UKPRN",
                                                   "FEHEIdentifier",
                                                   "FurtherEducationType (name)",
                                                   "OfstedLastInsp",
                                                   "OfstedSpecialMeasures (code)",
                                                   "OfstedSpecialMeasures (name)",
                                                   "LastChangedDate",
                                                   "Street",
                                                   "Locality",
                                                   "Address3",
                                                   "Town",
                                                   "County (name)",
                                                   "Postcode",
                                                   "SchoolWebsite",
                                                   "TelephoneNum",
                                                   "HeadTitle (name)",
                                                   "HeadFirstName",
                                                   "HeadLastName",
                                                   "HeadPreferredJobTitle",
                                                   "BSOInspectorateName (name)",
                                                   "InspectorateReport",
                                                   "DateOfLastInspectionVisit",
                                                   "NextInspectionVisit",
                                                   "TeenMoth (name)",
                                                   "TeenMothPlaces",
                                                   "CCF (name)",
                                                   "SENPRU (name)",
                                                   "EBD (name)",
                                                   "PlacesPRU",
                                                   "FTProv (name)",
                                                   "EdByOther (name)",
                                                   "Section41Approved (name)",
                                                   "SEN1 (name)",
                                                   "SEN2 (name)",
                                                   "SEN3 (name)",
                                                   "SEN4 (name)",
                                                   "SEN5 (name)",
                                                   "SEN6 (name)",
                                                   "SEN7 (name)",
                                                   "SEN8 (name)",
                                                   "SEN9 (name)",
                                                   "SEN10 (name)",
                                                   "SEN11 (name)",
                                                   "SEN12 (name)",
                                                   "SEN13 (name)",
                                                   "TypeOfResourcedProvision (name)",
                                                   "ResourcedProvisionOnRoll",
                                                   "ResourcedProvisionCapacity",
                                                   "SenUnitOnRoll",
                                                   "SenUnitCapacity",
                                                   "GOR (code)",
                                                   "GOR (name)",
                                                   "DistrictAdministrative (code)",
                                                   "DistrictAdministrative (name)",
                                                   "AdministrativeWard (code)",
                                                   "AdministrativeWard (name)",
                                                   "ParliamentaryConstituency (code)",
                                                   "ParliamentaryConstituency (name)",
                                                   "UrbanRural (code)",
                                                   "UrbanRural (name)",
                                                   "GSSLACode (name)",
                                                   "Easting",
                                                   "Northing",
                                                   "MSOA (name)",
                                                   "LSOA (name)",
                                                   "InspectorateName (name)",
                                                   "SENStat",
                                                   "SENNoStat",
                                                   "BoardingEstablishment (name)",
                                                   "PropsName",
                                                   "PreviousLA (code)",
                                                   "PreviousLA (name)",
                                                   "PreviousEstablishmentNumber",
                                                   "OfstedRating (name)",
                                                   "Country (name)",
                                                   "UPRN",
                                                   "SiteName",
                                                   "QABName (code)",
                                                   "QABName (name)",
                                                   "EstablishmentAccredited (code)",
                                                   "EstablishmentAccredited (name)",
                                                   "QABReport",
                                                   "CHNumber",
                                                   "MSOA (code)",
                                                   "LSOA (code)",
                                                   "FSM",
                                                   "AccreditationExpiryDate"};
  return columns;
}

/// Expected import counts of make_register(rows, ...).
struct RegisterComposition {
  std::int64_t not_open = 0, type_group = 0, other_phase = 0, primary = 0, secondary = 0, no_coordinates = 0;
};

inline RegisterComposition register_composition(int rows) {
  RegisterComposition c;
  for (int k = 0; k < rows; ++k) {
    if (k % 10 == 9)
      ++c.not_open;
    else if (k % 25 == 3)
      ++c.type_group;
    else if (k % 20 == 17 || k % 20 == 18)
      ++c.other_phase;
    else {
      ((k % 20 >= 14 && k % 20 <= 16) || k % 20 == 19 ? c.secondary : c.primary)++;
      if (k % 50 == 7) ++c.no_coordinates;
    }
  }
  return c;
}

/// A register of `rows` data rows in `n_las` LAs (Windows-1252 bytes, CRLF line ends).
inline std::string make_register(int rows, int n_las = 150) {
  const auto& cols = gias_columns();
  std::string out;
  out.reserve(static_cast<std::size_t>(rows) * 1100 + 4096);
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (c) out += ',';
    out += cols[c];
  }
  out += "\r\n";
  std::vector<std::string> f(cols.size());
  auto col = [&](const char* name) -> std::string& {
    for (std::size_t c = 0; c < cols.size(); ++c)
      if (cols[c] == name) return f[c];
    throw std::logic_error(name);
  };
  // Column positions looked up once.
  std::string* urn = &col("URN");
  std::string* la = &col("LA (code)");
  std::string* la_name = &col("LA (name)");
  std::string* name = &col("EstablishmentName");
  std::string* group = &col("EstablishmentTypeGroup (name)");
  std::string* status = &col("EstablishmentStatus (name)");
  std::string* phase = &col("PhaseOfEducation (name)");
  std::string* east = &col("Easting");
  std::string* north = &col("Northing");
  std::string* pupils = &col("NumberOfPupils");
  std::string* capacity = &col("SchoolCapacity");
  std::string* fsm = &col("PercentageFSM");
  std::string* ofsted = &col("OfstedRating (name)");
  std::string* trusts = &col("Trusts (name)");
  std::string* flag = &col("TrustSchoolFlag (name)");
  std::string* region = &col("GOR (name)");
  const char* ratings[] = {"Good", "Good", "Outstanding", "Good", "Requires improvement", "", "Good", "Inadequate"};
  const char* regions[] = {"North West", "London", "South East", "West Midlands", "Yorkshire and the Humber"};
  std::uint64_t state = 12345;
  auto next = [&] {  // 64-bit LCG (Knuth MMIX): deterministic filler
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (int k = 0; k < rows; ++k) {
    for (auto& v : f) v.clear();
    // Filler in the columns the importer ignores, so rows are about as long as real ones.
    for (std::size_t c = 0; c < cols.size(); c += 3) f[c] = "Not applicable";
    const int l = (k / 3) % n_las;
    *urn = std::to_string(100000 + k);
    *la = std::to_string(300 + l);
    *la_name = "Authority " + std::to_string(300 + l);
    *name = k % 7 == 0    ? "\"St Anne's, St Joseph's School " + std::to_string(k) + "\""
            : k % 11 == 0 ? "Ecole \xE9l\xE9mentaire " + std::to_string(k)
                          : "School " + std::to_string(k);
    *status = k % 10 == 9 ? "Closed" : "Open";
    *group = k % 25 == 3 ? "Independent schools" : k % 3 == 0 ? "Academies" : "Local authority maintained schools";
    const int p = k % 20;
    *phase = p == 17   ? "Nursery"
             : p == 18 ? "Not applicable"
             : p == 19 ? "All-through"
             : p >= 14 ? "Secondary"
                       : "Primary";
    if (k % 50 != 7) {
      const double cx = 100000 + 450000.0 * ((l * 37) % n_las) / n_las,
                   cy = 50000 + 900000.0 * ((l * 61) % n_las) / n_las;
      *east = std::to_string(static_cast<int>(cx + 8000 * (next() - 0.5)));
      *north = std::to_string(static_cast<int>(cy + 8000 * (next() - 0.5)));
    }
    const bool secondary = p >= 14 && p != 17 && p != 18;
    const int cap = static_cast<int>((secondary ? 1000 : 300) * (0.6 + 0.8 * next()));
    *capacity = k % 40 == 5 ? "" : std::to_string(cap);
    *pupils = k % 45 == 6 ? "" : std::to_string(static_cast<int>(cap * (0.7 + 0.35 * next())));
    *fsm = k % 30 == 8 ? "" : std::to_string(static_cast<int>(400 * next()) / 10.0).substr(0, 4);
    *ofsted = ratings[k % 8];
    if (*group == "Academies")
      *trusts = "Trust " + std::to_string(k % 900), *flag = "Supported by a multi-academy trust";
    *region = regions[l % 5];
    for (std::size_t c = 0; c < f.size(); ++c) {
      if (c) out += ',';
      out += f[c];
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace schoolsim::test
