#include "sim/io/table_text.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace schoolsim::io {

std::string table_number(double value, const char* format) {
  if (!std::isfinite(value)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string table_interval(double lo, double hi) {
  std::ostringstream s;  // a stream: GCC 12 warns falsely (-Wrestrict) on chained string + here
  s << "[" << table_number(lo, "%.3g") << ", " << table_number(hi, "%.3g") << "]";
  return s.str();
}

std::string pad_right(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace schoolsim::io
