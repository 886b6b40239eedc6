// 7.5 Formation: brokered support pairs (need/support rules, max_give, strategies, mandated
// support, national broker), maximum-weight matching, self-organised networks, families
// and MAT joining.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include "../test_support.hpp"
#include "models/assignment.hpp"

namespace schoolsim {
namespace {

using test::Sim;

/// (supporter, receiver) of the support partnerships formed at or after id `from`.
std::vector<std::pair<int, int>> pairs_since(const State& st, std::size_t from) {
  std::vector<std::pair<int, int>> out;
  for (std::size_t id = from; id < st.partnerships.size(); ++id)
    if (st.partnerships[id].members.size() == 2)
      out.emplace_back(st.partnerships[id].members[0], st.partnerships[id].members[1]);
  return out;
}

/// Runs form_brokered at `term` on a copy and returns the pairs formed.
std::vector<std::pair<int, int>> brokered(const Sim& sim, int term, Sim* out = nullptr) {
  Sim copy = sim;
  auto c = copy.ctx(term);
  form_brokered(c);
  auto pairs = pairs_since(copy.st, sim.st.partnerships.size());
  if (out) *out = copy;
  return pairs;
}

/// A broker whose score is the stored pair trust alone and whose proposals are always accepted.
Scenario trust_scored(BrokerStrategy strategy) {
  Scenario s = default_scenario();
  auto& b = s.brokering;
  b.strategy = strategy;
  b.w_gap = b.w_similarity = b.w_capacity = b.w_distance = b.w_competition = 0.0;
  b.w_trust = 1.0;
  b.a0 = b.b0 = 50.0;
  b.mandate_inadequate = false;
  return s;
}

// ---------------------------------------------------------------------------------------
// Need and support rules, max_give

TEST(Formation, BrokeredPairsLinkASchoolInNeedWithASupporter) {
  // LA brokers, a programme broker per LA and the national broker, max_give 1 to stress it.
  Sim sim(test::small_scenario({"brokering.max_give=1", "brokering.slots_per_term=6", "national_broker.enabled=true",
                                "brokering.need_quantile=0.2"},
                               "programmes:\n  - {name: p, start: 2, end: 8}\n"));
  int formed = 0, funded = 0, national = 0;
  for (int t = 1; t <= 10; ++t) {
    State snapshot;
    NeedThresholds cut{};
    std::size_t before = 0;
    sim.step([&](Context& c) {
      snapshot = c.st;
      cut = c.thresholds;
      before = c.st.partnerships.size();
    });
    Context snap{sim.s, sim.w, snapshot, t, sim.seed, 0, cut};
    std::set<int> receivers;
    for (std::size_t id = before; id < sim.st.partnerships.size(); ++id) {
      const Partnership& p = sim.st.partnerships[id];
      if (!p.support || p.start_term != t || p.self_organised) continue;
      if (p.type != PartnershipType::Pair) continue;
      const int giver = p.members[0], receiver = p.members[1];
      ++formed;
      funded += p.funded;
      EXPECT_TRUE(in_need(snap, receiver)) << "receiver " << receiver << " term " << t;
      EXPECT_LT(snapshot.receiving[receiver], 0);
      EXPECT_TRUE(can_support(snap, giver)) << "supporter " << giver << " term " << t;
      EXPECT_GE(snapshot.capacity[giver], sim.s.brokering.min_capacity_to_give);
      EXPECT_LE(snapshot.grade[giver], 2);
      EXPECT_GE(snapshot.attainment[giver], cut.support[sim.w.phase[giver]]);
      EXPECT_EQ(sim.w.phase[giver], sim.w.phase[receiver]);
      EXPECT_TRUE(brokerable_pair(snapshot, giver, receiver, t));
      EXPECT_TRUE(receivers.insert(receiver).second) << "one proposal per school in need per term";
      EXPECT_EQ(p.funded, p.programme >= 0);
      if (p.broker == kNationalBroker) {
        ++national;
        EXPECT_EQ(snapshot.grade[giver], 1);
        EXPECT_LE(sim.w.distance(giver, receiver), sim.s.national_broker.radius_km);
      } else {
        EXPECT_EQ(sim.w.la[giver], sim.w.la[receiver]) << "LA brokers stay within the LA";
        EXPECT_EQ(p.broker, sim.w.la[receiver]);
        EXPECT_LE(sim.w.distance(giver, receiver), sim.s.brokering.broker_radius_km);
      }
    }
    // max_give holds, and `giving` counts exactly the support (and graduated) pairs given.
    std::vector<int> gives(sim.w.n, 0);
    for (const auto& p : sim.st.partnerships)
      if (p.active && p.giver >= 0) ++gives[p.giver];
    for (int i = 0; i < sim.w.n; ++i) {
      EXPECT_LE(sim.st.giving[i], sim.s.brokering.max_give);
      EXPECT_EQ(sim.st.giving[i], gives[i]);
    }
  }
  EXPECT_GE(formed, 10) << "the test should see brokered pairs form";
  EXPECT_GT(funded, 0);
  EXPECT_GT(formed, funded);
  EXPECT_GT(national, 0);
}

TEST(Formation, MaxGiveIsRespectedWhenSeveralBrokersChooseOneSupporter) {
  // One supporter (LA 0) among four schools in need in three LAs; with cross-border brokering
  // each LA's broker proposes it in the same term, and max_give = 2 stops the third.
  Scenario s = trust_scored(BrokerStrategy::Greedy);
  s.brokering.max_give = 2;
  s.brokering.cross_border = true;
  Sim sim(s, test::tiny_world({{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 1}, {-1, 0, 0, 2}, {0, -1, 0, 0}}, 3));
  test::flatten(sim);
  sim.st.attainment[0] = 1.0;
  for (int r = 1; r <= 4; ++r) sim.st.grade[r] = 3, sim.st.attainment[r] = -1.0;
  auto c1 = sim.ctx(1);
  form_brokered(c1);
  EXPECT_EQ(sim.st.giving[0], 2);
  EXPECT_EQ(pairs_since(sim.st, 0), (std::vector<std::pair<int, int>>{{0, 1}, {0, 2}}));
  for (int t = 2; t <= 3; ++t) {
    auto c = sim.ctx(t);
    form_brokered(c);
    EXPECT_EQ(sim.st.giving[0], 2) << "term " << t;
  }
  EXPECT_EQ(sim.st.partnerships.size(), 2u);
}

// ---------------------------------------------------------------------------------------
// Strategies

// Receiver 0 at the origin; 1 is nearest but has no spare capacity, 2 is in another LA, 5 is
// a secondary school; 3 (1 km, low trust) and 4 (3 km, high trust) are eligible.
Sim strategy_world(BrokerStrategy strategy, std::uint64_t seed = 42) {
  Sim sim(
      trust_scored(strategy),
      test::tiny_world({{0, 0, 0, 0}, {0.5, 0, 0, 0}, {0.8, 0, 0, 1}, {1, 0, 0, 0}, {3, 0, 0, 0}, {0.7, 0, 1, 0}}, 2),
      seed);
  test::flatten(sim);
  sim.st.grade[0] = 3;
  sim.st.capacity[1] = 0.1;
  test::set_trust(sim.w, sim.st, 0, 1, 1.0);
  test::set_trust(sim.w, sim.st, 0, 2, 1.0);
  test::set_trust(sim.w, sim.st, 0, 3, 0.1);
  test::set_trust(sim.w, sim.st, 0, 4, 0.9);
  return sim;
}

TEST(Formation, NearestPicksTheNearestEligibleSupporter) {
  const auto pairs = brokered(strategy_world(BrokerStrategy::Nearest), 1);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], std::make_pair(3, 0));
}

