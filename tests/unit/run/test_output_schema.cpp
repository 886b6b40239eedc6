// The output schema (sim/run/output_schema.hpp): one entry per variable, every scope metric
// in its four forms, dimensions declared, the conditions of run and sweep files, and the
// sweep's per-run columns taken from it.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sim/run/output_schema.hpp"
#include "sim/sweep/run_record.hpp"

namespace {

using namespace schoolsim;
using namespace schoolsim::output;

const Variable* find(const std::string& name) {
  for (const auto& v : variables())
    if (v.name == name) return &v;
  return nullptr;
}

TEST(OutputSchema, EveryScopeMetricHasItsFourForms) {
  ASSERT_EQ(scope_metric_info().size(), 14u);
  for (const auto& m : scope_metric_info()) {
    const std::string name = m.name;
    const std::vector<std::pair<std::string, Condition>> forms = {{name, Condition::Always},
                                                                  {name + "_by_phase", Condition::Always},
                                                                  {name + "_by_la", Condition::ByArea},
                                                                  {name + "_by_region", Condition::Regions}};
    for (const auto& [form, condition] : forms) {
      const Variable* v = find(form);
      ASSERT_NE(v, nullptr) << form;
      EXPECT_EQ(v->type, Dtype::F64) << form;
      EXPECT_EQ(v->part, Part::Run) << form;
      EXPECT_EQ(v->condition, condition) << form;
      EXPECT_EQ(v->dims.front(), "term") << form;
      EXPECT_EQ(std::get<std::string>(v->attrs.at(0).value), m.units) << form;
    }
  }
  EXPECT_EQ(std::get<std::string>(find("pupils_by_region")->attrs.at(1).value), "pupils on roll, by region");
}

TEST(OutputSchema, NamesAreUniqueAndDimensionsDeclared) {
  std::set<std::string> names;
  for (const auto& d : dimensions()) EXPECT_TRUE(names.insert(d.name).second) << d.name;
  for (const auto& v : variables()) {
    EXPECT_TRUE(names.insert(v.name).second) << v.name;
    EXPECT_FALSE(v.group.empty()) << v.name;
    ASSERT_TRUE(static_cast<bool>(v.values)) << v.name;
    for (const auto& d : v.dims) EXPECT_NO_THROW(dimension(d)) << v.name << " over " << d;
    // every variable has units and a long name
    ASSERT_GE(v.attrs.size(), 2u) << v.name;
    EXPECT_EQ(v.attrs[0].name, "units") << v.name;
    EXPECT_EQ(v.attrs[1].name, "long_name") << v.name;
  }
  // 5 static + 4 area + 14 x 4 metrics + 2 grade shares + 6 system + 2 + 5 programme + 6 per school + 10 events
  EXPECT_EQ(variables().size(), 96u);
  EXPECT_EQ(dimensions().size(), 13u);
}

TEST(OutputSchema, ConditionsOfRunAndSweepFiles) {
  Layout run;  // a run file: programme variables and its event table whatever the programmes
  EXPECT_TRUE(holds(Condition::Programmes, run));
  EXPECT_TRUE(holds(Condition::ProgrammeEvents, run));
  EXPECT_FALSE(holds(Condition::Sweep, run));
  EXPECT_FALSE(holds(Condition::SweepEvents, run));
  run.by_area = true;
  EXPECT_TRUE(holds(Condition::ByArea, run));
  EXPECT_FALSE(holds(Condition::Regions, run));
  run.regions = {"north"};
  EXPECT_TRUE(holds(Condition::Regions, run));
  Layout sweep;
  sweep.sweep = true;
  sweep.events = true;
  EXPECT_FALSE(holds(Condition::Programmes, sweep));
  EXPECT_FALSE(holds(Condition::ProgrammeEvents, sweep));
  EXPECT_TRUE(holds(Condition::SweepEvents, sweep));
  sweep.programmes = {"challenge"};
  EXPECT_TRUE(holds(Condition::Programmes, sweep));
  // long names that differ in sweep files (kept as they were written before the schema)
  const auto long_name = [](const Attributes& a) { return std::get<std::string>(a.at(1).value); };
  EXPECT_EQ(long_name(attributes_in(*find("programme_spending"), run)), "programme money paid in the term");
  EXPECT_EQ(long_name(attributes_in(*find("programme_spending"), sweep)), "programme grants paid in the term");
}

TEST(OutputSchema, SweepColumnsComeFromTheSchema) {
  const sweep::RunSchema s = sweep::make_run_schema(10, 3, true, true, 5, {"north", "south"}, {"challenge"});
  std::vector<std::string> expected;
  for (const auto& v : variables())
    if (v.part == Part::Run) expected.push_back(v.name);
  std::vector<std::string> got;
  for (const auto& v : s.variables) got.push_back(v.name);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got.size(), 72u);  // 56 metrics + 8 + 2 programme + 6 per school
  const auto size_of = [&](const std::string& name) {
    for (const auto& v : s.variables)
      if (v.name == name) return v.size;
    return std::size_t{0};
  };
  EXPECT_EQ(size_of("attainment_mean"), 4u);
  EXPECT_EQ(size_of("attainment_mean_by_phase"), 8u);
  EXPECT_EQ(size_of("attainment_mean_by_la"), 20u);
  EXPECT_EQ(size_of("attainment_mean_by_region"), 8u);
  EXPECT_EQ(size_of("grade_share_by_phase"), 32u);
  EXPECT_EQ(size_of("programme_budget"), 1u);
  EXPECT_EQ(size_of("programme_spending"), 4u);
  EXPECT_EQ(size_of("school_expertise"), 120u);
  // without areas, programmes or per-school output: the plain and by-phase metrics and the rest
  const sweep::RunSchema plain = sweep::make_run_schema(10, 3, false, false);
  EXPECT_EQ(plain.variables.size(), 28u + 8u);
}

TEST(OutputSchema, JsonListsEveryVariableOnce) {
  const std::string json = to_json();
  for (const auto& v : variables()) {
    const std::string key = "{\"name\": \"" + v.name + "\", ";
    const auto at = json.find(key);
    ASSERT_NE(at, std::string::npos) << v.name;
    EXPECT_EQ(json.find(key, at + 1), std::string::npos) << v.name;
  }
  EXPECT_NE(json.find("\"flag_meanings\": \"formed ended joined\""), std::string::npos);
}

}  // namespace
