#pragma once
// The one number reader and formatter of the configuration front end (scenarios, --set,
// sweep specs, calibration targets and --params bounds).
//
// Reading follows yaml-cpp's scalar rules, so a number reads the same in every file and
// option: reals "1e7", "2e+07", "-0.5", "+5", ".inf", "-.inf", ".nan"; integers "12", "-3",
// "0x10" (16). Not numbers: "nan", "inf", "1_000", "1e309" (too large for a double), and
// "1e7" or "0.5" as an integer. Non-finite reals are read: the one range check, in_range,
// refuses them, so ".nan" reads "value .nan is out of range [0, 1000]" everywhere.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace schoolsim::config {

/// Reads a real number; false (and `out` unchanged) for anything else, a non-scalar node included.
bool read_real(const std::string& text, double& out);
bool read_real(const YAML::Node& n, double& out);
/// Reads an integer; false for anything else (a real such as "1e7", an integer too large).
bool read_integer(const std::string& text, long long& out);
bool read_integer(const YAML::Node& n, long long& out);

/// Reads true or false (YAML's forms: true, false, yes, no, on, off in any case yaml-cpp takes).
bool read_bool(const YAML::Node& n, bool& out);

/// Whether `text` is a whole number in decimal ("-12", "18446744073709551615"), whatever its
/// size: one that does not fit an integer is "out of range", not "not an integer".
bool is_integer_literal(std::string_view text);

/// Whether `v` is finite and within [lo, hi].
bool in_range(double v, double lo, double hi);

/// The shortest text that reads back to `v`, always as a real: "0.1", "3.0", "2.0e+07" (YAML
/// 1.1 readers such as PyYAML take a real only with a dot). For values written back as YAML.
std::string format_real(double v);
/// A number for a message or a report: whole numbers below 1e15 as integers ("20000000",
/// "-3"), others as format_real ("0.25", "1.0e+20"), non-finite ones as "inf", "-inf", "nan".
std::string format_number(double v);
/// "[0, 1000]", "[0.001, 0.999]", "[-inf, 5]".
std::string range_text(double lo, double hi);
/// "value TEXT is out of range [lo, hi]" (TEXT as written, shortened).
std::string out_of_range(const std::string& text, double lo, double hi);
/// The same for integer options, bounds in full ("[0, 9223372036854775807]").
std::string out_of_range(const std::string& text, long long lo, long long hi);

}  // namespace schoolsim::config
