// The parameter table: every scenario key, its units, range and meaning (MODEL.md section 7,
// Appendix A). docs/parameters.md is generated from this table (`schoolsim params`).
#include <limits>

#include "sim/config/param_table.hpp"

namespace schoolsim::config {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Shorthands: the lambda returns a reference to the field of the root struct `s`.
#define SCHOOLSIM_P(ROOT, KEY, FIELD, TYPE, MIN, MAX, UNITS, DOC)                        \
  Param<ROOT> {                                                                          \
    KEY, UNITS, DOC, MIN, MAX, Ref<ROOT, TYPE>([](ROOT& s) -> TYPE& { return s.FIELD; }) \
  }
#define SCHOOLSIM_A(ROOT, KEY, FIELD, TYPE, MIN, MAX, UNITS, DOC)                                     \
  Param<ROOT> {                                                                                       \
    KEY, UNITS, DOC, MIN, MAX, ArrayRef<ROOT, TYPE>([](ROOT& s) { return std::span<TYPE>(s.FIELD); }) \
  }
#define REAL(KEY, FIELD, MIN, MAX, UNITS, DOC) SCHOOLSIM_P(Scenario, KEY, FIELD, double, MIN, MAX, UNITS, DOC)
#define INT(KEY, FIELD, MIN, MAX, UNITS, DOC) SCHOOLSIM_P(Scenario, KEY, FIELD, int, MIN, MAX, UNITS, DOC)
#define INT64(KEY, FIELD, MIN, MAX, UNITS, DOC) SCHOOLSIM_P(Scenario, KEY, FIELD, std::int64_t, MIN, MAX, UNITS, DOC)
#define BOOL(KEY, FIELD, DOC) SCHOOLSIM_P(Scenario, KEY, FIELD, bool, 0, 1, "", DOC)
#define TEXT(KEY, FIELD, DOC) SCHOOLSIM_P(Scenario, KEY, FIELD, std::string, 0, 0, "", DOC)
#define PER_PHASE_REAL(KEY, FIELD, MIN, MAX, UNITS, DOC)             \
  REAL(KEY ".primary", FIELD[0], MIN, MAX, UNITS, DOC " (primary)"), \
      REAL(KEY ".secondary", FIELD[1], MIN, MAX, UNITS, DOC " (secondary)")
#define PER_TYPE_REAL(KEY, FIELD, MIN, MAX, UNITS, DOC)                        \
  REAL(KEY ".pair", FIELD[0], MIN, MAX, UNITS, DOC " (lead/emerging pair)"),   \
      REAL(KEY ".network", FIELD[1], MIN, MAX, UNITS, DOC " (network)"),       \
      REAL(KEY ".federation", FIELD[2], MIN, MAX, UNITS, DOC " (federation)"), \
      REAL(KEY ".mat", FIELD[3], MIN, MAX, UNITS, DOC " (multi-academy trust)")

ParamTable<Scenario> make_scenario_parameters() {
  return {
      TEXT("name", name, "scenario name, written into the output"),
      TEXT("description", description, "free text describing the scenario"),
      // world
      TEXT("world.file", world.file, "world file from `schoolsim world import` (empty: synthetic world)"),
      INT64("world.seed", world.seed, 0, 9.0e18, "", "seed of the synthetic world (shared by all runs of a sweep)"),
      INT("world.n_primary", world.n_primary, 0, 5e6, "schools", "primary schools in the synthetic world"),
      INT("world.n_secondary", world.n_secondary, 0, 5e6, "schools", "secondary schools in the synthetic world"),
      INT("world.n_las", world.n_las, 1, 1e5, "LAs", "local authorities"),
      REAL("world.width_km", world.width_km, 1, 1e5, "km", "width of the plane"),
      REAL("world.height_km", world.height_km, 1, 1e5, "km", "height of the plane"),
      REAL("world.urban_sd", world.urban_sd, 0.001, 10, "LA radius", "spread of an LA's urban core"),
      REAL("world.rural_sd", world.rural_sd, 0.001, 10, "LA radius", "spread of an LA's rural schools"),
      REAL("world.urban_share_min", world.urban_share_min, 0, 1, "1", "lowest urban share of an LA"),
      REAL("world.urban_share_max", world.urban_share_max, 0, 1, "1", "highest urban share of an LA"),
      REAL("world.la_size_sd", world.la_size_sd, 0, 3, "1", "log-SD of LA sizes (schools per LA)"),
      REAL("world.disadvantage_mean", world.disadvantage_mean, 0.001, 0.999, "1", "national mean FSM share"),
      REAL("world.disadvantage_la_sd", world.disadvantage_la_sd, 0, 3, "1", "log-SD of the per-LA disadvantage effect"),
      REAL("world.disadvantage_urban", world.disadvantage_urban, 0.1, 10, "1",
           "disadvantage multiplier of urban schools"),
      REAL("world.disadvantage_concentration", world.disadvantage_concentration, 0.1, 1e4, "1",
           "Beta concentration of school disadvantage around its local mean"),
      PER_PHASE_REAL("world.places_mean", world.places_mean, 1, 1e5, "pupils", "median places"),
      REAL("world.places_sd", world.places_sd, 0, 3, "1", "log-SD of places"),
      REAL("world.initial_roll", world.initial_roll, 0.01, 1, "1", "initial roll as a share of places"),
      REAL("world.expertise_school_sd", world.expertise_school_sd, 0, 1, "1", "school effect on initial expertise"),
      REAL("world.expertise_concentration", world.expertise_concentration, 0.1, 1e4, "1",
           "Beta concentration of initial expertise"),
      REAL("world.expertise_mean", world.expertise_mean, 0.05, 0.95, "1", "mean initial expertise"),
      REAL("world.expertise_disadvantage_slope", world.expertise_disadvantage_slope, -5, 5, "1",
           "initial expertise lost per unit of disadvantage above the mean"),
      REAL("world.openness_alpha", world.openness_alpha, 0.01, 1e3, "1", "openness ~ Beta(alpha, beta)"),
      REAL("world.openness_beta", world.openness_beta, 0.01, 1e3, "1", "openness ~ Beta(alpha, beta)"),
      // funding
      REAL("funding.base_per_pupil", funding.base_per_pupil, 0, 1e6, "GBP/pupil", "base funding per pupil"),
      REAL("funding.deprivation_premium", funding.deprivation_premium, 0, 10, "1",
           "extra funding per unit of disadvantage"),
      REAL("funding.capacity_per_10k", funding.capacity_per_10k, 0, 10, "1/GBP10k",
           "capacity bought by a grant of GBP 10,000"),
      // competition (enrolment)
      SCHOOLSIM_P(Scenario, "competition.years_in_phase.primary", competition.years_in_phase[0], int, 1, 20, "years",
                  "year groups in a primary school"),
      SCHOOLSIM_P(Scenario, "competition.years_in_phase.secondary", competition.years_in_phase[1], int, 1, 20, "years",
                  "year groups in a secondary school"),
      PER_PHASE_REAL("competition.choice_radius_km", competition.choice_radius_km, 0.01, 1000, "km",
                     "parental choice radius"),
      REAL("competition.lambda_distance", competition.lambda_distance, 0, 100, "1", "distance aversion of parents"),
      REAL("competition.lambda_attainment", competition.lambda_attainment, 0, 100, "1/pupil_sd",
           "strength of market competition (0 = no attainment-driven choice)"),
      REAL("competition.psi_flow", competition.psi_flow, 0, 1, "1", "trust lost per unit of pupil-flow competition"),
      REAL("competition.closure_roll", competition.closure_roll, 0, 1, "1", "roll share below which a school shrinks"),
      INT("competition.closure_terms", competition.closure_terms, 1, 1000, "terms",
          "terms below closure_roll before places shrink"),
      // capacity
      REAL("capacity.capacity_base", capacity.capacity_base, 0, 1, "1", "baseline target capacity"),
      REAL("capacity.phi_funding", capacity.phi_funding, 0, 10, "1", "capacity from funding above the reference"),
      REAL("capacity.phi_leadership", capacity.phi_leadership, 0, 10, "1", "capacity from leadership expertise"),
      REAL("capacity.phi_pressure", capacity.phi_pressure, 0, 10, "1", "capacity lost under inspection pressure"),
      REAL("capacity.phi_surplus", capacity.phi_surplus, 0, 10, "1", "capacity lost to surplus places"),
      REAL("capacity.capacity_rate", capacity.capacity_rate, 0, 1, "1/term", "speed of adjustment to target capacity"),
      REAL("capacity.load_giver", capacity.load_giver, 0, 1, "1/term", "capacity a giver spends per partnership"),
      REAL("capacity.load_receiver", capacity.load_receiver, 0, 1, "1/term", "receiver load per unit of its capacity"),
      REAL("capacity.load_peer", capacity.load_peer, 0, 1, "1/term", "capacity a peer spends per partnership"),
      PER_TYPE_REAL("capacity.efficiency", capacity.efficiency, 0.01, 100, "1", "load divisor"),
      // lifecycle
      INT("lifecycle.partnership_terms", lifecycle.partnership_terms, 1, 1000, "terms",
          "funded length of a brokered pair"),
      REAL("lifecycle.sustain_trust", lifecycle.sustain_trust, 0, 1, "1", "mean trust needed to continue unfunded"),
      REAL("lifecycle.min_capacity", lifecycle.min_capacity, 0, 1, "1", "mean capacity needed to continue unfunded"),
      REAL("lifecycle.hazard_base", lifecycle.hazard_base, 0, 1, "1/term",
           "base dissolution hazard of unfunded partnerships"),
      REAL("lifecycle.hazard_capacity", lifecycle.hazard_capacity, 0, 1, "1/term",
           "hazard per unit of missing capacity"),
      REAL("lifecycle.hazard_trust", lifecycle.hazard_trust, 0, 1, "1/term", "hazard per unit of missing trust"),
      REAL("lifecycle.hazard_openness", lifecycle.hazard_openness, 0, 100, "1",
           "hazard log-odds per unit of the logit of the members' mean openness (less for open schools)"),
      INT("lifecycle.rebroker_cooldown", lifecycle.rebroker_cooldown, 0, 1000, "terms",
          "terms before an ended pair can be brokered again"),
      // brokering
      BOOL("brokering.enabled", brokering.enabled, "LA brokers propose support pairs"),
      SCHOOLSIM_P(Scenario, "brokering.las", brokering.las, std::vector<int>, 0, 1e5, "",
                  "LAs that broker (empty list: every LA)"),
      SCHOOLSIM_P(Scenario, "brokering.strategy", brokering.strategy, BrokerStrategy, 0, 0, "",
                  "greedy, nearest, random, optimal or none"),
      INT("brokering.slots_per_term", brokering.slots_per_term, 0, 1e6, "proposals/term",
          "proposals per LA broker per term"),
      REAL("brokering.need_quantile", brokering.need_quantile, 0, 1, "1",
           "attainment quantile below which a school is in need"),
      REAL("brokering.support_quantile", brokering.support_quantile, 0, 1, "1",
           "top share of attainment eligible to support"),
      REAL("brokering.min_capacity_to_give", brokering.min_capacity_to_give, 0, 1, "1", "capacity needed to support"),
      INT("brokering.max_give", brokering.max_give, 0, 100, "1", "support partnerships a school may give in at once"),
      REAL("brokering.broker_radius_km", brokering.broker_radius_km, 0, 1000, "km", "broker search radius"),
      BOOL("brokering.cross_border", brokering.cross_border, "brokers may pair schools of different LAs"),
      BOOL("brokering.mandate_inadequate", brokering.mandate_inadequate, "inadequate schools get mandated support"),
      REAL("brokering.w_gap", brokering.w_gap, -100, 100, "1/pupil_sd", "score weight of the attainment gap"),
      REAL("brokering.w_similarity", brokering.w_similarity, -100, 100, "1", "score weight of similar disadvantage"),
      REAL("brokering.similarity_scale", brokering.similarity_scale, 1e-6, 100, "1", "disadvantage similarity scale"),
      REAL("brokering.w_trust", brokering.w_trust, -100, 100, "1", "score weight of trust"),
      REAL("brokering.w_capacity", brokering.w_capacity, -100, 100, "1", "score weight of supporter capacity"),
      REAL("brokering.w_distance", brokering.w_distance, -100, 100, "1", "score penalty of distance"),
      REAL("brokering.w_competition", brokering.w_competition, -100, 100, "1", "score penalty of competition"),
      REAL("brokering.a0", brokering.a0, -100, 100, "1", "supporter acceptance intercept"),
      REAL("brokering.a_trust", brokering.a_trust, -100, 100, "1", "supporter acceptance: trust"),
      REAL("brokering.a_capacity", brokering.a_capacity, -100, 100, "1", "supporter acceptance: capacity"),
      REAL("brokering.a_competition", brokering.a_competition, -100, 100, "1", "supporter acceptance: competition"),
      REAL("brokering.a_grant", brokering.a_grant, -100, 100, "1", "supporter acceptance: funded proposal"),
      REAL("brokering.b0", brokering.b0, -100, 100, "1", "receiver acceptance intercept"),
      REAL("brokering.b_trust", brokering.b_trust, -100, 100, "1", "receiver acceptance: trust"),
      REAL("brokering.b_pressure", brokering.b_pressure, -100, 100, "1", "receiver acceptance: inspection pressure"),
      REAL("brokering.a_openness", brokering.a_openness, 0, 100, "1",
           "acceptance (both sides, self-organised partners too): logit of own openness"),
      // national broker
      BOOL("national_broker.enabled", national_broker.enabled,
           "a national broker deploys outstanding schools across LAs"),
      REAL("national_broker.radius_km", national_broker.radius_km, 0, 1000, "km", "national broker search radius"),
      REAL("national_broker.slots_per_2000_schools", national_broker.slots_per_2000_schools, 0, 1e6, "proposals/term",
           "national broker proposals per term per 2,000 schools"),
      // self-organised
      BOOL("self_organised.enabled", self_organised.enabled, "schools search for partners themselves"),
      REAL("self_organised.p_self", self_organised.p_self, 0, 1, "1/term", "chance a school searches this term"),
      REAL("self_organised.min_capacity_self", self_organised.min_capacity_self, 0, 1, "1",
           "capacity needed to search"),
      REAL("self_organised.self_radius_km", self_organised.self_radius_km, 0, 1000, "km",
           "self-organised search radius"),
      REAL("self_organised.w_homophily", self_organised.w_homophily, -100, 100, "1",
           "preference for similar attainment"),
      REAL("self_organised.homophily_scale", self_organised.homophily_scale, 1e-6, 100, "pupil_sd",
           "attainment similarity scale"),
      INT("self_organised.max_size", self_organised.max_size, 2, 64, "schools", "largest self-organised network"),
      // collaboration
      PER_TYPE_REAL("collaboration.intensity", collaboration.intensity, 0, 100, "1", "collaboration intensity"),
      REAL("collaboration.size_dilution", collaboration.size_dilution, 0, 100, "1",
           "intensity dilution per member above 2"),
      REAL("collaboration.eta", collaboration.eta, 0, 1, "1/term", "knowledge transfer rate"),
      REAL("collaboration.reciprocity", collaboration.reciprocity, 0, 1, "1",
           "receiver-to-giver learning in support pairs"),
      REAL("collaboration.gamma", collaboration.gamma, 0, 1, "1/term", "joint knowledge creation rate"),
      REAL("collaboration.absorb_floor", collaboration.absorb_floor, 0, 1, "1",
           "absorptive capacity with no spare time"),
      REAL("collaboration.expected_gain_support", collaboration.expected_gain_support, 1e-9, 1, "1/term",
           "typical quality gain of a support partnership"),
      REAL("collaboration.expected_gain_peer", collaboration.expected_gain_peer, 1e-9, 1, "1/term",
           "typical quality gain of a peer partnership"),
      // trust
      REAL("trust.trust_gain", trust.trust_gain, 0, 1, "1", "trust built per unit of success"),
      REAL("trust.trust_loss", trust.trust_loss, 0, 1, "1", "trust lost per unit of failure"),
      REAL("trust.trust_decay", trust.trust_decay, 0, 1, "1/term", "relaxation of idle pairs toward baseline trust"),
      // practice
      REAL("practice.self_improvement", practice.self_improvement, 0, 1, "1/term", "own improvement per unit capacity"),
      REAL("practice.turnover_base", practice.turnover_base, 0, 1, "1/term", "staff turnover rate"),
      REAL("practice.turnover_loss", practice.turnover_loss, 0, 1, "1", "expertise lost per unit turnover"),
      REAL("practice.turnover_disadvantage", practice.turnover_disadvantage, 0, 100, "1",
           "extra turnover per unit disadvantage"),
      REAL("practice.turnover_grade", practice.turnover_grade, 0, 100, "1", "extra turnover at grade 3 or 4"),
      REAL("practice.labour_tightness", practice.labour_tightness, 0, 100, "1",
           "turnover multiplier (teacher labour market)"),
      REAL("practice.practice_noise_sd", practice.practice_noise_sd, 0, 1, "1", "noise in expertise change"),
      // attainment
      SCHOOLSIM_A(Scenario, "attainment.domain_weights", attainment.domain_weights, double, 0, 1, "1",
                  "weights of teaching, leadership and data expertise in quality"),
      REAL("attainment.beta_quality", attainment.beta_quality, 0, 100, "pupil_sd", "attainment per unit quality"),
      REAL("attainment.beta_disadvantage", attainment.beta_disadvantage, -100, 100, "pupil_sd",
           "attainment lost per unit disadvantage"),
      REAL("attainment.attainment_rate", attainment.attainment_rate, 0, 1, "1/term",
           "speed of effectiveness toward target"),
      REAL("attainment.noise_ar", attainment.noise_ar, 0, 0.999, "1", "autocorrelation of cohort noise"),
      REAL("attainment.noise_sd", attainment.noise_sd, 0, 10, "pupil_sd", "cohort noise innovation SD"),
      // inspection
      SCHOOLSIM_A(Scenario, "inspection.grade_shares", inspection.grade_shares, double, 0, 1, "1",
                  "initial shares of grades 1..4 (sum 1)"),
      SCHOOLSIM_A(Scenario, "inspection.inspection_terms", inspection.inspection_terms, int, 1, 1000, "terms",
                  "inspection interval for grades 1..4"),
      BOOL("inspection.exempt_outstanding", inspection.exempt_outstanding, "outstanding schools are not reinspected"),
      BOOL("inspection.contextual_grading", inspection.contextual_grading, "grades adjust attainment for disadvantage"),
      // academisation
      BOOL("academisation.enabled", academisation.enabled, "inadequate (and converting) schools join MATs"),
      REAL("academisation.academy_share", academisation.academy_share, 0, 1, "1", "initial share of academies"),
      REAL("academisation.initial_mat_share", academisation.initial_mat_share, 0, 1, "1",
           "initial share of academies in MATs"),
      REAL("academisation.p_convert", academisation.p_convert, 0, 1, "1/year",
           "chance a maintained school converts per year"),
      REAL("academisation.mat_radius_km", academisation.mat_radius_km, 0, 1000, "km",
           "largest distance to a MAT sponsor"),
      INT("academisation.max_mat_size", academisation.max_mat_size, 2, 10000, "schools", "largest MAT"),
      // costs (read by schoolsim compare --costs; no effect on a run)
      REAL("costs.broker_time_per_partnership", costs.broker_time_per_partnership, 0, 1e9, "GBP",
           "broker time per brokered partnership formed (LA, national and programme brokers)"),
      REAL("costs.staff_time_per_partnership_term", costs.staff_time_per_partnership_term, 0, 1e9, "GBP/term",
           "school staff time per active partnership per term"),
      REAL("costs.discount_rate", costs.discount_rate, 0, 1, "1/year",
           "discount rate of future costs (Green Book 3.5%)"),
      INT("costs.terms_per_year", costs.terms_per_year, 1, 12, "terms/year", "terms per school year, for discounting"),
      // output and run
      BOOL("output.per_school", output.per_school, "write per-school trajectories"),
      INT64("output.per_school_limit", output.per_school_limit, 0, 9.0e18, "school-terms",
            "largest per-school output allowed (refused above, with a message)"),
      BOOL("output.events", output.events, "write the partnership event table"),
      INT("run.terms", run.terms, 0, 100000, "terms", "terms to simulate"),
      INT64("run.seed", run.seed, 0, 9.0e18, "", "seed of the run's random numbers"),
      INT("run.replicate", run.replicate, 0, 1e9, "", "replicate index (part of the random-number key)"),
  };
}

}  // namespace