TEST(Formation, GreedyPicksTheHighestScore) {
  const auto pairs = brokered(strategy_world(BrokerStrategy::Greedy), 1);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], std::make_pair(4, 0));
}

TEST(Formation, RandomPicksAnEligibleSupporterDeterministically) {
  std::set<int> chosen;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto pairs = brokered(strategy_world(BrokerStrategy::Random, seed), 1);
    ASSERT_EQ(pairs.size(), 1u);
    EXPECT_TRUE(pairs[0].first == 3 || pairs[0].first == 4) << "seed " << seed << " picked " << pairs[0].first;
    EXPECT_EQ(pairs, brokered(strategy_world(BrokerStrategy::Random, seed), 1)) << "same seed, same pick";
    chosen.insert(pairs[0].first);
  }
  EXPECT_EQ(chosen, (std::set<int>{3, 4}));
}

TEST(Formation, NoneFormsNothing) {
  Sim sim = strategy_world(BrokerStrategy::None);
  sim.s.brokering.mandate_inadequate = true;
  sim.st.grade[0] = 4;
  sim.st.inadequate_since[0] = 0;
  EXPECT_TRUE(brokered(sim, 1).empty());
  EXPECT_TRUE(brokered(sim, 2).empty());
  // Nor with brokering switched off.
  Sim off = strategy_world(BrokerStrategy::Greedy);
  off.s.brokering.enabled = false;
  EXPECT_TRUE(brokered(off, 1).empty());
}

