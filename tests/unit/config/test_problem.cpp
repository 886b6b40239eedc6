// The one problem type of the configuration front end: its fields are formatted in one
// place, "file:line:col: key: message (did you mean 'x'?)", and parts that are not known
// are left out.
#include <gtest/gtest.h>

#include "sim/config/problem.hpp"
#include "sim/config/yaml_reader.hpp"

namespace schoolsim::config {
namespace {

TEST(Problem, FormatsFileLineColumnKeyMessageAndSuggestion) {
  EXPECT_EQ(format_problem(Problem({"s.yaml", 3, 5}, "brokering.w_gapp", "unknown key", "brokering.w_gap")),
            "s.yaml:3:5: brokering.w_gapp: unknown key (did you mean 'brokering.w_gap'?)");
  EXPECT_EQ(format_problem(Problem({"s.yaml", 2, 19}, "run.terms", "expected an integer, got 'lots'")),
            "s.yaml:2:19: run.terms: expected an integer, got 'lots'");
}

TEST(Problem, LeavesOutWhatIsNotKnown) {
  EXPECT_EQ(format_problem(Problem({"s.yaml"}, "", "the file is empty")), "s.yaml: the file is empty");
  EXPECT_EQ(format_problem(Problem({"--set 'run.termz=3'"}, "run.termz", "unknown key", "run.terms")),
            "--set 'run.termz=3': run.termz: unknown key (did you mean 'run.terms'?)");
  EXPECT_EQ(format_problem(Problem({}, "", "--post-width must not exceed --horizon")),
            "--post-width must not exceed --horizon");
  EXPECT_EQ(format_problem(Problem({}, "world.file", "no such file")), "world.file: no such file");
}

TEST(Problem, ConfigErrorKeepsTheFieldsAndPrintsOneLineEach) {
  const ConfigError e({Problem({"a.yaml", 1, 1}, "x", "unknown key"), Problem({"a.yaml", 2, 4}, "y", "duplicate key")});
  EXPECT_STREQ(e.what(), "a.yaml:1:1: x: unknown key\na.yaml:2:4: y: duplicate key");
  ASSERT_EQ(e.problems().size(), 2u);
  EXPECT_EQ(e.problems()[1].where.line, 2);
  EXPECT_EQ(e.problems()[1].key, "y");
  EXPECT_EQ(e.problems()[1].message, "duplicate key");
  const ConfigError plain({"--budget: at least 1 evaluation"});
  EXPECT_STREQ(plain.what(), "--budget: at least 1 evaluation");
  EXPECT_EQ(plain.problems().at(0).message, "--budget: at least 1 evaluation");
}

TEST(Problem, ManyProblemsAreCountedNotListed) {
  Problems p("big.yaml");
  for (int k = 0; k < 53; ++k) p.add(Location{"big.yaml", k + 1, 1}, std::to_string(k), "unknown key");
  const auto list = p.list();
  ASSERT_EQ(list.size(), kMaxProblems + 1);
  EXPECT_EQ(format_problem(list.back()), "big.yaml: ... and 3 more problems");
}

TEST(Problem, YamlMarksBecomeOneBasedLinesAndColumns) {
  const YAML::Node doc = parse_yaml("a: 1\nb:\n  c: x\n", "t.yaml");
  YamlProblems p("t.yaml");
  p.add(doc["b"]["c"].Mark(), "b.c", "expected an integer, got " + describe_node(doc["b"]["c"]));
  EXPECT_EQ(format_problem(p.list().at(0)), "t.yaml:3:6: b.c: expected an integer, got 'x'");
  EXPECT_EQ(format_problem(Problem(location_of("t.yaml", YAML::Node(5).Mark()), "k", "m")), "t.yaml: k: m");
}

TEST(Problem, MalformedYamlNamesLineAndColumn) {
  try {
    parse_yaml("name: x\nbrokering: [1, 2\n", "m.yaml");
    FAIL() << "expected an error";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].where.file, "m.yaml");
    EXPECT_EQ(e.problems()[0].where.line, 3);
    EXPECT_EQ(e.problems()[0].message.rfind("malformed YAML: ", 0), 0u) << e.what();
  }
}

TEST(Problem, KeysOfAMappingAreCheckedInOnePlace) {
  const YAML::Node doc = parse_yaml("n: 1\nlevls: 2\nn: 3\n<<: {}\n", "k.yaml");
  YamlProblems p("k.yaml");
  std::vector<std::string> seen;
  for_each_key(doc, "design", {"n", "levels"}, p, [&](const MapEntry& e) { seen.push_back(e.key); });
  EXPECT_EQ(seen, std::vector<std::string>{"design.n"});
  const auto list = p.list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(format_problem(list[0]), "k.yaml:2:1: design.levls: unknown key (did you mean 'levels'?)");
  EXPECT_EQ(format_problem(list[1]), "k.yaml:3:1: design.n: duplicate key");
  EXPECT_EQ(format_problem(list[2]),
            "k.yaml:4:1: design.<<: YAML merge keys ('<<') are not supported: write the keys out in full");
}

}  // namespace
}  // namespace schoolsim::config
