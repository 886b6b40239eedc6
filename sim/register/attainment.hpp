#pragma once
// School-level attainment files (DfE performance tables: KS2 or KS4 CSVs keyed by URN) that
// set the initial attainment of register schools (docs/register.md "Attainment files").
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/register/encoding.hpp"

namespace schoolsim::school_register {

/// Attainment columns looked for, in this order, when none is named: KS4 Attainment 8
/// (legacy wide file), KS2 % reaching the expected standard in reading, writing and maths,
/// KS4 Attainment 8 (Explore Education Statistics long file).
const std::vector<std::string>& default_attainment_columns();

/// One file's values by URN.
struct AttainmentTable {
  std::string source;                              ///< file name, for messages
  std::string column;                              ///< the attainment column used
  std::unordered_map<std::int32_t, double> value;  ///< URN -> value
  std::int64_t rows = 0;                           ///< data rows read
  std::int64_t missing = 0;                        ///< rows with a URN but a blank or suppressed value (SUPP, NE, ...)
  std::int64_t no_urn = 0;                         ///< rows without a URN (LA or national totals)
  std::int64_t bad = 0;                            ///< rows with an unparsable value or a wrong field count
  std::int64_t duplicates = 0;                     ///< rows repeating a URN already read (the first is kept)
};

/// Reads a file's bytes: a header with `URN` (or `school_urn`) and the first of `columns`
/// present. Rows with a `breakdown` or `breakdown_topic` column other than "Total" are
/// ignored (long-format files). Throws RegisterError (sim/register/register_import.hpp)
/// naming `source` if the bytes are not CSV or a column is missing.
AttainmentTable read_attainment(std::string_view bytes, const std::string& source,
                                const std::vector<std::string>& columns, Encoding encoding);
AttainmentTable read_attainment_file(const std::filesystem::path& path, const std::vector<std::string>& columns,
                                     Encoding encoding);

/// How one table was used.
struct AttainmentUse {
  int phase = -1;            ///< the phase of most of its matched schools (-1: matched none)
  std::int64_t matched = 0;  ///< kept schools whose URN the table holds (any phase)
  std::int64_t used = 0;     ///< schools whose initial attainment it set
  double mean = 0, sd = 0;   ///< of the values it set (population SD)
};

/// Initial attainment of the schools (urn, phase) as z-scores within phase: each table
/// applies to the phase of most of the schools it matches (so a KS2 file sets primaries and
/// a KS4 file secondaries, whatever the order); a school takes the value of the first such
/// table holding its URN; values are standardised within each table (mean 0, SD 1 over the
/// schools it set). Schools without a value, and the values of a table that sets fewer than
/// two schools or values all equal, stay NaN.
std::vector<double> standardised_attainment(const std::vector<AttainmentTable>& tables,
                                            const std::vector<std::int32_t>& urn, const std::vector<std::int8_t>& phase,
                                            std::vector<AttainmentUse>* uses = nullptr);

}  // namespace schoolsim::school_register
