#pragma once
// The scenario: every parameter of the model (docs/MODEL.md section 7 and Appendix A) as a
// plain, immutable-after-loading struct with documented defaults. YAML only overrides it
// (sim/config/scenario_yaml.cpp); the parameter table in sim/config/parameters.cpp names
// every key, its range and its units.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace schoolsim {

enum class Phase : std::int8_t { Primary = 0, Secondary = 1 };
inline constexpr int kPhases = 2;
inline constexpr int kDomains = 3;  // teaching & learning, leadership, data & assessment
inline constexpr int kLeadership = 1;
inline constexpr int kGrades = 4;  // 1 outstanding .. 4 inadequate
enum class PartnershipType : std::int8_t { Pair = 0, Network = 1, Federation = 2, Mat = 3 };
inline constexpr int kPartnershipTypes = 4;

/// A value per phase (primary, secondary).
template <class T>
using PerPhase = std::array<T, kPhases>;
/// A value per partnership type (pair, network, federation, mat).
template <class T>
using PerType = std::array<T, kPartnershipTypes>;

/// A region defined by a rule on the world rather than by a list of LA indices, so that it
/// means the same for every world seed and world file (docs/MODEL.md, "Regions").
struct RegionRule {
  enum class Kind {
    Nearest,            ///< the `count` LAs whose centres are nearest LA `la`'s centre (`la` included)
    MostDisadvantaged,  ///< the LAs above the `percentile`-th percentile of LA mean disadvantage
  };
  Kind kind = Kind::Nearest;
  int la = 0;
  int count = 1;
  double percentile = 80.0;
  bool operator==(const RegionRule&) const = default;
};

/// The rule as its YAML text, e.g. "{rule: nearest, la: 0, count: 10}".
std::string region_rule_text(const RegionRule& rule);

struct WorldParams {
  std::string file;       ///< school register world file (HDF5); empty = synthetic generator
  std::int64_t seed = 1;  ///< world seed: the synthetic world depends only on this
  int n_primary = 16764;
  int n_secondary = 3450;
  int n_las = 153;
  double width_km = 600.0;
  double height_km = 400.0;
  double urban_sd = 0.15;        ///< urban core spread, as a fraction of the LA radius
  double rural_sd = 0.6;         ///< rural spread, as a fraction of the LA radius
  double urban_share_min = 0.3;  ///< each LA's urban share ~ U(min, max)
  double urban_share_max = 0.9;
  double la_size_sd = 0.5;  ///< LA sizes ~ lognormal(0, la_size_sd)
  double disadvantage_mean = 0.15;
  double disadvantage_la_sd = 0.4;  ///< per-LA effect lognormal(0, sd)
  double disadvantage_urban = 1.5;  ///< urban multiplier
  double disadvantage_concentration = 8.0;
  PerPhase<double> places_mean = {300.0, 1000.0};
  double places_sd = 0.3;  ///< lognormal(0, sd) multiplier of places
  double initial_roll = 0.9;
  double expertise_school_sd = 0.08;
  double expertise_concentration = 20.0;
  double expertise_mean = 0.55;
  double expertise_disadvantage_slope = 0.7;  ///< calibrated with turnover_disadvantage (docs/calibration.md)
  double openness_alpha = 4.0;
  double openness_beta = 3.0;
  /// Named regions: sets of LA indices selectable by programmes.
  std::map<std::string, std::vector<int>> regions;
  /// Named regions chosen by a rule that holds for any world (sim/core/region_rules.hpp);
  /// a name is either here or in `regions`, never both.
  std::map<std::string, RegionRule> region_rules;
};

struct FundingChange {
  int term = 1;             ///< from this term on
  double multiplier = 1.0;  ///< multiplies per-pupil funding (product of all in force)
};

struct Programme {
  std::string name = "programme";
  std::string region;               ///< a key of world.regions; empty = every LA
  int start = 1;                    ///< first term the programme's brokers propose
  int end = 9;                      ///< last funded term
  int close_at = 0;                 ///< early closure: last funded term becomes close_at - 1 (0 = none)
  double budget = 1.0e9;            ///< GBP
  double grant_per_term = 20000.0;  ///< GBP per partnership per term
  int slots_per_term = 6;           ///< proposals per programme broker (one per LA of its region) per term
  bool families = false;            ///< group region schools into families at programme start
  int family_size = 6;
  bool reinspect = false;  ///< reinspect region schools in the last funded term
};

/// Costs beyond programme grants, for cost-effectiveness (issue 15 item 6; docs/compare.md
/// "At what cost"). They change nothing in a run: `schoolsim compare --costs` reads them from
/// the stored scenario. GBP at the prices of the run's first year.
struct CostParams {
  double broker_time_per_partnership = 1000.0;      ///< GBP of broker time per brokered partnership formed
  double staff_time_per_partnership_term = 1500.0;  ///< GBP of school staff time per active partnership per term
  double discount_rate = 0.035;                     ///< per year (HM Treasury Green Book)
  int terms_per_year = 3;                           ///< terms per school year, for discounting
};

struct FundingParams {
  double base_per_pupil = 5000.0;
  double deprivation_premium = 0.35;
  double capacity_per_10k = 0.02;
  std::vector<FundingChange> changes;
};

struct CompetitionParams {
  PerPhase<int> years_in_phase = {6, 5};
  PerPhase<double> choice_radius_km = {3.0, 10.0};
  double lambda_distance = 4.8;  ///< calibrated to own_school_share (docs/calibration.md)
  double lambda_attainment = 1.0;
  double psi_flow = 0.5;
  double closure_roll = 0.5;
  int closure_terms = 6;
};

