#include "sim/experiment/counterfactual.hpp"

namespace schoolsim::evaluation {

Scenario counterfactual_scenario(const Scenario& s) {
  Scenario cf = s;
  cf.name = s.name + "~counterfactual";
  cf.description = "Counterfactual of " + s.name + ": no partnership formation of any kind.";
  cf.brokering.enabled = false;
  cf.brokering.mandate_inadequate = false;
  cf.national_broker.enabled = false;
  cf.self_organised.enabled = false;
  cf.programmes.clear();  // no programme brokers, families, grants or programme reinspection
  cf.academisation.enabled = false;
  cf.academisation.initial_mat_share = 0.0;  // governance draws are unchanged; no MAT is formed
  return cf;
}

}  // namespace schoolsim::evaluation