const ParamTable<Scenario>& scenario_parameters() {
  static const ParamTable<Scenario> table = make_scenario_parameters();
  return table;
}

const ParamTable<Programme>& programme_parameters() {
  static const ParamTable<Programme> table = {
      SCHOOLSIM_P(Programme, "name", name, std::string, 0, 0, "", "programme name"),
      SCHOOLSIM_P(Programme, "region", region, std::string, 0, 0, "", "a key of world.regions (empty: every LA)"),
      SCHOOLSIM_P(Programme, "start", start, int, 1, 1e5, "term", "first term of the programme"),
      SCHOOLSIM_P(Programme, "end", end, int, 1, 1e5, "term", "last funded term"),
      SCHOOLSIM_P(Programme, "close_at", close_at, int, 0, 1e5, "term",
                  "early closure: no funding from this term (0 = none)"),
      SCHOOLSIM_P(Programme, "budget", budget, double, 0, 1e13, "GBP", "total budget"),
      SCHOOLSIM_P(Programme, "grant_per_term", grant_per_term, double, 0, 1e9, "GBP/term",
                  "grant per partnership per term"),
      SCHOOLSIM_P(Programme, "slots_per_term", slots_per_term, int, 0, 1e6, "proposals/term",
                  "proposals per programme broker per term"),
      SCHOOLSIM_P(Programme, "families", families, bool, 0, 1, "",
                  "group region schools into families of similar schools"),
      SCHOOLSIM_P(Programme, "family_size", family_size, int, 2, 64, "schools", "schools per family"),
      SCHOOLSIM_P(Programme, "reinspect", reinspect, bool, 0, 1, "",
                  "reinspect region schools in the last funded term"),
  };
  return table;
}

