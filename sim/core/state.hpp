#pragma once
// The state of one run: per-school structure of arrays, partnerships, pair trust, events.
#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <vector>

#include "sim/core/scenario.hpp"
#include "sim/core/state_pairs.hpp"
#include "sim/core/trust_store.hpp"

namespace schoolsim {

enum class Governance : std::int8_t { Maintained = 0, Academy = 1, Mat = 2 };

enum class EndReason : std::int8_t { NotEnded = 0, FundingEnded = 1, Hazard = 2, Graduated = 3, JoinedMat = 4 };

inline constexpr std::int32_t kNoBroker = -1;
inline constexpr std::int32_t kNationalBroker = -2;

struct Partnership {
  std::int32_t id = 0;
  PartnershipType type = PartnershipType::Pair;
  bool support = false;  ///< members[0] gives, members[1] receives; otherwise all are peers
  bool family = false;   ///< a programme family (edges from above- to below-median members)
  bool self_organised = false;
  bool graduated = false;  ///< former support pair now a peer pair; still counts against the giver's max_give
  bool active = true;
  bool funded = false;            ///< receives programme grants this term
  bool sustain_test_due = false;  ///< funding stopped this term: run the sustain test of MODEL 7.4
  std::int32_t giver = -1;        ///< the (former) giver, for max_give accounting
  std::int32_t programme = -1;
  std::int32_t broker = kNoBroker;  ///< LA index, kNoBroker, or kNationalBroker
  std::int32_t start_term = 0;
  std::int32_t grant_until = 0;          ///< last term a grant may be paid (funded partnerships)
  std::int32_t first_unfunded_term = 0;  ///< hazard applies from this term on
  std::int32_t end_term = -1;
  std::vector<std::int32_t> members;
  /// Where each member pair's trust is stored (TrustStore::pair_entry, pairs in
  /// for_member_pairs order), kept by form_partnership and join_partnership so the trust of
  /// a partnership's pairs is read without searching every term.
  std::vector<std::int64_t> pair_entries;
};

struct Event {
  std::int32_t term;
  std::int8_t kind;  ///< 0 formed, 1 ended
  std::int32_t partnership;
  std::int8_t type;
  std::int32_t broker;
  std::int16_t programme;
  std::int8_t reason;
  std::vector<std::int32_t> members;
};

struct State {
  int term = 0;
  // Per school.
  std::vector<double> pupils, places;
  Eigen::Array<double, Eigen::Dynamic, kDomains, Eigen::RowMajor> expertise;
  std::vector<double> effectiveness, noise, attainment, capacity, openness, funding, boost;
  std::vector<std::int8_t> grade;
  std::vector<std::int32_t> last_inspected;
  std::vector<std::int8_t> governance;
  std::vector<std::int32_t> mat;             ///< MAT partnership id, or -1
  std::vector<std::int32_t> self_network;    ///< self-organised network id, or -1
  std::vector<std::int32_t> receiving;       ///< support partnership id where receiver, or -1
  std::vector<std::int16_t> giving;          ///< support (and graduated) partnerships given
  std::vector<std::int16_t> n_partnerships;  ///< active partnerships of any type
  std::vector<std::int32_t> low_roll_terms;
  std::vector<std::int32_t> inadequate_since;  ///< term graded 4 (mandated support from the next term), or -1
  /// Support imposed on the school (inadequate) ended by the hazard: none is imposed again
  /// up to this term (MODEL.md 7.4), or -1.
  std::vector<std::int32_t> mandate_refused_until;
  // Phase constants fixed at initialisation.
  std::array<std::array<double, kGrades - 1>, kPhases> grade_threshold{};  ///< attainment for grades 1, 2, 3
  /// The need and support rules' attainment cut-offs (MODEL.md 7.5): a fixed standard set on
  /// initial attainment, so a programme in one region cannot move them for schools elsewhere.
  std::array<double, kPhases> need_cutoff{}, support_cutoff{};
  double mean_quality0 = 0, mean_disadvantage = 0, funding_reference = 0;
  // Pairs.
  std::vector<double> competition;       ///< aligned with World::neighbours entries
  TrustStore trust;                      ///< stored pair trust (baseline openness_i * openness_j otherwise)
  PairMap<std::int32_t> cooldown_until;  ///< pair may be brokered again after this term
  // Partnerships (all ever formed, by id) and events.
  std::vector<Partnership> partnerships;
  std::vector<Event> events;
  std::vector<double> programme_spent;
  double money_spent = 0;
  double pupils_moved = 0;  ///< this term
  /// This term's intake per phase and the part of it placed at its origin school (0 outside
  /// enrolment terms): the own-school share of the calibration (MODEL.md 7.2).
  std::array<double, kPhases> intake{}, intake_at_origin{};
};

}  // namespace schoolsim
