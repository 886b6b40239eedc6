#include "sim/config/numbers.hpp"

#include <charconv>
#include <cmath>

#include "sim/config/input_text.hpp"

namespace schoolsim::config {

bool read_real(const YAML::Node& n, double& out) {
  if (!n.IsScalar()) return false;
  double v = 0;
  if (!YAML::convert<double>::decode(n, v)) return false;
  out = v;
  return true;
}

bool read_real(const std::string& text, double& out) { return read_real(YAML::Node(text), out); }

bool read_integer(const YAML::Node& n, long long& out) {
  if (!n.IsScalar()) return false;
  long long v = 0;
  if (!YAML::convert<long long>::decode(n, v)) return false;
  out = v;
  return true;
}

bool read_integer(const std::string& text, long long& out) { return read_integer(YAML::Node(text), out); }

bool read_bool(const YAML::Node& n, bool& out) { return n.IsScalar() && YAML::convert<bool>::decode(n, out); }

bool is_integer_literal(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (text.empty()) return false;
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

bool in_range(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

std::string format_real(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".n") == std::string::npos) {  // "inf" and "nan" have an 'n'
    const auto e = s.find_first_of("eE");
    s.insert(e == std::string::npos ? s.size() : e, ".0");
  }
  return s;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return format_real(v);
}

std::string range_text(double lo, double hi) {
  std::string out = "[";
  out += format_number(lo);
  out += ", ";
  out += format_number(hi);
  out += ']';
  return out;
}

std::string out_of_range(const std::string& text, double lo, double hi) {
  std::string out = "value ";
  out += shortened(text);
  out += " is out of range ";
  out += range_text(lo, hi);
  return out;
}

std::string out_of_range(const std::string& text, long long lo, long long hi) {
  std::string out = "value ";
  out += shortened(text);
  out += " is out of range [";
  out += std::to_string(lo);
  out += ", ";
  out += std::to_string(hi);
  out += ']';
  return out;
}

}  // namespace schoolsim::config
