// Register rules: British National Grid conversion, phases, statuses, type groups, Ofsted
// grades, trusts and number parsing.
#include <gtest/gtest.h>

#include "sim/register/bng.hpp"
#include "sim/register/rules.hpp"

namespace {

using namespace schoolsim::school_register;

TEST(Bng, ConvertsGridMetresToKilometres) {
  const auto km = bng_to_km(530047, 180422);  // central London
  ASSERT_TRUE(km.has_value());
  EXPECT_DOUBLE_EQ(km->x, 530.047);
  EXPECT_DOUBLE_EQ(km->y, 180.422);
  // Distances in grid km: 3-4-5 triangle.
  const auto a = bng_to_km(400000, 300000), b = bng_to_km(403000, 304000);
  EXPECT_DOUBLE_EQ(std::hypot(b->x - a->x, b->y - a->y), 5.0);
}

TEST(Bng, RejectsPointsOutsideTheGrid) {
  EXPECT_FALSE(bng_to_km(-1, 100000).has_value());
  EXPECT_FALSE(bng_to_km(700001, 100000).has_value());
  EXPECT_FALSE(bng_to_km(100000, 1300001).has_value());
  EXPECT_FALSE(bng_to_km(std::nan(""), 100000).has_value());
  EXPECT_TRUE(bng_to_km(0, 0).has_value());
  EXPECT_TRUE(bng_to_km(700000, 1300000).has_value());
}

TEST(RegisterRules, MapsPhasesByDefault) {
  const ImportRules r;
  EXPECT_EQ(phase_of(r, "Primary"), 0);
  EXPECT_EQ(phase_of(r, "Middle deemed primary"), 0);
  EXPECT_EQ(phase_of(r, "Secondary"), 1);
  EXPECT_EQ(phase_of(r, "Middle deemed secondary"), 1);
  EXPECT_EQ(phase_of(r, "All-through"), 1);
  EXPECT_EQ(phase_of(r, " primary "), 0);  // case and spaces do not matter
  for (const char* other : {"Nursery", "16 plus", "Not applicable", ""}) EXPECT_EQ(phase_of(r, other), -1) << other;
}

TEST(RegisterRules, PhaseListsAreConfigurable) {
  ImportRules r;
  r.secondary_phases = split_list("Secondary; Middle deemed secondary");
  EXPECT_EQ(phase_of(r, "All-through"), -1);
  EXPECT_EQ(phase_of(r, "Middle deemed secondary"), 1);
}

TEST(RegisterRules, OpenStatusesAndTypeGroups) {
  ImportRules r;
  EXPECT_TRUE(is_open_status(r, "Open"));
  EXPECT_TRUE(is_open_status(r, "Open, but proposed to close"));
  EXPECT_FALSE(is_open_status(r, "Closed"));
  EXPECT_FALSE(is_open_status(r, "Proposed to open"));
  EXPECT_TRUE(is_kept_type_group(r, "Academies"));
  EXPECT_TRUE(is_kept_type_group(r, "Free Schools"));
  EXPECT_TRUE(is_kept_type_group(r, "Local authority maintained schools"));
  EXPECT_FALSE(is_kept_type_group(r, "Independent schools"));
  EXPECT_FALSE(is_kept_type_group(r, "Special schools"));
  r.type_groups.clear();
  EXPECT_TRUE(is_kept_type_group(r, "Independent schools"));
}

TEST(RegisterRules, OfstedRatingsGiveInitialGrades) {
  EXPECT_EQ(ofsted_grade("Outstanding"), 1);
  EXPECT_EQ(ofsted_grade("Good"), 2);
  EXPECT_EQ(ofsted_grade("Requires improvement"), 3);
  EXPECT_EQ(ofsted_grade("Inadequate"), 4);
  EXPECT_EQ(ofsted_grade("Serious Weaknesses"), 4);
  EXPECT_EQ(ofsted_grade("Special Measures"), 4);
  EXPECT_EQ(ofsted_grade("Insufficient evidence"), 0);
  EXPECT_EQ(ofsted_grade(""), 0);
  EXPECT_EQ(ofsted_grade("Something new"), 0);
}

TEST(RegisterRules, GovernanceAndTrusts) {
  EXPECT_EQ(academy_of_type_group("Academies"), 1);
  EXPECT_EQ(academy_of_type_group("Free Schools"), 1);
  EXPECT_EQ(academy_of_type_group("Local authority maintained schools"), 0);
  EXPECT_EQ(academy_of_type_group("Special schools"), -1);
  EXPECT_TRUE(is_academy_trust_flag("Supported by a multi-academy trust"));
  EXPECT_TRUE(is_academy_trust_flag("Supported by a single-academy trust"));
  EXPECT_FALSE(is_academy_trust_flag("Supported by a trust"));
}

TEST(RegisterRules, ParsesNumbersAndSuppressionMarkers) {
  EXPECT_EQ(parse_number(" 412 ").status, ParsedNumber::Ok);
  EXPECT_DOUBLE_EQ(parse_number(" 412 ").value, 412);
  EXPECT_DOUBLE_EQ(parse_number("12.5").value, 12.5);
  EXPECT_DOUBLE_EQ(parse_number("+3").value, 3);
  EXPECT_DOUBLE_EQ(parse_number("65%", true).value, 65);
  EXPECT_EQ(parse_number("65%", false).status, ParsedNumber::Bad);
  for (const char* missing : {"", "  ", "SUPP", "ne", "NP", "NA", "N/A", "LOWCOV", "x", "..", "-", "Not applicable"})
    EXPECT_EQ(parse_number(missing, true).status, ParsedNumber::Missing) << missing;
  for (const char* bad : {"38x500", "12,5", "abc", "1e", "nan", "inf"})
    EXPECT_EQ(parse_number(bad).status, ParsedNumber::Bad) << bad;
}

TEST(RegisterRules, SplitsOptionLists) {
  EXPECT_EQ(split_list("Open; Open, but proposed to close ;;"),
            (std::vector<std::string>{"Open", "Open, but proposed to close"}));
  EXPECT_TRUE(split_list(" ; ").empty());
}

}  // namespace
