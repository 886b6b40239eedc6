#pragma once
// The rules that turn rows of England's school register (GIAS) into model schools: which
// rows are kept, how register values map to model values, what counts as missing
// (docs/register.md "Rules"). Every list is configurable from `schoolsim world import`.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/register/encoding.hpp"

namespace schoolsim::school_register {

/// Register column names (exact, as in the GIAS "all establishment data" CSV).
namespace column {
inline constexpr const char* kUrn = "URN";
inline constexpr const char* kLaCode = "LA (code)";
inline constexpr const char* kLaName = "LA (name)";
inline constexpr const char* kName = "EstablishmentName";
inline constexpr const char* kTypeGroup = "EstablishmentTypeGroup (name)";
inline constexpr const char* kStatus = "EstablishmentStatus (name)";
inline constexpr const char* kPhase = "PhaseOfEducation (name)";
inline constexpr const char* kEasting = "Easting";
inline constexpr const char* kNorthing = "Northing";
inline constexpr const char* kPupils = "NumberOfPupils";
inline constexpr const char* kCapacity = "SchoolCapacity";
inline constexpr const char* kFsm = "PercentageFSM";
inline constexpr const char* kOfsted = "OfstedRating (name)";
inline constexpr const char* kTrusts = "Trusts (name)";
inline constexpr const char* kTrustFlag = "TrustSchoolFlag (name)";
inline constexpr const char* kRegion = "GOR (name)";
}  // namespace column

/// Columns a register must have; the others are optional (used when present).
const std::vector<std::string>& required_columns();

/// What to do with a kept school that has no usable coordinates.
enum class MissingLocation {
  LaMean,  ///< place it at the mean location of its LA's located schools (skipped if there are none)
  Skip,    ///< skip it (reason no_location)
};

struct ImportRules {
  /// PhaseOfEducation (name) values mapped to the model's primary and secondary phases.
  std::vector<std::string> primary_phases = {"Primary", "Middle deemed primary"};
  std::vector<std::string> secondary_phases = {"Secondary", "Middle deemed secondary", "All-through"};
  /// EstablishmentStatus (name) values that count as open.
  std::vector<std::string> open_statuses = {"Open", "Open, but proposed to close"};
  /// EstablishmentTypeGroup (name) values kept (state-funded mainstream schools); applied
  /// only if the column is present; an empty list keeps every group.
  std::vector<std::string> type_groups = {"Local authority maintained schools", "Academies", "Free Schools"};
  MissingLocation missing_location = MissingLocation::LaMean;
  /// Import fails (exit 2) if more than this share of data rows is malformed.
  double max_bad_share = 0.01;
  Encoding encoding = Encoding::Auto;
  /// Missing pupils = fill_roll x places; missing places = pupils / fill_roll (the default
  /// of world.initial_roll, the synthetic generator's rule).
  double fill_roll = 0.9;
  /// A missing value takes the median of its LA and phase when that LA has at least this
  /// many known values in the phase, else the national median of the phase.
  int min_la_values = 3;
};

/// The largest plausible NumberOfPupils or SchoolCapacity (England's largest school has about
/// 4,000 pupils). A larger value is a malformed row: with the default fill_roll its filled
/// places stay far below the world file's limit of 1,000,000 places per school, so an
/// imported world is always one `run` and `capacity` accept (docs/register.md).
inline constexpr double kMaxSchoolSize = 100000;

/// The model phase of a PhaseOfEducation (name): 0 primary, 1 secondary, -1 not kept.
int phase_of(const ImportRules& rules, std::string_view phase_name);
bool is_open_status(const ImportRules& rules, std::string_view status);
bool is_kept_type_group(const ImportRules& rules, std::string_view group);

/// Initial grade from OfstedRating (name): Outstanding 1, Good 2, Requires improvement 3,
/// Inadequate / Serious Weaknesses / Special Measures 4; anything else (blank, Insufficient
/// evidence, unknown text) 0 = unknown, left to the model's rule.
std::int8_t ofsted_grade(std::string_view rating);

/// Governance from EstablishmentTypeGroup (name): 1 academy (Academies, Free Schools),
/// 0 maintained (Local authority maintained schools), -1 unknown.
std::int8_t academy_of_type_group(std::string_view group);

/// Whether TrustSchoolFlag (name) makes the school's Trusts (name) an academy trust: every
/// value except "Supported by a trust" (the foundation trust of a maintained school, which
/// is not a multi-academy trust).
bool is_academy_trust_flag(std::string_view flag);

/// Whether a value means "missing": blank, or a suppression marker of the DfE files (SUPP,
/// NE, NP, NA, N/A, LOWCOV, x, .., -, "Not applicable"), case-insensitive.
bool is_missing(std::string_view value);

struct ParsedNumber {
  enum Status { Ok, Missing, Bad } status = Missing;
  double value = 0;
};
/// Parses a decimal number (leading/trailing spaces allowed; with `percent`, one trailing
/// '%' too). Missing values (is_missing) give Missing; anything else unparsable gives Bad.
ParsedNumber parse_number(std::string_view text, bool percent = false);

/// Splits "a;b;c" into trimmed non-empty parts (option lists: register values contain commas).
std::vector<std::string> split_list(std::string_view text);

}  // namespace schoolsim::school_register
