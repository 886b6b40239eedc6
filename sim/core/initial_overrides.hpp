#pragma once
// Initial values a school register gives for some schools (sim/io/world_file.cpp), used by
// the initial state (sim/run/initial_state.cpp) instead of the model's rules where known
// (docs/MODEL.md section 6). Synthetic worlds have none.
#include <cstdint>
#include <vector>

namespace schoolsim {

struct InitialOverrides {
  std::vector<double> pupils;        ///< per school: initial roll (every value known, <= places)
  std::vector<std::int8_t> grade;    ///< per school: 1..4, or 0 = unknown (the model's rule)
  std::vector<std::int8_t> academy;  ///< per school: 1 academy, 0 maintained, -1 unknown (drawn)
  /// Per school: trust index, or -1 = none. Empty if the register had no trust column:
  /// initial MATs then follow the model's rule (academisation.initial_mat_share).
  std::vector<std::int32_t> trust;
  /// Per school: initial attainment as a z-score within phase, NaN = unknown (the model's
  /// rule). Empty if no attainment file was given.
  std::vector<double> attainment_z;
};

}  // namespace schoolsim
