// Fuzz target: the --set KEY.PATH=VALUE parser. Each input line is one assignment applied to
// the default scenario, then the result is validated; every assignment must either apply or
// be refused with config::ConfigError.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/config/scenario_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace schoolsim;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Scenario s = default_scenario();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string assignment(text.substr(start, end - start));
    try {
      config::apply_override(s, assignment);
    } catch (const config::ConfigError&) {
    }
    start = end + 1;
  }
  try {
    config::validate(s, "fuzz");
  } catch (const config::ConfigError&) {
  }
  return 0;
}
