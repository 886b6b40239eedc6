#pragma once
// The submodels of MODEL.md section 7, one file each, in the order the engine steps them
// (MODEL.md section 3). Each reads and writes the run state through the context.
#include "models/context.hpp"

namespace schoolsim {

void pay_funding(Context& c);          ///< 7.1 models/funding.cpp
void enrol_pupils(Context& c);         ///< 7.2 models/enrolment.cpp
void update_capacity(Context& c);      ///< 7.3 models/capacity.cpp
void run_lifecycle(Context& c);        ///< 7.4 models/lifecycle.cpp
void form_families(Context& c);        ///< 7.5 families, models/families.cpp
void join_mats(Context& c);            ///< 7.5 MAT joining, models/academisation.cpp
void form_brokered(Context& c);        ///< 7.5 brokered, models/brokering.cpp
void form_self_organised(Context& c);  ///< 7.5 self-organised, models/self_organised.cpp
void collaborate(Context& c);          ///< 7.6 models/collaboration.cpp (trust rules in models/trust.cpp)
void practise(Context& c);             ///< 7.7 models/practice.cpp
void update_attainment(Context& c);    ///< 7.8 models/attainment.cpp
void inspect(Context& c);              ///< 7.9 models/inspection.cpp

/// Per-pupil funding multiplier m(t): the product of funding changes in force at `term`.
double funding_multiplier(const Scenario& s, int term);
/// labour_tightness at `term` (the latest change in force, else the base value).
double labour_tightness(const Scenario& s, int term);
/// The last term a programme pays grants (its end, or the term before early closure).
int programme_last_funded_term(const Programme& p);
/// Whether programme `p`, having spent `spent`, can pay `grants` more grants (MODEL.md 7.1:
/// no money, no programme: nothing funded forms or is paid without a whole grant for it).
bool programme_can_pay(const Programme& p, double spent, int grants = 1);
/// Whether school `i` lies in programme `p`'s region.
bool in_programme_region(const Scenario& s, const World& w, const Programme& p, int i);
/// Grade for an attainment value against a phase's fixed thresholds.
std::int8_t grade_for(const State& st, int phase, double attainment);
/// Target capacity c*_i of MODEL.md 7.3 (initial capacity is this value).
double target_capacity(const Scenario& s, const State& st, int i);
/// Quality q_i = sum_k domain_weights_k E_ik.
double quality(const Scenario& s, const State& st, int i);

}  // namespace schoolsim
