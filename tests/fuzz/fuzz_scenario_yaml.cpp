// Fuzz target: scenario YAML loader + validator. Any input must either load (and then print
// as YAML that loads back to the same scenario) or be refused with config::ConfigError;
// every other exception, crash, leak, hang or undefined behaviour is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/config/scenario_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace schoolsim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Scenario s;
  try {
    s = config::load_scenario_text(text, "fuzz.yaml");
  } catch (const config::ConfigError&) {
    return 0;  // refused with a message: the expected outcome for most inputs
  }
  // Loaded: the resolved YAML must load back to the same scenario.
  const std::string resolved = config::to_yaml(s);
  std::string again;
  try {
    again = config::to_yaml(config::load_scenario_text(resolved, "resolved.yaml"));
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "resolved YAML does not load back:\n%s\n--- resolved:\n%s\n", e.what(), resolved.c_str());
    std::abort();
  }
  if (again != resolved) {
    std::fprintf(stderr, "resolved YAML does not round-trip:\n%s\n--- again:\n%s\n", resolved.c_str(), again.c_str());
    std::abort();
  }
  return 0;
}
