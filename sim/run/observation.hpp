#pragma once
// Observation (MODEL.md section 9): system metrics per term (overall and per phase) and,
// optionally, per-school trajectories, recorded into flat buffers for the output writer.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/metrics.hpp"
#include "sim/run/programme_accounting.hpp"
#include "sim/run/reporter.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

/// Metrics computed for a set of schools: all, or one phase.
struct ScopeMetrics {
  double attainment_mean, attainment_mean_pw, attainment_sd, attainment_sd_pw, attainment_p90_p10, der_polarisation,
      er_polarisation, disadvantage_gap, attainment_disadvantaged, attainment_others, pupil_disadvantage_gap,
      between_la_share, mean_capacity, pupils;
  std::array<double, kGrades> grade_share;
};

/// The names and attributes of the ScopeMetrics scalars, in output order.
struct MetricInfo {
  const char* name;
  const char* units;
  const char* long_name;
  double ScopeMetrics::*field;
};
const std::vector<MetricInfo>& scope_metric_info();

struct SystemMetrics {
  std::array<double, kPartnershipTypes> partnerships_active;
  double cross_quartile_share, mean_trust, pupils_moved, money_spent;
  /// Partnerships formed this term through a broker (LA, national or programme; 0 at term 0).
  double partnerships_brokered;
};

/// The schools of one metric scope and what about them never changes during a run (phase,
/// LA, disadvantage and its quintile within the phase), gathered once.
struct Scope {
  std::vector<std::int32_t> ids;
  std::vector<std::int8_t> phase;
  std::vector<std::int32_t> la;
  std::vector<double> disadvantage;
  std::vector<std::int8_t> disadvantage_group;  ///< metrics::disadvantage_groups
};
Scope make_scope(const World& w, std::vector<std::int32_t> ids);

/// An area of the output's `region` dimension: a set of LAs.
struct OutputRegion {
  std::string name;
  std::vector<std::int32_t> las;  ///< ascending
};

/// The regions metrics are reported for (docs/output_format.md "Where"): every
/// `world.regions` entry, then for programme k "programme_k_treated" (its region's LAs; every
/// LA without a region) and "programme_k_untreated" (the other LAs). LAs outside the world are
/// dropped (validation checks region LAs against world.n_las).
std::vector<OutputRegion> output_regions(const Scenario& s, const World& w);

/// The reporter of system metrics (overall and per phase) and, when asked, per-school
/// trajectories: one observation per term (term 0 = initial state).
class Recorder : public run::Reporter {
 public:
  /// With `by_area`, every scope metric is also recorded per LA and per region of `regions`.
  Recorder(const World& w, int terms, bool per_school, bool by_area = false, std::vector<OutputRegion> regions = {});
  void report(const run::Snapshot& snapshot) override;

  int observed_terms() const { return static_cast<int>(overall.size()); }
  bool per_school() const { return per_school_; }

  std::vector<ScopeMetrics> overall;                      ///< [term]
  std::vector<std::array<ScopeMetrics, kPhases>> phases;  ///< [term][phase]
  std::vector<SystemMetrics> system;                      ///< [term]
  ProgrammeAccount programmes;                            ///< spending and events per programme
  // Per school, [term * n + school].
  std::vector<float> school_attainment, school_capacity, school_expertise;  ///< expertise: [(term*n+school)*3+d]
  std::vector<std::int32_t> school_pupils;
  std::vector<std::int8_t> school_grade;
  std::vector<std::int16_t> school_partnerships;
  bool by_area() const { return by_area_; }
  const std::vector<OutputRegion>& regions() const { return regions_; }
  std::vector<ScopeMetrics> by_la;      ///< [term * n_las + la], when by_area()
  std::vector<ScopeMetrics> by_region;  ///< [term * regions + region], when by_area()

 private:
  bool per_school_;
  bool by_area_;
  std::vector<OutputRegion> regions_;
  std::vector<Scope> area_scopes_;                     ///< the LAs, then the regions
  Scope everyone_;                                     ///< all schools
  std::array<Scope, kPhases> by_phase_;                ///< each phase
  std::vector<std::int32_t> position_in_phase_;        ///< [school]: its place in by_phase_[phase].ids
  metrics::Ordered everyone_order_;                    ///< this term's (attainment, id) order
  std::array<metrics::Ordered, kPhases> phase_order_;  ///< read off everyone_order_
};

/// Metrics over the schools of `scope` (MODEL.md section 9).
ScopeMetrics scope_metrics(const World& w, const State& st, const Scope& scope);
/// The same with the scope's (attainment, position) order given (from metrics::order): the
/// same results, without sorting again.
ScopeMetrics scope_metrics(const World& w, const State& st, const Scope& scope, const metrics::Ordered* order);
/// The order of each phase's scope (positions in w.phase_members) read off everyone's order
/// (positions are ids): the result of metrics::order on each phase's attainments.
void split_order_by_phase(const World& w, const metrics::Ordered& everyone,
                          std::span<const std::int32_t> position_in_phase, std::array<metrics::Ordered, kPhases>& out);
SystemMetrics system_metrics(const World& w, const State& st);

}  // namespace schoolsim
