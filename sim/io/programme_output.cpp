#include "sim/io/programme_output.hpp"

#include <numeric>

namespace schoolsim::io {

void write_programme_accounts(NcWriter& f, const ProgrammeAccount& a) {
  const auto attrs = [](const std::string& units, const std::string& long_name) {
    return Attributes{{"units", units}, {"long_name", long_name}};
  };
  f.add_dimension("programme", a.names, {{"long_name", "programme name (scenario programmes, in order)"}});
  f.write("programme_budget", {"programme"}, a.budgets, attrs("GBP", "programme budget"));
  f.write("programme_spending", {"term", "programme"}, a.spending, attrs("GBP", "programme money paid in the term"));
  std::vector<std::int32_t> ids(a.events.size()), term, partnerships;
  std::iota(ids.begin(), ids.end(), 0);
  std::vector<std::int16_t> programme;
  std::vector<std::int8_t> kind;
  std::vector<double> spent;
  for (const auto& e : a.events) {
    term.push_back(e.term), programme.push_back(static_cast<std::int16_t>(e.programme));
    kind.push_back(static_cast<std::int8_t>(e.kind)), spent.push_back(e.spent), partnerships.push_back(e.partnerships);
  }
  f.add_dimension("programme_event", ids, attrs("1", "programme event index"));
  f.write("programme_event_term", {"programme_event"}, term, attrs("term", "term of the programme event"));
  f.write("programme_event_programme", {"programme_event"}, programme, attrs("1", "programme index"));
  f.write("programme_event_kind", {"programme_event"}, kind,
          {{"units", "1"},
           {"long_name", "programme event kind"},
           {"flag_meanings", "budget_exhausted closed_early nothing_to_fund"}});
  f.write("programme_event_spent", {"programme_event"}, spent, attrs("GBP", "programme money spent by the event"));
  f.write("programme_event_partnerships", {"programme_event"}, partnerships,
          attrs("1", "funded partnerships of the programme losing (or, for nothing_to_fund, holding) their grants"));
}

}  // namespace schoolsim::io