const ParamTable<FundingChange>& funding_change_parameters() {
  static const ParamTable<FundingChange> table = {
      SCHOOLSIM_P(FundingChange, "term", term, int, 1, 1e5, "term", "first term of the change"),
      SCHOOLSIM_P(FundingChange, "multiplier", multiplier, double, 0, 100, "1", "multiplier of per-pupil funding"),
  };
  return table;
}

const ParamTable<LabourChange>& labour_change_parameters() {
  static const ParamTable<LabourChange> table = {
      SCHOOLSIM_P(LabourChange, "term", term, int, 1, 1e5, "term", "first term of the change"),
      SCHOOLSIM_P(LabourChange, "tightness", tightness, double, 0, 100, "1", "labour_tightness from this term"),
  };
  return table;
}

template <class Root>
std::string type_name(const Param<Root>& p) {
  struct Visitor {
    std::string operator()(const Ref<Root, double>&) const { return "real"; }
    std::string operator()(const Ref<Root, int>&) const { return "integer"; }
    std::string operator()(const Ref<Root, std::int64_t>&) const { return "integer"; }
    std::string operator()(const Ref<Root, bool>&) const { return "boolean"; }
    std::string operator()(const Ref<Root, std::string>&) const { return "text"; }
    std::string operator()(const Ref<Root, std::vector<int>>&) const { return "list of integers"; }
    std::string operator()(const Ref<Root, BrokerStrategy>&) const { return "strategy"; }
    std::string operator()(const ArrayRef<Root, double>&) const { return "list of reals"; }
    std::string operator()(const ArrayRef<Root, int>&) const { return "list of integers"; }
  };
  return std::visit(Visitor{}, p.ref);
}

template std::string type_name(const Param<Scenario>&);
template std::string type_name(const Param<Programme>&);
template std::string type_name(const Param<FundingChange>&);
template std::string type_name(const Param<LabourChange>&);

}  // namespace schoolsim::config
