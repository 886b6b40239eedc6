#pragma once
// Stored trust between school pairs (MODEL.md 7.6). A pair has a stored value once its trust
// has moved (a pupil-flow shock, a term of partnership); until then its trust is the baseline
// openness_i * openness_j, supplied by the caller.
//
// Nearly every stored pair is a pair of same-phase neighbours (competitors, brokered and
// self-organised partners), so those values live in an array aligned with the neighbour lists,
// at the entry in the lower id's list: the hot loops (enrolment shock, partner search, trust
// decay) read and write them by entry, without hashing, and in parallel by school. Pairs that
// are not in each other's lists (cross-phase MAT members, distant family members) go in a hash
// map. Either way a pair has one value; which store holds it is invisible to callers.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "sim/core/state_pairs.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

class TrustStore {
 public:
  TrustStore() = default;
  /// An empty store for the pairs of `w` (no pair stored).
  explicit TrustStore(const World& w)
      : listed_(w.neighbours.index.size(), kAbsent), stored_end_(static_cast<std::size_t>(w.n), 0) {}

  /// Trust of (i, j): the stored value, or `baseline` when none is stored.
  double value(const World& w, std::int32_t i, std::int32_t j, double baseline) const {
    return value_of(pair_entry(w, i, j), i, j, baseline);
  }
  /// Trust of i and the school at i's neighbour entry e.
  double value_at(const World& w, std::int32_t i, std::int64_t e, double baseline) const {
    return stored_or(listed_[canonical(w.neighbours, i, e)], baseline);
  }
  /// The stored value of (i, j), storing `baseline` first if the pair has none. The reference
  /// stays valid until the next call that stores a new pair.
  double& slot(const World& w, std::int32_t i, std::int32_t j, double baseline) {
    return slot_of(pair_entry(w, i, j), i, j, baseline);
  }
  /// The same for i and the school at i's neighbour entry e. Distinct (i, e) with the school
  /// at e above i are distinct slots, so a parallel loop over i may write them.
  double& slot_at(const World& w, std::int32_t i, std::int64_t e, double baseline) {
    return stored_or_store(std::min(i, w.neighbours.index[e]), canonical(w.neighbours, i, e), baseline);
  }
  /// Where (i, j) is kept: its entry in the lower id's neighbour list, or -1 (not neighbours).
  /// The *_of functions below take it, to skip the search for pairs looked up every term.
  static std::int64_t pair_entry(const World& w, std::int32_t i, std::int32_t j);
  double value_of(std::int64_t entry, std::int32_t i, std::int32_t j, double baseline) const {
    if (entry >= 0) return stored_or(listed_[entry], baseline);
    if (unlisted_.empty()) return baseline;
    const auto it = unlisted_.find(pair_key(i, j));
    return it != unlisted_.end() ? it->second : baseline;
  }
  double& slot_of(std::int64_t entry, std::int32_t i, std::int32_t j, double baseline) {
    if (entry < 0) return unlisted_.try_emplace(pair_key(i, j), baseline).first.value();
    return stored_or_store(std::min(i, j), entry, baseline);
  }

  /// Stores `value` for (i, j).
  void set(const World& w, std::int32_t i, std::int32_t j, double value) { slot(w, i, j, value) = value; }

  /// Calls f(i, j, value&) for every stored pair (i < j), schools in parallel; f must touch
  /// only that pair's value (the order of calls is unspecified).
  template <class F>
  void update_each(const World& w, F&& f) {
    const NeighbourLists& nl = w.neighbours;
    tbb::parallel_for(0, w.n, [&](std::int32_t i) {
      for (auto e = nl.begin(i); e < stored_end_[i]; ++e)
        if (nl.index[e] > i && !std::isnan(listed_[e])) f(i, nl.index[e], listed_[e]);
    });
    for (auto it = unlisted_.begin(); it != unlisted_.end(); ++it)
      f(static_cast<std::int32_t>(it->first >> 32), static_cast<std::int32_t>(it->first & 0xffffffffu), it.value());
  }

  /// Every stored pair as (pair_key, value), sorted by key: a canonical form for hashing,
  /// comparing and testing.
  std::vector<std::pair<std::uint64_t, double>> entries(const World& w) const;
  std::size_t size() const;
  /// Forgets every stored value.
  void clear();

  /// Same stored pairs with the same values.
  friend bool operator==(const TrustStore& a, const TrustStore& b);

 private:
  static constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
  static double stored_or(double v, double baseline) { return std::isnan(v) ? baseline : v; }
  /// listed_[e] (in `owner`'s list), storing `baseline` there first if nothing is stored.
  double& stored_or_store(std::int32_t owner, std::int64_t e, double baseline) {
    double& v = listed_[e];
    if (std::isnan(v)) {
      v = baseline;
      stored_end_[owner] = std::max(stored_end_[owner], e + 1);
    }
    return v;
  }
  /// The entry that holds (i, school at e): e itself when that school's id is above i, else
  /// the mirror entry in its list.
  static std::int64_t canonical(const NeighbourLists& nl, std::int32_t i, std::int64_t e) {
    return nl.index[e] > i ? e : nl.reverse[e];
  }

  std::vector<double> listed_;  ///< aligned with w.neighbours entries; NaN = nothing stored
  /// Per school: one past its last list entry that holds a value (stored pairs are mostly
  /// competitors, near the front of the list), so scans over stored pairs stop early.
  std::vector<std::int64_t> stored_end_;
  PairMap<double> unlisted_;
};

}  // namespace schoolsim