struct CapacityParams {
  double capacity_base = 0.5;
  double phi_funding = 0.5;
  double phi_leadership = 0.6;
  double phi_pressure = 0.2;
  double phi_surplus = 0.8;
  double capacity_rate = 0.25;
  double load_giver = 0.03;
  double load_receiver = 0.02;
  double load_peer = 0.01;
  PerType<double> efficiency = {1.0, 1.0, 1.5, 2.0};
};

struct LifecycleParams {
  int partnership_terms = 6;
  double sustain_trust = 0.5;
  double min_capacity = 0.2;
  double hazard_base = 0.02;
  double hazard_capacity = 0.05;
  double hazard_trust = 0.10;
  double hazard_openness = 1.0;  ///< hazard odds divided by (members' mean openness odds)^this
  int rebroker_cooldown = 3;
};

enum class BrokerStrategy : std::int8_t { Greedy, Nearest, Random, Optimal, None };

struct BrokeringParams {
  bool enabled = true;   ///< LA brokers propose (unfunded) support pairs
  std::vector<int> las;  ///< LAs that broker; empty = every LA (when enabled)
  BrokerStrategy strategy = BrokerStrategy::Greedy;
  int slots_per_term = 3;
  double need_quantile = 0.10;
  double support_quantile = 0.33;
  double min_capacity_to_give = 0.35;
  int max_give = 2;
  double broker_radius_km = 10.0;
  bool cross_border = false;
  bool mandate_inadequate = true;
  double w_gap = 1.0, w_similarity = 0.5, similarity_scale = 0.1, w_trust = 1.0, w_capacity = 0.5, w_distance = 0.5,
         w_competition = 1.0;
  double a0 = -0.5, a_trust = 3.0, a_capacity = 2.0, a_competition = 2.0, a_grant = 1.0;
  double b0 = 0.0, b_trust = 2.0, b_pressure = 2.0;
  double a_openness = 1.0;  ///< both sides' acceptance: weight of the logit of own openness
};

struct NationalBrokerParams {
  bool enabled = false;
  double radius_km = 20.0;
  double slots_per_2000_schools = 10.0;  ///< slots per term, scaled with world size
};

struct SelfOrganisedParams {
  bool enabled = true;
  double p_self = 0.10;
  double min_capacity_self = 0.4;
  double self_radius_km = 8.0;
  double w_homophily = 1.0;
  double homophily_scale = 0.2;
  int max_size = 8;
};

struct CollaborationParams {
  PerType<double> intensity = {1.0, 0.6, 1.2, 1.0};
  double size_dilution = 0.25;
  double eta = 0.4;
  double reciprocity = 0.25;
  double gamma = 0.15;
  double absorb_floor = 0.2;
  double expected_gain_support = 0.012;
  double expected_gain_peer = 0.0008;
};

struct TrustParams {
  double trust_gain = 0.15;
  double trust_loss = 0.3;
  double trust_decay = 0.05;
};

struct LabourChange {
  int term = 1;
  double tightness = 1.0;  ///< labour_tightness from this term on
};

struct PracticeParams {
  double self_improvement = 0.055;
  double turnover_base = 0.05;
  double turnover_loss = 0.3;
  double turnover_disadvantage = 0.9;  ///< calibrated with the expertise slope (docs/calibration.md)
  double turnover_grade = 0.5;
  double labour_tightness = 1.0;
  std::vector<LabourChange> labour_changes;
  double practice_noise_sd = 0.01;
};

struct AttainmentParams {
  std::array<double, kDomains> domain_weights = {0.5, 0.3, 0.2};
  double beta_quality = 3.0;
  double beta_disadvantage = 1.0;
  double attainment_rate = 0.15;
  double noise_ar = 0.5;
  double noise_sd = 0.1;
};

struct InspectionParams {
  std::array<double, kGrades> grade_shares = {0.20, 0.66, 0.11, 0.03};
  std::array<int, kGrades> inspection_terms = {12, 12, 6, 3};
  bool exempt_outstanding = false;
  bool contextual_grading = false;
};

struct AcademisationParams {
  bool enabled = false;
  double academy_share = 0.4;
  double initial_mat_share = 0.0;
  double p_convert = 0.0;  ///< per school year, for maintained schools
  double mat_radius_km = 15.0;
  int max_mat_size = 10;
};

struct OutputParams {
  bool per_school = true;                      ///< write per-school trajectories
  std::int64_t per_school_limit = 50'000'000;  ///< school-terms above which per_school is refused
  bool events = true;                          ///< write the partnership event table
};

struct RunParams {
  int terms = 30;
  std::int64_t seed = 42;
  int replicate = 0;
};

struct Scenario {
  std::string name = "default";
  std::string description;
  WorldParams world;
  FundingParams funding;
  CompetitionParams competition;
  CapacityParams capacity;
  LifecycleParams lifecycle;
  BrokeringParams brokering;
  NationalBrokerParams national_broker;
  SelfOrganisedParams self_organised;
  CollaborationParams collaboration;
  TrustParams trust;
  PracticeParams practice;
  AttainmentParams attainment;
  InspectionParams inspection;
  AcademisationParams academisation;
  std::vector<Programme> programmes;
  CostParams costs;
  OutputParams output;
  RunParams run;
};

/// The documented defaults (MODEL.md Appendix A).
Scenario default_scenario();

const char* to_string(BrokerStrategy s);
const char* to_string(PartnershipType t);
const char* to_string(Phase p);

}  // namespace schoolsim
