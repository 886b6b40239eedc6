#pragma once
// Programme accounting (issue 15 item 3): what each programme paid in each term, and the
// moments a policy reader needs told: a budget running out before the programme's end, an
// early closure, and a programme with money left but nothing left to fund. A reporter part
// of the Recorder (sim/run/observation.hpp), computed from the run's snapshots alone, so it
// changes nothing in the run. Written to the run file (docs/output_format.md) and, one line
// each, to stderr by `schoolsim run`.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/run/reporter.hpp"

namespace schoolsim {

enum class ProgrammeEventKind : std::int8_t { BudgetExhausted = 0, ClosedEarly = 1, NothingToFund = 2 };

struct ProgrammeEvent {
  int term = 0;       ///< exhausted: the term of the last grant the budget could pay; closed: close_at;
                      ///< nothing to fund: the first term of its funded period with no grant paid
  int programme = 0;  ///< index into Scenario::programmes
  ProgrammeEventKind kind = ProgrammeEventKind::BudgetExhausted;
  double spent = 0;      ///< GBP spent by the programme up to the event's observation
  int partnerships = 0;  ///< closed: funded partnerships that lost their grants; otherwise funded ones then
};

class ProgrammeAccount {
 public:
  /// Records one term's spending and any events (term 0 sets up; terms must come in order).
  void observe(const run::Snapshot& snapshot);

  int programmes() const { return static_cast<int>(names.size()); }
  /// GBP programme k paid in observed term t (0 at term 0).
  double spent_in(int t, int k) const { return spending[static_cast<std::size_t>(t * programmes() + k)]; }

  std::vector<std::string> names;
  std::vector<double> budgets;
  std::vector<double> spending;  ///< [term * programmes() + k]
  std::vector<ProgrammeEvent> events;

 private:
  std::vector<double> last_spent_;
  std::vector<int> last_paid_term_, funded_;
  std::vector<char> exhausted_;
};

/// One line (no "schoolsim: warning: " prefix, no newline) for an event of a run of `s`, e.g.
/// "programme city_challenge ran out of budget in term 4 (term 3 of its 8 funded terms;
/// 20,000,000 of 20,000,000 spent)".
std::string describe(const ProgrammeEvent& e, const Scenario& s);

/// Whole pounds with thousands separators: 20000000 -> "20,000,000".
std::string pounds(double gbp);

}  // namespace schoolsim
