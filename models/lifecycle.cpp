// 7.4 Lifecycle: funded partnerships whose funding stopped face the sustain test; support
// pairs whose receiver is no longer in need graduate; unfunded partnerships (MATs excepted)
// dissolve with a hazard that rises with low capacity and low trust.
#include "models/partnerships.hpp"
#include "models/submodels.hpp"

namespace schoolsim {

void run_lifecycle(Context& c) {
  const auto& lc = c.s.lifecycle;
  State& st = c.st;
  const auto count = static_cast<std::int32_t>(st.partnerships.size());
  for (std::int32_t id = 0; id < count; ++id) {
    Partnership& p = st.partnerships[id];
    if (!p.active || p.type == PartnershipType::Mat) continue;
    if (p.sustain_test_due) {
      p.sustain_test_due = false;
      if (mean_member_trust(c.w, st, p) < lc.sustain_trust || mean_member_capacity(st, p) < lc.min_capacity) {
        end_partnership(c, id, EndReason::FundingEnded);
        continue;
      }
    }
    if (p.support && !in_need(c, p.members[1])) {
      // Graduation: ends, unless trust is high enough to carry on as peers (MODEL 7.4).
      if (mean_member_trust(c.w, st, p) >= lc.sustain_trust) {
        p.support = false;
        p.graduated = true;
        st.receiving[p.members[1]] = -1;
      } else {
        end_partnership(c, id, EndReason::Graduated);
        continue;
      }
    }
    if (!p.funded && c.term >= p.first_unfunded_term) {
      const double hazard = lc.hazard_base + lc.hazard_capacity * (1.0 - min_member_capacity(st, p)) +
                            lc.hazard_trust * (1.0 - mean_member_trust(c.w, st, p));
      Stream r = c.stream(Process::Lifecycle, static_cast<std::uint32_t>(id));
      if (r.uniform() < hazard) end_partnership(c, id, EndReason::Hazard);
    }
  }
}

}  // namespace schoolsim
