#pragma once
// `schoolsim world import`: England's school register (GIAS CSV) -> world-file data, with a
// report of what was kept, skipped (by reason) and filled (by field). Rules: rules.hpp and
// docs/register.md.
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/register/attainment.hpp"
#include "sim/register/encoding.hpp"
#include "sim/register/rules.hpp"
#include "sim/io/world_file.hpp"

namespace schoolsim::school_register {

/// An input file that cannot be used (not CSV, missing column, too many malformed rows, no
/// school kept): the message names the file and the problem. The CLI exits with status 2.
class RegisterError : public InputError {
 public:
  using InputError::InputError;
};

/// A file's bytes; RegisterError if it does not exist, is a folder or cannot be read.
std::string read_input_file(const std::filesystem::path& path);
/// decode(), with a RegisterError naming `source` for text that is not valid in `encoding`.
Decoded decode_or_throw(std::string_view bytes, const std::string& source, Encoding encoding);

struct ImportReport {
  std::string source;     ///< register file
  std::string encoding;   ///< as read: windows-1252 or utf-8
  std::int64_t rows = 0;  ///< data rows (blank lines not counted)
  std::int64_t kept = 0, kept_primary = 0, kept_secondary = 0, las = 0;
  // Skipped rows by reason (each row counts once, for the first reason in this order).
  std::int64_t skipped_malformed = 0;    ///< wrong field count, broken quotes, unparsable or impossible numbers
  std::int64_t skipped_not_open = 0;     ///< EstablishmentStatus not an open status
  std::int64_t skipped_type_group = 0;   ///< EstablishmentTypeGroup not kept (independent, special, colleges, ...)
  std::int64_t skipped_other_phase = 0;  ///< PhaseOfEducation mapped to neither phase
  std::int64_t skipped_duplicate_urn = 0;
  std::int64_t skipped_no_location = 0;
  // Filled values by field.
  std::int64_t filled_location = 0;  ///< placed at the LA's mean location
  std::int64_t filled_places = 0;
  std::int64_t filled_pupils = 0;
  std::int64_t filled_disadvantage = 0;
  std::int64_t filled_grade = 0;   ///< no usable Ofsted rating: the model's rule sets the grade
  std::int64_t raised_places = 0;  ///< places raised to the roll (pupils above capacity)
  // Governance.
  std::int64_t trust_schools = 0, trusts = 0, mats = 0, mat_schools = 0;
  std::int64_t attainment_set = 0;
  std::size_t undefined_bytes = 0;                   ///< bytes undefined in Windows-1252 (replaced by U+FFFD)
  std::map<std::string, std::int64_t> other_phases;  ///< skipped phase names -> rows
  std::vector<std::string> problems;                 ///< one per malformed row: "line N: what"
  std::vector<std::string> notes;                    ///< filled locations, duplicates, no-location skips
  std::vector<std::string> attainment_sources;       ///< one line per attainment file

  std::int64_t skipped() const;
  /// (name, value) of every count, in report order (the world file's integer attributes).
  std::vector<std::pair<std::string, std::int64_t>> counts() const;
  /// The report as printed: counts, then the first `max_lines` problems and notes.
  std::string text(std::size_t max_lines = 20) const;
};

struct ImportResult {
  WorldFileData world;
  ImportReport report;
};

/// Imports register bytes (the contents of `source`). Throws RegisterError for input that
/// cannot be used: not CSV, a missing required column, more than rules.max_bad_share of
/// the rows malformed, or no school kept.
ImportResult import_register(std::string_view bytes, const std::string& source, const ImportRules& rules,
                             const std::vector<AttainmentTable>& attainment = {});

/// The same for a file.
ImportResult import_register_file(const std::filesystem::path& path, const ImportRules& rules,
                                  const std::vector<AttainmentTable>& attainment = {});

/// The rules as text (stored in the world file).
std::string describe_rules(const ImportRules& rules);

}  // namespace schoolsim::school_register
