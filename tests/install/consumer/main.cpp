// Steps a small synthetic world through the installed engine library and prints its state hash
// and version, which tests/install/check_install.sh compares with the in-tree binary's.
#include <cstdio>

#include "sim/config/scenario_yaml.hpp"
#include "sim/run/engine.hpp"
#include "sim/core/version.hpp"
#include "sim/io/world_builder.hpp"

int main() {
  using namespace schoolsim;
  const Scenario s = config::load_scenario_text(
      "world: {n_primary: 80, n_secondary: 20, n_las: 2, seed: 3}\nrun: {terms: 3, seed: 5}\n", "consumer");
  const World w = build_synthetic_world(s.world, required_neighbour_radius(s));
  Engine engine(s, w, static_cast<std::uint64_t>(s.run.seed), 0);
  for (int t = 0; t < s.run.terms; ++t) engine.step();
  std::printf("%s\nstate hash %016llx\n", version_string().c_str(),
              static_cast<unsigned long long>(state_hash(w, engine.state())));
  return 0;
}
