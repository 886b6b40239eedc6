// 7.5 Families of schools (programme option; London and Greater Manchester Challenges):
// at programme start the region's schools are grouped into funded peer networks of similar
// schools, across LA borders.
#include <algorithm>
#include <array>
#include <limits>

#include "models/partnerships.hpp"
#include "models/submodels.hpp"

namespace schoolsim {

void form_families(Context& c) {
  const Scenario& s = c.s;
  for (int k = 0; k < static_cast<int>(s.programmes.size()); ++k) {
    const Programme& prog = s.programmes[k];
    if (!prog.families || c.term != prog.start) continue;
    // No money, no families: they form only if the budget left pays every family its first
    // grant (MODEL.md 7.1); a programme that cannot fund its families does not start them.
    std::array<std::vector<int>, kPhases> region;
    int n_total = 0;
    for (int ph = 0; ph < kPhases; ++ph) {
      for (int i : c.w.phase_members[ph])
        if (in_programme_region(s, c.w, prog, i)) region[ph].push_back(i);
      n_total += static_cast<int>(region[ph].size()) / prog.family_size;
    }
    if (n_total == 0 || !programme_can_pay(prog, c.st.programme_spent[k], n_total)) continue;
    for (int ph = 0; ph < kPhases; ++ph) {
      // Similar = nearest in disadvantage, then size: sort and cut into consecutive groups.
      std::vector<int>& schools = region[ph];
      std::sort(schools.begin(), schools.end(), [&](int a, int b) {
        const double da = c.w.disadvantage[a], db = c.w.disadvantage[b];
        if (da != db) return da < db;
        if (c.st.places[a] != c.st.places[b]) return c.st.places[a] < c.st.places[b];
        return a < b;
      });
      const int size = prog.family_size;
      const int n_families = static_cast<int>(schools.size()) / size;
      for (int f = 0; f < n_families; ++f) {
        Partnership p;
        p.type = PartnershipType::Network;
        p.family = true;
        p.programme = k;
        p.funded = true;
        p.grant_until = programme_last_funded_term(prog);
        p.first_unfunded_term = std::numeric_limits<std::int32_t>::max();
        // The remainder (fewer than family_size schools) joins the last family.
        const auto first = schools.begin() + static_cast<std::ptrdiff_t>(f) * size;
        const auto last = f + 1 == n_families ? schools.end() : first + size;
        p.members.assign(first, last);
        form_partnership(c, p);
      }
    }
  }
}

}  // namespace schoolsim
