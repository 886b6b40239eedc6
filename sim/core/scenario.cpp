#include "sim/core/scenario.hpp"

#include <sstream>

namespace schoolsim {

Scenario default_scenario() { return Scenario{}; }

const char* to_string(BrokerStrategy s) {
  switch (s) {
    case BrokerStrategy::Greedy: return "greedy";
    case BrokerStrategy::Nearest: return "nearest";
    case BrokerStrategy::Random: return "random";
    case BrokerStrategy::Optimal: return "optimal";
    case BrokerStrategy::None: return "none";
  }
  return "?";
}

const char* to_string(PartnershipType t) {
  switch (t) {
    case PartnershipType::Pair: return "pair";
    case PartnershipType::Network: return "network";
    case PartnershipType::Federation: return "federation";
    case PartnershipType::Mat: return "mat";
  }
  return "?";
}

const char* to_string(Phase p) { return p == Phase::Primary ? "primary" : "secondary"; }

std::string region_rule_text(const RegionRule& rule) {
  std::ostringstream out;
  if (rule.kind == RegionRule::Kind::Nearest)
    out << "{rule: nearest, la: " << rule.la << ", count: " << rule.count << "}";
  else
    out << "{rule: most_disadvantaged, percentile: " << rule.percentile << "}";
  return out.str();
}

}  // namespace schoolsim
