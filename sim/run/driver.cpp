#include "sim/run/driver.hpp"

#include <chrono>

namespace schoolsim::run {

RunDescription describe(Scenario s) {
  const auto seed = static_cast<std::uint64_t>(s.run.seed);
  const auto replicate = static_cast<std::uint32_t>(s.run.replicate);
  return RunDescription{std::move(s), seed, replicate};
}

RunOutcome drive(const RunDescription& run, const World& world, const std::vector<Reporter*>& reporters,
                 const std::function<bool()>& stop) {
  Engine engine(run.scenario, world, run.seed, run.replicate);
  double observing = 0;
  const auto report = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    const Snapshot snapshot{engine.scenario(), world, engine.state(), engine.term()};
    for (Reporter* r : reporters)
      if (r->wants(snapshot.term)) r->report(snapshot);
    observing += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  RunOutcome outcome;
  report();
  for (int t = 1; t <= run.scenario.run.terms; ++t) {
    if (stop && stop()) {
      outcome.stopped = true;
      break;
    }
    engine.step();
    report();
  }
  outcome.profile = engine.profile();
  outcome.profile[static_cast<int>(StepPhase::Observation)] += observing;
  outcome.final_state = engine.release_state();
  return outcome;
}

}  // namespace schoolsim::run