// Two schools in need (0, 1) and two supporters (2, 3) where greedy's first choice blocks the
// better assignment: trust 0-2 0.9, 0-3 0.8, 1-2 0.7, 1-3 0.05.
double total_score(BrokerStrategy strategy, std::vector<std::pair<int, int>>* pairs_out = nullptr) {
  Sim sim(trust_scored(strategy), test::tiny_world({{0, 0}, {0.5, 0}, {1, 0}, {1.5, 0}}));
  test::flatten(sim);
  sim.st.grade[0] = sim.st.grade[1] = 3;
  test::set_trust(sim.w, sim.st, 0, 2, 0.9);
  test::set_trust(sim.w, sim.st, 0, 3, 0.8);
  test::set_trust(sim.w, sim.st, 1, 2, 0.7);
  test::set_trust(sim.w, sim.st, 1, 3, 0.05);
  const auto pairs = brokered(sim, 1);
  double score = 0;
  for (const auto& [g, r] : pairs) score += pair_trust(sim.w, sim.st, g, r);
  if (pairs_out) *pairs_out = pairs;
  return score;
}

TEST(Formation, OptimalTotalScoreIsAtLeastGreedys) {
  std::vector<std::pair<int, int>> greedy_pairs, optimal_pairs;
  const double greedy = total_score(BrokerStrategy::Greedy, &greedy_pairs);
  const double optimal = total_score(BrokerStrategy::Optimal, &optimal_pairs);
  EXPECT_NEAR(greedy, 0.95, 1e-12);
  EXPECT_NEAR(optimal, 1.5, 1e-12);
  EXPECT_GE(optimal, greedy);
  std::sort(optimal_pairs.begin(), optimal_pairs.end());
  EXPECT_EQ(optimal_pairs, (std::vector<std::pair<int, int>>{{2, 1}, {3, 0}}));
}

// Brute force: the best (most rows matched, then highest weight) partial matching.
void brute(const std::vector<std::vector<double>>& w, int cols, std::size_t row, std::vector<char>& used, int count,
           double weight, int& best_count, double& best_weight) {
  if (row == w.size()) {
    if (count > best_count || (count == best_count && weight > best_weight)) best_count = count, best_weight = weight;
    return;
  }
  brute(w, cols, row + 1, used, count, weight, best_count, best_weight);
  for (int c = 0; c < cols; ++c)
    if (!used[c] && !std::isnan(w[row][c])) {
      used[c] = true;
      brute(w, cols, row + 1, used, count + 1, weight + w[row][c], best_count, best_weight);
      used[c] = false;
    }
}

