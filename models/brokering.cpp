// 7.5 Brokered formation: LA brokers, programme brokers and the national broker each propose
// support pairs (school in need <- supporter); conflicts resolve by score, then both sides
// decide whether to accept.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/assignment.hpp"
#include "models/partnerships.hpp"
#include "models/submodels.hpp"
#include "models/trust.hpp"

namespace schoolsim {
namespace {

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

struct Broker {
  std::int32_t id;             ///< LA index or kNationalBroker (recorded on the partnership)
  std::uint32_t key() const {  ///< random-number key: stable whichever other brokers exist
    return id == kNationalBroker ? 0xffffffffu
                                 : static_cast<std::uint32_t>(id) * 1024u + static_cast<std::uint32_t>(programme + 1);
  }
  std::int32_t programme;  ///< -1 for unfunded brokering
  std::int32_t la;         ///< jurisdiction, -1 = every LA
  int slots;
  BrokerStrategy strategy;
  bool cross_border;
  double radius;
  bool national;
};

struct Proposal {
  std::int32_t receiver, supporter;
  double score;
  bool mandated;
  int broker;          ///< index into the broker list
  std::int64_t entry;  ///< neighbour-list entry (receiver -> supporter)
};

struct Candidate {
  std::int32_t supporter;
  double score;
  std::int64_t entry;  ///< neighbour-list entry (receiver -> supporter)
};

/// Mandated support for an inadequate school from the term after its inspection. With
/// academisation the school joins a MAT instead; support is mandated only if MAT joining
/// had its chance (the previous term) and found no MAT.
bool mandated(const Context& c, int i) {
  const State& st = c.st;
  if (!c.s.brokering.mandate_inadequate || st.grade[i] != 4 || st.inadequate_since[i] < 0) return false;
  if (c.term <= st.mandate_refused_until[i]) return false;  // imposed support just lapsed (MODEL 7.4)
  if (c.s.academisation.enabled) return st.mat[i] < 0 && st.inadequate_since[i] < c.term - 1;
  return st.inadequate_since[i] < c.term;
}

/// Competition of the pair at neighbour entry e (i -> j), from the last enrolment.
double competition_at(const State& st, std::int64_t e) { return st.competition.empty() ? 0.0 : st.competition[e]; }

/// Score of receiver i and the supporter at its neighbour entry e.
double score(const Context& c, int i, std::int64_t e, double radius, double competition) {
  const int j = c.w.neighbours.index[e];
  const double distance = c.w.neighbours.distance[e];
  const auto& b = c.s.brokering;
  const State& st = c.st;
  return b.w_gap * (st.attainment[j] - st.attainment[i]) +
         b.w_similarity * std::exp(-std::abs(c.w.disadvantage[i] - c.w.disadvantage[j]) / b.similarity_scale) +
         b.w_trust * pair_trust_at(c.w, st, i, e) + b.w_capacity * st.capacity[j] - b.w_distance * distance / radius -
         b.w_competition * competition;
}

/// Supporters broker `b` may pair with school i, by distance (the neighbour-list order).
std::vector<Candidate> candidates(const Context& c, const Broker& b, int i, const std::vector<char>& supporter_ok) {
  std::vector<Candidate> out;
  const auto& nl = c.w.neighbours;
  const auto end = nl.end_within(i, b.radius);
  for (auto e = nl.begin(i); e < end; ++e) {
    const int j = nl.index[e];
    if (!supporter_ok[j]) continue;
    if (b.national ? c.st.grade[j] != 1 : (!b.cross_border && c.w.la[j] != c.w.la[i])) continue;
    if (!brokerable_pair(c.st, i, j, c.term)) continue;
    out.push_back({j, score(c, i, e, c.s.brokering.broker_radius_km, competition_at(c.st, e)), e});
  }
  return out;
}

/// One broker's proposals under its strategy: each receiver and supporter at most once.
std::vector<Proposal> propose(const Context& c, const Broker& b, int broker_index, const std::vector<int>& receivers,
                              const std::vector<char>& supporter_ok) {
  std::vector<Proposal> out;
  if (b.slots <= 0 || receivers.empty()) return out;
  std::vector<std::vector<Candidate>> cands(receivers.size());
  for (std::size_t k = 0; k < receivers.size(); ++k) cands[k] = candidates(c, b, receivers[k], supporter_ok);
  std::vector<std::int32_t> taken;
  auto is_taken = [&](int j) { return std::find(taken.begin(), taken.end(), j) != taken.end(); };
  auto add = [&](std::size_t k, const Candidate& cand) {
    out.push_back({receivers[k], cand.supporter, cand.score, mandated(c, receivers[k]), broker_index, cand.entry});
    taken.push_back(cand.supporter);
  };
  // Mandated receivers come first whatever the strategy: each takes its best free candidate.
  std::vector<char> done(receivers.size(), false);
  for (std::size_t k = 0; k < receivers.size() && static_cast<int>(out.size()) < b.slots; ++k) {
    if (!mandated(c, receivers[k])) continue;
    const Candidate* best = nullptr;
    for (const auto& cand : cands[k])
      if (!is_taken(cand.supporter) && (!best || cand.score > best->score)) best = &cand;
    if (best) add(k, *best);
    done[k] = true;
  }
  auto room = [&] { return static_cast<int>(out.size()) < b.slots; };
  switch (b.strategy) {
    case BrokerStrategy::None: break;
    case BrokerStrategy::Greedy: {
      struct Edge {
        double score;
        std::int32_t receiver, supporter;
        std::size_t k;
        const Candidate* cand;
      };
      std::vector<Edge> edges;
      for (std::size_t k = 0; k < receivers.size(); ++k)
        if (!done[k])
          for (const auto& cand : cands[k]) edges.push_back({cand.score, receivers[k], cand.supporter, k, &cand});
      std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.receiver != b.receiver) return a.receiver < b.receiver;
        return a.supporter < b.supporter;
      });
      for (const auto& e : edges) {
        if (!room()) break;
        if (done[e.k] || is_taken(e.supporter)) continue;
        add(e.k, *e.cand);
        done[e.k] = true;
      }
      break;
    }
    case BrokerStrategy::Nearest:
    case BrokerStrategy::Random: {
      // Neediest receivers first (lowest attainment; ties by id).
      std::vector<std::size_t> order;
      for (std::size_t k = 0; k < receivers.size(); ++k)
        if (!done[k]) order.push_back(k);
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b2) {
        const double aa = c.st.attainment[receivers[a]], ab = c.st.attainment[receivers[b2]];
        return aa != ab ? aa < ab : receivers[a] < receivers[b2];
      });
      Stream r = c.stream(Process::BrokerRandom, b.key());
      for (std::size_t k : order) {
        if (!room()) break;
        std::vector<const Candidate*> free_cands;
        for (const auto& cand : cands[k])
          if (!is_taken(cand.supporter)) free_cands.push_back(&cand);
        if (free_cands.empty()) continue;
        const Candidate* pick = free_cands.front();  // nearest: lists are sorted by distance
        if (b.strategy == BrokerStrategy::Random)
          pick = free_cands[r.below(static_cast<std::uint32_t>(free_cands.size()))];
        add(k, *pick);
      }
      break;
    }
    case BrokerStrategy::Optimal: {
      // Maximum-weight matching over all free candidates, then the best-scoring pairs fill the slots.
      std::vector<std::size_t> rows;
      std::vector<std::int32_t> cols;
      for (std::size_t k = 0; k < receivers.size(); ++k)
        if (!done[k]) {
          rows.push_back(k);
          for (const auto& cand : cands[k])
            if (!is_taken(cand.supporter)) cols.push_back(cand.supporter);
        }
      std::sort(cols.begin(), cols.end());
      cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
      std::vector<std::vector<double>> weight(rows.size(), std::vector<double>(cols.size(), std::nan("")));
      for (std::size_t r2 = 0; r2 < rows.size(); ++r2)
        for (const auto& cand : cands[rows[r2]]) {
          auto it = std::lower_bound(cols.begin(), cols.end(), cand.supporter);
          if (it != cols.end() && *it == cand.supporter) weight[r2][it - cols.begin()] = cand.score;
        }
      const auto match = max_weight_matching(weight, static_cast<int>(cols.size()));
      std::vector<std::pair<double, std::size_t>> chosen;
      for (std::size_t r2 = 0; r2 < rows.size(); ++r2)
        if (match[r2] >= 0) chosen.emplace_back(-weight[r2][match[r2]], r2);
      std::sort(chosen.begin(), chosen.end());
      for (const auto& [neg, r2] : chosen) {
        if (!room()) break;
        const auto& cs = cands[rows[r2]];
        const auto it =
            std::find_if(cs.begin(), cs.end(), [&](const Candidate& x) { return x.supporter == cols[match[r2]]; });
        add(rows[r2], *it);
      }
      break;
    }
  }
  return out;
}

}  // namespace

