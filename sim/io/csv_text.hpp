#pragma once
// Writing CSV cells (RFC 4180): the one place that quotes text fields and formats numbers for
// the CSV files schoolsim writes (capacity tables, the LA table).
#include <string>

namespace schoolsim::io {

/// The field, quoted when it holds a comma, quote or line break (quotes doubled).
std::string csv_field(const std::string& text);
/// The number with 10 significant digits; NaN as an empty cell.
std::string csv_number(double value);

}  // namespace schoolsim::io