TEST(Formation, MaxWeightMatchingAgreesWithBruteForce) {
  std::mt19937_64 gen(20240611);
  auto unit = [&gen] { return static_cast<double>(gen() >> 11) * 0x1.0p-53; };
  for (int trial = 0; trial < 400; ++trial) {
    const int rows = 1 + static_cast<int>(gen() % 6), cols = 1 + static_cast<int>(gen() % 6);
    std::vector<std::vector<double>> w(rows, std::vector<double>(cols));
    for (auto& row : w)
      for (double& v : row) v = unit() < 0.3 ? std::nan("") : 4.0 * unit() - 2.0;  // negative scores too
    const auto match = max_weight_matching(w, cols);
    ASSERT_EQ(static_cast<int>(match.size()), rows);
    std::vector<char> used(cols, false);
    int count = 0;
    double weight = 0;
    for (int r = 0; r < rows; ++r) {
      if (match[r] < 0) continue;
      ASSERT_LT(match[r], cols);
      ASSERT_FALSE(used[match[r]]) << "a column matched twice";
      ASSERT_FALSE(std::isnan(w[r][match[r]])) << "a forbidden pair matched";
      used[match[r]] = true;
      ++count, weight += w[r][match[r]];
    }
    int best_count = 0;
    double best_weight = 0;
    std::vector<char> scratch(cols, false);
    brute(w, cols, 0, scratch, 0, 0.0, best_count, best_weight);
    EXPECT_EQ(count, best_count) << "trial " << trial;
    EXPECT_NEAR(weight, best_weight, 1e-9) << "trial " << trial;
  }
  EXPECT_TRUE(max_weight_matching({}, 3).empty());
}

// ---------------------------------------------------------------------------------------
// Mandated support and the national broker

TEST(Formation, MandatedSupportForInadequateSchoolsIsCertainFromTheTermAfterInspection) {
  Scenario s = trust_scored(BrokerStrategy::Greedy);
  s.brokering.mandate_inadequate = true;
  s.brokering.a0 = s.brokering.b0 = -50;  // neither side would accept voluntarily
  Sim sim(s, test::tiny_world({{0, 0}, {1, 0}}));
  test::flatten(sim);
  sim.st.grade[0] = 4;
  sim.st.inadequate_since[0] = 3;
  EXPECT_TRUE(brokered(sim, 3).empty()) << "not in the inspection term itself (and refused voluntarily)";
  Sim after = sim;
  EXPECT_EQ(brokered(sim, 4, &after), (std::vector<std::pair<int, int>>{{1, 0}}));
  EXPECT_EQ(after.st.partnerships[0].broker, 0);
  EXPECT_FALSE(after.st.partnerships[0].funded);
  // Without the mandate the refusal stands.
  sim.s.brokering.mandate_inadequate = false;
  EXPECT_TRUE(brokered(sim, 4).empty());
}

TEST(Formation, MandatedSchoolsAreProposedBeforeOtherSchoolsInNeed) {
  Scenario s = trust_scored(BrokerStrategy::Greedy);
  s.brokering.mandate_inadequate = true;
  s.brokering.slots_per_term = 1;
  Sim sim(s, test::tiny_world({{0, 0}, {0.5, 0}, {1, 0}}));
  test::flatten(sim);
  sim.st.grade[0] = 3;  // higher score
  sim.st.grade[1] = 4;  // mandated
  sim.st.inadequate_since[1] = 1;
  test::set_trust(sim.w, sim.st, 0, 2, 0.9);
  test::set_trust(sim.w, sim.st, 1, 2, 0.1);
  EXPECT_EQ(brokered(sim, 2), (std::vector<std::pair<int, int>>{{2, 1}}));
  sim.st.grade[1] = 3;  // no longer mandated: the higher score wins
  EXPECT_EQ(brokered(sim, 2), (std::vector<std::pair<int, int>>{{2, 0}}));
}

TEST(Formation, MandatedProposalsWinConflictsBetweenBrokers) {
  // The LA broker proposes supporter 2 to mandated school 1 (low score); the programme broker,
  // which leaves mandated schools to the LA, proposes 2 to school 0 (high score). With
  // max_give = 1 only one can form: the mandated one.
  Scenario s = trust_scored(BrokerStrategy::Greedy);
  s.brokering.mandate_inadequate = true;
  s.brokering.max_give = 1;
  s.programmes = {Programme{}};
  Sim sim(s, test::tiny_world({{0, 0}, {0.5, 0}, {1, 0}}));
  test::flatten(sim);
  sim.st.grade[0] = 3;
  sim.st.grade[1] = 4;
  sim.st.inadequate_since[1] = 1;
  test::set_trust(sim.w, sim.st, 0, 2, 0.9);
  test::set_trust(sim.w, sim.st, 1, 2, 0.1);
  Sim after = sim;
  EXPECT_EQ(brokered(sim, 2, &after), (std::vector<std::pair<int, int>>{{2, 1}}));
  EXPECT_EQ(after.st.partnerships[0].programme, -1);
  EXPECT_FALSE(after.st.partnerships[0].funded);
}

