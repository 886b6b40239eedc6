#include "sim/io/csv_text.hpp"

#include <cmath>
#include <sstream>

namespace schoolsim::io {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double value) {
  if (std::isnan(value)) return "";
  std::ostringstream o;
  o.precision(10);
  o << value;
  return o.str();
}

}  // namespace schoolsim::io
