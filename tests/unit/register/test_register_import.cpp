// The register importer: every skip reason counted once, the fill rules, ordering,
// trusts, input that is rejected, attainment files, and a register of England's size.
#include <gtest/gtest.h>

#include <cmath>

#include "register_generator.hpp"
#include "register_text.hpp"
#include "sim/register/register_import.hpp"

namespace {

using namespace schoolsim;
using namespace schoolsim::school_register;
using schoolsim::test::reg_text;
using schoolsim::test::RegRow;

RegRow school(int urn, const std::string& la = "350") {
  RegRow r;
  r.urn = std::to_string(urn);
  r.la = la;
  return r;
}

ImportRules lenient() {
  ImportRules r;
  r.max_bad_share = 0.5;
  return r;
}

std::string mixed_register() {
  RegRow secondary = school(2);
  secondary.phase = "Secondary", secondary.capacity = "1000", secondary.pupils = "900";
  RegRow closed = school(3);
  closed.status = "Closed";
  RegRow independent = school(4);
  independent.group = "Independent schools";
  RegRow nursery = school(5);
  nursery.phase = "Nursery";
  RegRow typo = school(6);
  typo.easting = "abc";
  RegRow duplicate = school(1);
  duplicate.name = "Duplicate";
  RegRow nowhere = school(8, "999");
  nowhere.easting = nowhere.northing = "";
  return reg_text({school(1), secondary, closed, independent, nursery, typo, duplicate, nowhere}, {"9,350\r\n"});
}

TEST(RegisterImport, CountsEveryRowOnceForItsFirstReason) {
  const auto [w, rep] = import_register(mixed_register(), "reg.csv", lenient());
  EXPECT_EQ(rep.rows, 9);
  EXPECT_EQ(rep.kept, 2);
  EXPECT_EQ(rep.kept_primary, 1);
  EXPECT_EQ(rep.kept_secondary, 1);
  EXPECT_EQ(rep.skipped_not_open, 1);
  EXPECT_EQ(rep.skipped_type_group, 1);
  EXPECT_EQ(rep.skipped_other_phase, 1);
  EXPECT_EQ(rep.other_phases.at("Nursery"), 1);
  EXPECT_EQ(rep.skipped_malformed, 2);
  EXPECT_EQ(rep.skipped_duplicate_urn, 1);
  EXPECT_EQ(rep.skipped_no_location, 1);
  EXPECT_EQ(rep.kept + rep.skipped(), rep.rows);
  ASSERT_EQ(rep.problems.size(), 2u);
  EXPECT_EQ(rep.problems[0], "line 7: Easting 'abc' is not a number (URN 6)");
  EXPECT_EQ(rep.problems[1], "line 10: has 2 fields, the header has 16");
  EXPECT_EQ(w.urn, (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(w.name[0], "A School");  // the first of the duplicates is kept
}

TEST(RegisterImport, TooManyMalformedRowsRejectTheFile) {
  try {
    import_register(mixed_register(), "reg.csv", ImportRules{});
    FAIL() << "expected a RegisterError";
  } catch (const RegisterError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("reg.csv: 2 of 9 rows"), std::string::npos) << m;
    EXPECT_NE(m.find("--max-bad-share"), std::string::npos) << m;
    EXPECT_NE(m.find("line 7"), std::string::npos) << m;
  }
}

TEST(RegisterImport, FillsMissingValuesFromLaOrPhaseMediansAndTheInitialRoll) {
  auto row = [](int urn, const std::string& la, const std::string& cap, const std::string& pupils,
                const std::string& fsm) {
    RegRow r = school(urn, la);
    r.capacity = cap, r.pupils = pupils, r.fsm = fsm;
    return r;
  };
  const std::string text = reg_text({
      row(10, "350", "200", "180", "10"), row(11, "350", "300", "270", "20"), row(12, "350", "400", "360", "30"),
      row(13, "350", "", "", ""),                                          // LA 350 has 3 known: its medians
      row(20, "351", "1000", "900", "5"), row(21, "351", "", "", "SUPP"),  // LA 351 has 1 known: national medians
      row(22, "351", "", "180", "5"),                                      // places = pupils / 0.9
      row(23, "352", "250", "", "10"),                                     // pupils = 0.9 x places
      row(24, "352", "400", "500", "10"),                                  // more pupils than places: places raised
  });
  const auto [w, rep] = import_register(text, "reg.csv", ImportRules{});
  ASSERT_EQ(w.size(), 9u);
  EXPECT_DOUBLE_EQ(w.places[3], 300);  // median of 200, 300, 400
  EXPECT_DOUBLE_EQ(w.pupils[3], 270);
  EXPECT_DOUBLE_EQ(w.disadvantage[3], 0.2);
  EXPECT_DOUBLE_EQ(w.places[5], 350);  // national median of 200, 300, 400, 1000, 250, 400
  EXPECT_DOUBLE_EQ(w.pupils[5], 315);
  EXPECT_DOUBLE_EQ(w.disadvantage[5], 0.1);  // national median of 7 known shares
  EXPECT_DOUBLE_EQ(w.places[6], 200);
  EXPECT_DOUBLE_EQ(w.pupils[6], 180);
  EXPECT_DOUBLE_EQ(w.places[7], 250);
  EXPECT_DOUBLE_EQ(w.pupils[7], 225);
  EXPECT_DOUBLE_EQ(w.places[8], 500);
  EXPECT_DOUBLE_EQ(w.pupils[8], 500);
  EXPECT_EQ(rep.filled_places, 3);
  EXPECT_EQ(rep.filled_pupils, 3);
  EXPECT_EQ(rep.filled_disadvantage, 2);
  EXPECT_EQ(rep.raised_places, 1);
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_LE(w.pupils[i], w.places[i]);
}

TEST(RegisterImport, PlacesSchoolsWithoutCoordinatesAtTheirLaMeanOrSkipsThem) {
  RegRow a = school(1), b = school(2), c = school(3);
  b.easting = "373000", b.northing = "411000";
  c.easting = "", c.northing = "";
  const std::string text = reg_text({a, b, c});
  const auto placed = import_register(text, "reg.csv", ImportRules{});
  ASSERT_EQ(placed.world.size(), 3u);
  EXPECT_DOUBLE_EQ(placed.world.x[2], 372.0);
  EXPECT_DOUBLE_EQ(placed.world.y[2], 410.0);
  EXPECT_EQ(placed.report.filled_location, 1);
  ImportRules skip;
  skip.missing_location = MissingLocation::Skip;
  const auto skipped = import_register(text, "reg.csv", skip);
  EXPECT_EQ(skipped.world.size(), 2u);
  EXPECT_EQ(skipped.report.skipped_no_location, 1);
}

TEST(RegisterImport, OrdersSchoolsByUrnAndLasByCode) {
  RegRow a = school(30, "352"), b = school(10, "350"), c = school(20, "351");
  a.la_name = "Manchester", b.la_name = "Bolton", c.la_name = "Bury";
  const auto [w, rep] = import_register(reg_text({a, b, c}), "reg.csv", ImportRules{});
  EXPECT_EQ(w.urn, (std::vector<std::int32_t>{10, 20, 30}));
  EXPECT_EQ(w.la_code, (std::vector<std::int32_t>{350, 351, 352}));
  EXPECT_EQ(w.la_name, (std::vector<std::string>{"Bolton", "Bury", "Manchester"}));
  EXPECT_EQ(w.la, (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(w.la_region[0], "North West");
  EXPECT_DOUBLE_EQ(w.x[0], 371.0);
  EXPECT_DOUBLE_EQ(w.y[0], 409.0);
}

TEST(RegisterImport, AcademyTrustsBecomeMatsPerPhaseAndFoundationTrustsDoNot) {
  std::vector<RegRow> rows;
  auto member = [&](int urn, const std::string& phase, const std::string& trust, const std::string& flag,
                    const std::string& group) {
    RegRow r = school(urn);
    r.phase = phase, r.trusts = trust, r.flag = flag, r.group = group;
    rows.push_back(r);
  };
  member(1, "Primary", "Alpha Trust", "Supported by a multi-academy trust", "Academies");
  member(2, "Primary", "Alpha Trust", "Supported by a multi-academy trust", "Academies");
  member(3, "Secondary", "Alpha Trust", "Supported by a multi-academy trust", "Academies");
  member(4, "Primary", "Beta Foundation", "Supported by a trust", "Local authority maintained schools");
  member(5, "Primary", "Beta Foundation", "Supported by a trust", "Local authority maintained schools");
  member(6, "Secondary", "Gamma Academy Trust", "Supported by a single-academy trust", "Academies");
  member(7, "Primary", "", "Not applicable", "Free Schools");
  const auto [w, rep] = import_register(reg_text(rows), "reg.csv", ImportRules{});
  EXPECT_TRUE(w.has_trusts);
  EXPECT_EQ(w.trust_name, (std::vector<std::string>{"Alpha Trust", "Gamma Academy Trust"}));
  EXPECT_EQ(w.trust, (std::vector<std::int32_t>{0, 0, 0, -1, -1, 1, -1}));
  EXPECT_EQ(w.academy, (std::vector<std::int8_t>{1, 1, 1, 0, 0, 1, 1}));
  EXPECT_EQ(rep.trusts, 2);
  EXPECT_EQ(rep.trust_schools, 4);
  EXPECT_EQ(rep.mats, 1);
  EXPECT_EQ(rep.mat_schools, 2);
}

TEST(RegisterImport, MapsOfstedRatingsAndCountsUnknownGrades) {
  std::vector<RegRow> rows;
  int urn = 1;
  for (const char* rating : {"Outstanding", "Good", "Requires improvement", "Serious Weaknesses", "Special Measures",
                             "Inadequate", "Insufficient evidence", ""}) {
    RegRow r = school(urn++);
    r.ofsted = rating;
    rows.push_back(r);
  }
  const auto [w, rep] = import_register(reg_text(rows), "reg.csv", ImportRules{});
  EXPECT_EQ(w.grade, (std::vector<std::int8_t>{1, 2, 3, 4, 4, 4, 0, 0}));
  EXPECT_EQ(rep.filled_grade, 2);
}

TEST(RegisterImport, ReadsWindows1252Names) {
  RegRow r = school(1);
  r.name = "Sacr\xE9 C\x9Cur, St Aidan\x92s";
  const auto [w, rep] = import_register(reg_text({r}), "reg.csv", ImportRules{});
  EXPECT_EQ(rep.encoding, "windows-1252");
  EXPECT_EQ(w.name[0], "Sacr\xC3\xA9 C\xC5\x93ur, St Aidan\xE2\x80\x99s");
}

TEST(RegisterImport, RejectsAMissingRequiredColumnNamingFileAndColumn) {
  auto columns = schoolsim::test::reg_columns();
  columns[7] = "Eastings";  // was Easting
  try {
    import_register(reg_text({school(1)}, {}, columns), "edubase.csv", ImportRules{});
    FAIL() << "expected a RegisterError";
  } catch (const RegisterError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("edubase.csv: not a school register: missing required column 'Easting'", 0), 0u) << m;
    EXPECT_NE(m.find("did you mean 'Eastings' for 'Easting'"), std::string::npos) << m;
  }
}

TEST(RegisterImport, RejectsInputThatIsNotACsvRegister) {
  auto message = [](const std::string& bytes) {
    try {
      import_register(bytes, "x.csv", ImportRules{});
    } catch (const RegisterError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(""), "x.csv: is empty (0 bytes)");
  EXPECT_NE(message(std::string("\x89PNG\r\n\x1a\n\0\0", 10)).find("x.csv: is binary data"), std::string::npos);
  EXPECT_NE(message("<html><body>Service unavailable</body></html>").find("x.csv: is an HTML page"), std::string::npos);
  EXPECT_NE(message("URN;LA (code);Easting\r\n1;350;1\r\n").find("semicolons"), std::string::npos);
  RegRow closed = school(1);
  closed.status = "Closed";
  EXPECT_NE(message(reg_text({closed})).find("no open primary or secondary school was kept"), std::string::npos);
}

TEST(RegisterImport, ReadsAttainmentFilesWideAndLong) {
  const auto wide =
      read_attainment("RECTYPE,URN,PTRWM_EXP\r\n1,10,55%\r\n1,11,SUPP\r\n2,,60%\r\n1,12,abc\r\n1,10,70\r\n", "ks2.csv",
                      default_attainment_columns(), Encoding::Auto);
  EXPECT_EQ(wide.column, "PTRWM_EXP");
  ASSERT_EQ(wide.value.size(), 1u);
  EXPECT_DOUBLE_EQ(wide.value.at(10), 55);
  EXPECT_EQ(wide.missing, 1);
  EXPECT_EQ(wide.no_urn, 1);
  EXPECT_EQ(wide.bad, 1);
  EXPECT_EQ(wide.duplicates, 1);
  const auto ees = read_attainment(
      "time_period,school_urn,breakdown_topic,breakdown,attainment8_average\r\n202425,10,Total,Total,45.5\r\n"
      "202425,10,Sex,Boys,40.1\r\n",
      "ks4.csv", default_attainment_columns(), Encoding::Auto);
  ASSERT_EQ(ees.value.size(), 1u);
  EXPECT_DOUBLE_EQ(ees.value.at(10), 45.5);
  const auto named = read_attainment("URN,P8MEA,ATT8SCR\r\n10,0.5,50\r\n", "ks4.csv", {"P8MEA"}, Encoding::Auto);
  EXPECT_DOUBLE_EQ(named.value.at(10), 0.5);
  EXPECT_THROW(read_attainment("URN,OTHER\r\n10,1\r\n", "ks4.csv", default_attainment_columns(), Encoding::Auto),
               RegisterError);
  EXPECT_THROW(read_attainment("SCHNAME,ATT8SCR\r\nA,1\r\n", "ks4.csv", default_attainment_columns(), Encoding::Auto),
               RegisterError);
}

TEST(RegisterImport, StandardisesAttainmentWithinEachFilesPhase) {
  AttainmentTable ks4, ks2;
  ks4.value = {{3, 50}, {4, 60}, {1, 99}};  // mostly secondary schools
  ks2.value = {{1, 40}, {2, 60}, {3, 10}};  // mostly primary schools
  std::vector<AttainmentUse> uses;
  const auto z = standardised_attainment({ks4, ks2}, {1, 2, 3, 4, 5}, {0, 0, 1, 1, 1}, &uses);
  EXPECT_EQ(uses[0].phase, 1);
  EXPECT_EQ(uses[1].phase, 0);
  EXPECT_DOUBLE_EQ(z[0], -1.0);  // 40 among {40, 60}
  EXPECT_DOUBLE_EQ(z[1], 1.0);
  EXPECT_DOUBLE_EQ(z[2], -1.0);  // 50 among {50, 60}
  EXPECT_DOUBLE_EQ(z[3], 1.0);
  EXPECT_TRUE(std::isnan(z[4]));
  EXPECT_EQ(uses[0].used, 2);
  EXPECT_EQ(uses[1].used, 2);
}

TEST(RegisterImport, ImportsARegisterOfEnglandsSize) {
  const int rows = 25000;
  const std::string text = test::make_register(rows);
  const auto expected = test::register_composition(rows);
  const auto [w, rep] = import_register(text, "generated.csv", ImportRules{});
  EXPECT_EQ(rep.encoding, "windows-1252");
  EXPECT_EQ(rep.rows, rows);
  EXPECT_EQ(rep.skipped_malformed, 0);
  EXPECT_EQ(rep.skipped_not_open, expected.not_open);
  EXPECT_EQ(rep.skipped_type_group, expected.type_group);
  EXPECT_EQ(rep.skipped_other_phase, expected.other_phase);
  EXPECT_EQ(rep.kept_primary, expected.primary);
  EXPECT_EQ(rep.kept_secondary, expected.secondary);
  EXPECT_EQ(rep.filled_location, expected.no_coordinates);
  EXPECT_EQ(rep.las, 150);
  EXPECT_EQ(static_cast<std::int64_t>(w.size()), expected.primary + expected.secondary);
}

}  // namespace