TEST(Formation, NationalBrokerServesMandatedSchoolsWhereTheLaDoesNotBroker) {
  Scenario s = trust_scored(BrokerStrategy::Greedy);
  s.brokering.mandate_inadequate = true;
  s.brokering.a0 = s.brokering.b0 = -50;
  s.brokering.enabled = false;
  // School 0 (LA 0) inadequate; 1 (LA 1, 5 km) outstanding; 2 (LA 0, 1 km) good only.
  Sim sim(s, test::tiny_world({{0, 0, 0, 0}, {5, 0, 0, 1}, {1, 0, 0, 0}}, 2));
  test::flatten(sim);
  sim.st.grade[0] = 4;
  sim.st.inadequate_since[0] = 1;
  sim.st.grade[1] = 1;
  EXPECT_TRUE(brokered(sim, 2).empty()) << "no LA broker and no national broker: no support";
  sim.s.national_broker.enabled = true;
  sim.s.national_broker.slots_per_2000_schools = 4000;
  Sim after = sim;
  EXPECT_EQ(brokered(sim, 2, &after), (std::vector<std::pair<int, int>>{{1, 0}}));
  EXPECT_EQ(after.st.partnerships[0].broker, kNationalBroker);
  // Where the LA brokers, the mandated school is the LA's: its broker picks the LA supporter.
  sim.s.brokering.enabled = true;
  EXPECT_EQ(brokered(sim, 2, &after), (std::vector<std::pair<int, int>>{{2, 0}}));
  EXPECT_EQ(after.st.partnerships[0].broker, 0);
}

// ---------------------------------------------------------------------------------------
// Self-organised networks

TEST(Formation, SelfOrganisedNetworksRespectMaxSizeAndOneNetworkPerSchool) {
  Sim sim(test::small_scenario({"self_organised.p_self=1", "self_organised.max_size=3",
                                "self_organised.min_capacity_self=0", "brokering.a0=5", "brokering.enabled=false"}));
  bool some_full = false;
  for (int t = 1; t <= 6; ++t) {
    auto c = sim.ctx(t);
    form_self_organised(c);
    std::vector<int> memberships(sim.w.n, 0);
    for (const auto& p : sim.st.partnerships) {
      if (!p.active || !p.self_organised) continue;
      EXPECT_EQ(p.type, PartnershipType::Network);
      EXPECT_GE(p.members.size(), 2u);
      EXPECT_LE(static_cast<int>(p.members.size()), sim.s.self_organised.max_size);
      some_full |= static_cast<int>(p.members.size()) == sim.s.self_organised.max_size;
      for (int m : p.members) {
        EXPECT_EQ(sim.w.phase[m], sim.w.phase[p.members[0]]);
        EXPECT_EQ(sim.st.self_network[m], p.id);
        ++memberships[m];
      }
    }
    for (int i = 0; i < sim.w.n; ++i) {
      EXPECT_LE(memberships[i], 1) << "school " << i;
      if (memberships[i] == 0) {
        EXPECT_EQ(sim.st.self_network[i], -1);
      }
    }
  }
  EXPECT_TRUE(some_full);
}

TEST(Formation, SelfOrganisedSearchPrefersSimilarTrustedSchools) {
  Scenario s = default_scenario();
  s.self_organised.p_self = 1.0;
  s.brokering.a0 = 50;
  // Searcher 0 (attainment 0); 1 is similar (0.05), 2 is nearer but far apart in attainment.
  Sim sim(s, test::tiny_world({{0, 0}, {2, 0}, {1, 0}}));
  test::flatten(sim);
  sim.st.capacity = {0.5, 0.1, 0.1};  // only school 0 searches
  sim.st.attainment = {0.0, 0.05, 1.0};
  Sim first = sim;
  auto c = first.ctx(1);
  form_self_organised(c);
  ASSERT_EQ(first.st.partnerships.size(), 1u);
  EXPECT_EQ(first.st.partnerships[0].members, (std::vector<std::int32_t>{0, 1}));
  // Enough trust outweighs dissimilarity.
  test::set_trust(sim.w, sim.st, 0, 2, 1.0);
  test::set_trust(sim.w, sim.st, 0, 1, 0.0);
  auto c2 = sim.ctx(1);
  form_self_organised(c2);
  ASSERT_EQ(sim.st.partnerships.size(), 1u);
  EXPECT_EQ(sim.st.partnerships[0].members, (std::vector<std::int32_t>{0, 2}));
}

