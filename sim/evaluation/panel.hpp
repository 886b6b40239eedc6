#pragma once
// A school-by-term panel of one run, as an evaluator would see it: measured attainment of
// every school in every term, the school's phase and disadvantage, and the term it first
// entered a partnership (its treatment start).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/experiment/runs.hpp"

namespace schoolsim::evaluation {

/// Which membership counts as treatment.
enum class Role : std::int8_t {
  Any,       ///< any partnership of any type, any role (partnered vs not partnered)
  Receiver,  ///< receiving support in a lead/emerging (support) pair
  Giver,     ///< giving support in a support pair
};
const char* to_string(Role r);
/// "any", "receiver", "giver"; throws std::invalid_argument otherwise.
Role role_from_string(const std::string& s);

inline constexpr int kNeverTreated = -1;

struct Panel {
  int n = 0;                       ///< schools
  int terms = 0;                   ///< last observed term (terms 0..terms are observed)
  std::vector<double> attainment;  ///< [term * n + school]
  std::vector<std::int8_t> phase;
  std::vector<double> disadvantage;
  std::vector<int> first_treated;  ///< term of the first partnership, or kNeverTreated

  double y(int term, int school) const { return attainment[static_cast<std::size_t>(term) * n + school]; }
};

/// The first term each school entered a partnership in `role`, from a run's events
/// ("formed" and "joined"); initial MATs count as term 0.
std::vector<int> first_partnership_terms(int n, const std::vector<Event>& events,
                                         const std::vector<Partnership>& partnerships, Role role);

/// The panel of a traced run (needs a snapshot of every term).
Panel panel_from_trace(const calibration::Trace& trace, Role role);

}  // namespace schoolsim::evaluation
