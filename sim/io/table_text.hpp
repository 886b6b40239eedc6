#pragma once
// Plain-text tables of the console reports (calibration check, virtual evaluation): the one
// place that formats a number, an interval and a padded column, so both reports print alike.
#include <cstddef>
#include <string>

namespace schoolsim::io {

/// The number printf-formatted with `format` (default 4 significant digits); "n/a" if not finite.
std::string table_number(double value, const char* format = "%.4g");
/// "[lo, hi]" with 3 significant digits each.
std::string table_interval(double lo, double hi);
/// The text padded with spaces on the right to at least `width` characters.
std::string pad_right(std::string text, std::size_t width);

}  // namespace schoolsim::io