TEST(Formation, SelfOrganisedSearchFailsWhenThePartnersNetworkIsFull) {
  Scenario s = default_scenario();
  s.self_organised.p_self = 1.0;
  s.self_organised.max_size = 2;
  s.brokering.a0 = 50;
  Sim sim(s, test::tiny_world({{0, 0}, {1, 0}, {2, 0}}));
  test::flatten(sim);
  sim.st.capacity = {0.5, 0.1, 0.1};
  auto c1 = sim.ctx(1);
  Partnership net;
  net.type = PartnershipType::Network;
  net.self_organised = true;
  net.members = {1, 2};
  form_partnership(c1, net);
  test::set_trust(sim.w, sim.st, 0, 1, 1.0);  // 0's best partner is 1, in a full network
  auto c2 = sim.ctx(2);
  form_self_organised(c2);
  EXPECT_EQ(sim.st.partnerships.size(), 1u);
  EXPECT_EQ(sim.st.partnerships[0].members.size(), 2u);
  EXPECT_EQ(sim.st.self_network[0], -1);
  // With room, the searcher joins the partner's network.
  sim.s.self_organised.max_size = 3;
  form_self_organised(c2);
  EXPECT_EQ(sim.st.partnerships[0].members, (std::vector<std::int32_t>{1, 2, 0}));
  EXPECT_EQ(sim.st.self_network[0], 0);
}

// ---------------------------------------------------------------------------------------
// Families and MATs

TEST(Formation, FamiliesFormAtProgrammeStartWithFamilySizeMembers) {
  Sim sim(test::small_scenario({},
                               "world:\n  regions:\n    r: [0, 1]\nprogrammes:\n"
                               "  - {name: p, region: r, start: 2, end: 10, families: true, family_size: 6}\n"));
  auto c1 = sim.ctx(1);
  form_families(c1);
  EXPECT_TRUE(sim.st.partnerships.empty()) << "before the programme starts";
  auto c2 = sim.ctx(2);
  form_families(c2);
  std::vector<int> family_of(sim.w.n, -1);
  std::array<int, kPhases> families{}, region_schools{};
  for (int i = 0; i < sim.w.n; ++i) region_schools[sim.w.phase[i]] += sim.w.la[i] <= 1;
  std::array<double, kPhases> last_max_d{-1.0, -1.0};
  for (const auto& p : sim.st.partnerships) {
    ASSERT_TRUE(p.family);
    const int ph = sim.w.phase[p.members[0]];
    ++families[ph];
    EXPECT_TRUE(p.funded);
    EXPECT_EQ(p.programme, 0);
    EXPECT_EQ(p.grant_until, 10);
    EXPECT_EQ(p.type, PartnershipType::Network);
    EXPECT_FALSE(p.support);
    EXPECT_GE(p.members.size(), 6u);
    EXPECT_LT(p.members.size(), 12u) << "only the remainder joins the last family";
    double min_d = 1, max_d = 0;
    for (int m : p.members) {
      EXPECT_EQ(sim.w.phase[m], ph);
      EXPECT_LE(sim.w.la[m], 1) << "region schools only";
      EXPECT_EQ(family_of[m], -1) << "a school is in one family";
      family_of[m] = p.id;
      min_d = std::min(min_d, sim.w.disadvantage[m]);
      max_d = std::max(max_d, sim.w.disadvantage[m]);
    }
    EXPECT_GE(min_d, last_max_d[ph]) << "families are runs of similar disadvantage";
    last_max_d[ph] = max_d;
  }
  for (int ph = 0; ph < kPhases; ++ph) {
    ASSERT_GE(region_schools[ph], 6);
    EXPECT_EQ(families[ph], region_schools[ph] / 6);
  }
  for (int i = 0; i < sim.w.n; ++i)
    EXPECT_EQ(family_of[i] >= 0, sim.w.la[i] <= 1) << "every region school has a family";
  const auto count = sim.st.partnerships.size();
  auto c3 = sim.ctx(3);
  form_families(c3);
  EXPECT_EQ(sim.st.partnerships.size(), count) << "families form once";
}

