// Fuzz target: the sweep spec loader. Inputs are sweep YAML read as if from
// scenarios/sweeps/ (so `base: ../la_brokered.yaml` resolves to a shipped scenario). Every
// input must either load (and then its resolved YAML must load back to the same sweep) or be
// refused with config::ConfigError.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "sim/config/scenario_yaml.hpp"
#include "sim/sweep/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace schoolsim;
  static const std::filesystem::path folder = std::filesystem::path(SCHOOLSIM_SOURCE_DIR) / "scenarios" / "sweeps";
  const std::string text(reinterpret_cast<const char*>(data), size);
  sweep::SweepSpec spec;
  try {
    spec = sweep::load_sweep_text(text, "fuzz.yaml", folder);
  } catch (const config::ConfigError&) {
    return 0;
  }
  const std::string resolved = sweep::resolved_sweep_yaml(spec);
  std::string again;
  try {
    again = sweep::resolved_sweep_yaml(sweep::load_sweep_text(resolved, "resolved.yaml", folder));
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "resolved sweep YAML does not load back:\n%s\n--- resolved:\n%s\n", e.what(),
                 resolved.c_str());
    std::abort();
  }
  if (again != resolved) {
    std::fprintf(stderr, "resolved sweep YAML does not round-trip:\n%s\n--- again:\n%s\n", resolved.c_str(),
                 again.c_str());
    std::abort();
  }
  return 0;
}
