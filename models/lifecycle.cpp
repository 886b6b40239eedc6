// 7.4 Lifecycle: funded partnerships whose funding stopped face the sustain test; support
// pairs whose receiver is no longer in need graduate; unfunded partnerships (MATs excepted)
// dissolve with a hazard that rises with low capacity and low trust.
#include <tbb/parallel_for.h>

#include <cmath>
#include <vector>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"
#include "models/trust.hpp"

namespace schoolsim {

/// The hazard draw's stream: keyed by who the partnership is (first member; draw index mixed
/// from second member, start term and kind), not by its id, so partnerships formed elsewhere
/// (a regional programme's) do not shift the draws of the rest of the country (MODEL.md 4).
static Stream hazard_stream(const Context& c, const Partnership& p) {
  std::uint64_t x = static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.members.size() > 1 ? p.members[1] : -1));
  x = x * 0x9E3779B97F4A7C15ull + static_cast<std::uint32_t>(p.start_term);
  x = x * 0x9E3779B97F4A7C15ull +
      ((static_cast<std::uint64_t>(p.type) << 2) | (p.family ? 2u : 0u) | (p.self_organised ? 1u : 0u));
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  Stream r = c.stream(Process::Lifecycle, static_cast<std::uint32_t>(p.members[0]));
  r.seek(static_cast<std::uint32_t>(x >> 32));
  return r;
}

void run_lifecycle(Context& c) {
  const auto& lc = c.s.lifecycle;
  State& st = c.st;
  const auto count = static_cast<std::int32_t>(st.partnerships.size());
  // What happens to each partnership depends on its own members' trust, capacity and need and
  // its own random stream, none of which ending another partnership changes: decide in
  // parallel (changing only the partnership itself), then update schools and end partnerships
  // in id order.
  struct Outcome {
    bool graduated = false;
    EndReason end = EndReason::NotEnded;
  };
  std::vector<Outcome> outcome(static_cast<std::size_t>(count));
  tbb::parallel_for(0, count, [&](std::int32_t id) {
    Partnership& p = st.partnerships[id];
    if (!p.active || p.type == PartnershipType::Mat) return;
    Outcome& out = outcome[id];
    if (p.sustain_test_due) {
      p.sustain_test_due = false;
      if (mean_member_trust(c.w, st, p) < lc.sustain_trust || mean_member_capacity(st, p) < lc.min_capacity) {
        out.end = EndReason::FundingEnded;
        return;
      }
    }
    if (p.support && !in_need(c, p.members[1])) {
      // Graduation: ends, unless trust is high enough to carry on as peers (MODEL 7.4).
      if (mean_member_trust(c.w, st, p) >= lc.sustain_trust) {
        p.support = false;
        p.graduated = true;
        out.graduated = true;
      } else {
        out.end = EndReason::Graduated;
        return;
      }
    }
    if (!p.funded && c.term >= p.first_unfunded_term) {
      const double h = lc.hazard_base + lc.hazard_capacity * (1.0 - min_member_capacity(st, p)) +
                       lc.hazard_trust * (1.0 - mean_member_trust(c.w, st, p));
      // A partnership its members do not want does not last (MODEL 7.4): the hazard's odds are
      // divided by the odds of the members' mean openness (unchanged at 0.5, 1 when closed).
      double openness = 0;
      for (int m : p.members) openness += st.openness[m];
      openness /= static_cast<double>(p.members.size());
      const double hazard = h <= 0 ? 0.0
                            : h >= 1
                                ? 1.0
                                : 1.0 / (1.0 + (1.0 - h) / h * std::exp(lc.hazard_openness * openness_logit(openness)));
      Stream r = hazard_stream(c, p);
      if (r.uniform() < hazard) out.end = EndReason::Hazard;
    }
  });
  for (std::int32_t id = 0; id < count; ++id) {
    if (outcome[id].graduated) st.receiving[st.partnerships[id].members[1]] = -1;
    if (outcome[id].end != EndReason::NotEnded) end_partnership(c, id, outcome[id].end);
  }
}

}  // namespace schoolsim