void form_brokered(Context& c) {
  const Scenario& s = c.s;
  const World& w = c.w;
  State& st = c.st;
  const auto& bp = s.brokering;

  std::vector<Broker> brokers;
  std::vector<char> la_brokers(w.n_las, false);
  if (bp.enabled && bp.strategy != BrokerStrategy::None) {
    for (int l = 0; l < w.n_las; ++l)
      la_brokers[l] = bp.las.empty() || std::find(bp.las.begin(), bp.las.end(), l) != bp.las.end();
    for (int l = 0; l < w.n_las; ++l)
      if (la_brokers[l])
        brokers.push_back({l, -1, l, bp.slots_per_term, bp.strategy, bp.cross_border, bp.broker_radius_km, false});
  }
  for (int k = 0; k < static_cast<int>(s.programmes.size()); ++k) {
    const Programme& prog = s.programmes[k];
    // A pair formed in the last funded term would never receive a grant: brokers stop before it.
    if (c.term < prog.start || c.term >= programme_last_funded_term(prog)) continue;
    if (!programme_can_pay(prog, st.programme_spent[k])) continue;
    const BrokerStrategy strategy = bp.strategy == BrokerStrategy::None ? BrokerStrategy::Greedy : bp.strategy;
    for (int l = 0; l < w.n_las; ++l) {
      bool in_region = prog.region.empty();
      if (!in_region) {
        const auto& las = s.world.regions.at(prog.region);
        in_region = std::find(las.begin(), las.end(), l) != las.end();
      }
      if (in_region)
        brokers.push_back({l, k, l, prog.slots_per_term, strategy, bp.cross_border, bp.broker_radius_km, false});
    }
  }
  const auto& nb = s.national_broker;
  if (nb.enabled) {
    const int slots = static_cast<int>(std::lround(nb.slots_per_2000_schools * w.n / 2000.0));
    brokers.push_back({kNationalBroker, -1, -1, slots, BrokerStrategy::Greedy, true, nb.radius_km, true});
  }
  if (brokers.empty()) return;

  // Who may receive and who may give, fixed for this term's proposals.
  std::vector<char> supporter_ok(w.n);
  std::vector<std::vector<int>> need_by_la(w.n_las);
  std::vector<int> need_all;
  for (int i = 0; i < w.n; ++i) {
    supporter_ok[i] = can_support(c, i);
    // MAT members get support within their trust, not from brokers (MODEL 7.5, MAT joining);
    // with academisation, an inadequate school waits for MAT joining before any brokering.
    const bool awaiting_mat = s.academisation.enabled && st.grade[i] == 4 && !mandated(c, i);
    if (st.receiving[i] < 0 && st.mat[i] < 0 && !awaiting_mat && in_need(c, i)) {
      need_by_la[w.la[i]].push_back(i);
      need_all.push_back(i);
    }
  }
  // Brokers propose independently from the same state: in parallel, joined in broker order.
  std::vector<std::vector<Proposal>> by_broker(brokers.size());
  tbb::parallel_for(0, static_cast<int>(brokers.size()), [&](int b) {
    const Broker& br = brokers[b];
    std::vector<int> receivers = br.la >= 0 ? need_by_la[br.la] : need_all;
    if (br.national) {
      // Mandated schools reach the national broker only where their LA does not broker.
      std::erase_if(receivers, [&](int i) { return mandated(c, i) && la_brokers[w.la[i]]; });
    } else if (br.programme >= 0) {
      std::erase_if(receivers,
                    [&](int i) { return mandated(c, i); });  // mandated support is the LA's (or national) job
    }
    by_broker[b] = propose(c, br, b, receivers, supporter_ok);
  });
  std::vector<Proposal> proposals;
  for (const auto& p : by_broker) proposals.insert(proposals.end(), p.begin(), p.end());
  // Conflicts: mandated first, then by score, ties by lower receiver then supporter id; the
  // same pair proposed by several brokers goes to a funded (programme) broker first.
  std::sort(proposals.begin(), proposals.end(), [&](const Proposal& a, const Proposal& b) {
    if (a.mandated != b.mandated) return a.mandated;
    if (a.score != b.score) return a.score > b.score;
    if (a.receiver != b.receiver) return a.receiver < b.receiver;
    if (a.supporter != b.supporter) return a.supporter < b.supporter;
    const bool funded_a = brokers[a.broker].programme >= 0, funded_b = brokers[b.broker].programme >= 0;
    if (funded_a != funded_b) return funded_a;
    return a.broker < b.broker;
  });
  std::vector<char> receiver_proposed(w.n, false);
  std::vector<std::uint32_t> proposals_received(w.n, 0);
  for (const auto& p : proposals) {
    if (receiver_proposed[p.receiver]) continue;
    if (!can_support(c, p.supporter) || st.receiving[p.receiver] >= 0) continue;
    receiver_proposed[p.receiver] = true;
    const Broker& br = brokers[p.broker];
    const bool funded = br.programme >= 0;
    const double trust = pair_trust_at(w, st, p.receiver, p.entry);
    bool accepted = p.mandated;
    if (!accepted) {
      Stream rs = c.stream(Process::SupporterAcceptance, static_cast<std::uint32_t>(p.supporter));
      rs.seek(proposals_received[p.supporter]);  // draw index = proposals received so far this term
      const double pa = sigmoid(bp.a0 + bp.a_trust * trust + bp.a_capacity * st.capacity[p.supporter] -
                                bp.a_competition * competition_at(st, p.entry) + bp.a_grant * (funded ? 1.0 : 0.0) +
                                bp.a_openness * openness_logit(st.openness[p.supporter]));
      Stream rr = c.stream(Process::ReceiverAcceptance, static_cast<std::uint32_t>(p.receiver));
      const double pb = sigmoid(bp.b0 + bp.b_trust * trust + bp.b_pressure * pressure(st.grade[p.receiver]) +
                                bp.a_openness * openness_logit(st.openness[p.receiver]));
      const bool supporter_yes = rs.uniform() < pa;
      const bool receiver_yes = rr.uniform() < pb;
      accepted = supporter_yes && receiver_yes;
    }
    ++proposals_received[p.supporter];
    if (!accepted) continue;
    Partnership part;
    part.type = PartnershipType::Pair;
    part.support = true;
    part.members = {p.supporter, p.receiver};
    part.broker = br.id;
    part.programme = br.programme;
    part.funded = funded;
    part.grant_until = c.term + s.lifecycle.partnership_terms;
    part.first_unfunded_term = funded ? std::numeric_limits<std::int32_t>::max() : c.term + 1;
    form_partnership(c, part);
  }
}

}  // namespace schoolsim
