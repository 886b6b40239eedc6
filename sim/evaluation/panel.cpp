#include "sim/evaluation/panel.hpp"

#include <algorithm>
#include <stdexcept>

namespace schoolsim::evaluation {

const char* to_string(Role r) {
  switch (r) {
    case Role::Any: return "any";
    case Role::Receiver: return "receiver";
    case Role::Giver: return "giver";
  }
  return "?";
}

Role role_from_string(const std::string& s) {
  if (s == "any") return Role::Any;
  if (s == "receiver") return Role::Receiver;
  if (s == "giver") return Role::Giver;
  throw std::invalid_argument("unknown role '" + s + "' (any, receiver or giver)");
}

std::vector<int> first_partnership_terms(int n, const std::vector<Event>& events,
                                         const std::vector<Partnership>& partnerships, Role role) {
  std::vector<int> first(static_cast<std::size_t>(n), kNeverTreated);
  auto mark = [&](int school, int term) {
    if (first[school] == kNeverTreated || term < first[school]) first[school] = term;
  };
  for (const Event& e : events) {
    if (e.kind != 0 && e.kind != 2) continue;  // formed or joined
    const Partnership& p = partnerships.at(static_cast<std::size_t>(e.partnership));
    if (role == Role::Any) {
      for (int m : e.members) mark(m, e.term);
    } else if (e.kind == 0 && p.support && e.members.size() == 2) {
      mark(e.members[role == Role::Giver ? 0 : 1], e.term);
    }
  }
  return first;
}

Panel panel_from_trace(const calibration::Trace& trace, Role role) {
  const World& w = *trace.world;
  Panel p;
  p.n = w.n;
  p.terms = trace.terms;
  p.phase = w.phase;
  p.disadvantage = w.disadvantage;
  p.attainment.resize(static_cast<std::size_t>(p.terms + 1) * p.n);
  for (int t = 0; t <= p.terms; ++t) {
    const auto& a = trace.at(t).attainment;
    std::copy(a.begin(), a.end(), p.attainment.begin() + static_cast<std::ptrdiff_t>(t) * p.n);
  }
  p.first_treated = first_partnership_terms(p.n, trace.events, trace.partnerships, role);
  return p;
}

}  // namespace schoolsim::evaluation