TEST(Formation, InadequateSchoolsJoinMatsWithAcademisation) {
  Scenario s = default_scenario();
  s.academisation.enabled = true;
  s.academisation.max_mat_size = 3;
  // 0, 2, 3 inadequate; 1 outstanding with capacity (a sponsor); 4 supports 0.
  Sim sim(s, test::tiny_world({{0, 0}, {2, 0}, {0, 1}, {1, 1}, {3, 0}}));
  test::flatten(sim);
  for (int i : {0, 2, 3}) sim.st.grade[i] = 4, sim.st.inadequate_since[i] = 1;
  sim.st.grade[1] = 1;
  auto c1 = sim.ctx(1);
  const int support = test::add_partnership(c1, PartnershipType::Pair, {4, 0}, true);
  // Not in the inspection term.
  Sim same_term = sim;
  auto c_same = same_term.ctx(1);
  join_mats(c_same);
  EXPECT_EQ(same_term.st.mat[0], -1);

  auto c2 = sim.ctx(2);
  join_mats(c2);
  const int mat = sim.st.mat[0];
  ASSERT_GE(mat, 0);
  const auto& p = sim.st.partnerships[mat];
  EXPECT_EQ(p.type, PartnershipType::Mat);
  EXPECT_EQ(p.members, (std::vector<std::int32_t>{1, 0, 2})) << "sponsor first; 2 joins the nearest MAT";
  for (int m : p.members) {
    EXPECT_EQ(sim.st.mat[m], mat);
    EXPECT_EQ(sim.st.governance[m], static_cast<std::int8_t>(Governance::Mat));
  }
  EXPECT_FALSE(sim.st.partnerships[support].active) << "joining a MAT ends the school's support partnerships";
  EXPECT_EQ(sim.st.receiving[0], -1);
  EXPECT_EQ(sim.st.giving[4], 0);
  // 3: the MAT is full and there is no other sponsor; it becomes an academy outside a MAT.
  EXPECT_EQ(sim.st.mat[3], -1);
  EXPECT_EQ(sim.st.governance[3], static_cast<std::int8_t>(Governance::Academy));

  // Without academisation nothing happens.
  Scenario off = s;
  off.academisation.enabled = false;
  Sim none(off, test::tiny_world({{0, 0}, {2, 0}}));
  test::flatten(none);
  none.st.grade[0] = 4, none.st.inadequate_since[0] = 1, none.st.grade[1] = 1;
  auto cn = none.ctx(2);
  join_mats(cn);
  EXPECT_TRUE(none.st.partnerships.empty());
}

TEST(Formation, WithAcademisationInadequateSchoolsAreMandatedSupportOnlyWhenNoMatTakesThem) {
  Scenario s = trust_scored(BrokerStrategy::Greedy);
  s.brokering.mandate_inadequate = true;
  s.brokering.a0 = s.brokering.b0 = -50;  // only mandated proposals are accepted
  s.academisation.enabled = true;
  // 0 inadequate (inspected in term 1); 1 a good supporter; no outstanding sponsor nearby.
  Sim sim(s, test::tiny_world({{0, 0}, {1, 0}}));
  test::flatten(sim);
  sim.st.grade[0] = 4;
  sim.st.inadequate_since[0] = 1;
  EXPECT_TRUE(brokered(sim, 2).empty()) << "term 2 is MAT joining's turn";
  EXPECT_EQ(brokered(sim, 3), (std::vector<std::pair<int, int>>{{1, 0}})) << "no MAT found: mandated support";
  // A MAT member in need is never proposed brokered support.
  Sim in_mat = sim;
  auto c1 = in_mat.ctx(1);
  test::add_partnership(c1, PartnershipType::Mat, {1, 0});
  in_mat.s.brokering.a0 = in_mat.s.brokering.b0 = 50;
  in_mat.st.grade[0] = 3;
  EXPECT_TRUE(brokered(in_mat, 3).empty());
}

}  // namespace
}  // namespace schoolsim
