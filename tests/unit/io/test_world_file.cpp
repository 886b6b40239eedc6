// World files: write/read round trip, rejection of other files, build_world, and the
// initial state of a register world (grades, rolls, governance, MATs, attainment).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "tests/unit/register/register_text.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "models/submodels.hpp"
#include "sim/run/engine.hpp"
#include "sim/run/initial_state.hpp"
#include "sim/register/register_import.hpp"
#include "sim/io/world_builder.hpp"
#include "sim/io/world_file.hpp"

namespace {

using namespace schoolsim;
namespace fs = std::filesystem;
using test::RegRow;

fs::path temp_folder(const std::string& name) {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = (base != nullptr && *base != '\0' ? fs::path(base) : fs::temp_directory_path()) /
                          ("schoolsim_world_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

/// A register of 12 primaries and 4 secondaries in two LAs, with grades, a trust and
/// attainment (z-scores 'ranked' by URN within phase).
school_register::ImportResult small_register(bool with_attainment) {
  std::vector<RegRow> rows;
  for (int k = 0; k < 16; ++k) {
    RegRow r;
    r.urn = std::to_string(1000 + k);
    r.la = k % 2 ? "351" : "350";
    r.phase = k < 12 ? "Primary" : "Secondary";
    r.easting = std::to_string(371000 + 700 * (k % 4));
    r.northing = std::to_string(409000 + 900 * (k / 4));
    r.capacity = k < 12 ? "300" : "1000";
    r.pupils = k < 12 ? "250" : "900";
    r.fsm = std::to_string(5 + k);
    r.ofsted = k == 3 ? "Inadequate" : k == 4 ? "" : k == 5 ? "Outstanding" : "Good";
    if (k == 0 || k == 2 || k == 7) {
      r.trusts = "Alpha Trust", r.flag = "Supported by a multi-academy trust", r.group = "Academies";
    }
    rows.push_back(r);
  }
  std::vector<school_register::AttainmentTable> tables;
  if (with_attainment) {
    school_register::AttainmentTable ks2, ks4;
    for (int k = 0; k < 12; ++k) ks2.value[1000 + k] = 40.0 + 3 * k;
    for (int k = 12; k < 16; ++k) ks4.value[1000 + k] = 30.0 + 5 * k;
    tables = {ks2, ks4};
  }
  return school_register::import_register(test::reg_text(rows), "small.csv", {}, tables);
}

TEST(WorldFile, RoundTripsEveryVariable) {
  const fs::path dir = temp_folder("roundtrip");
  const auto imported = small_register(true);
  write_world_file(dir / "w.h5", false, imported.world);
  EXPECT_TRUE(is_hdf5_file(dir / "w.h5"));
  const WorldFileData d = read_world_file(dir / "w.h5");
  const WorldFileData& o = imported.world;
  EXPECT_EQ(d.urn, o.urn);
  EXPECT_EQ(d.name, o.name);
  EXPECT_EQ(d.phase, o.phase);
  EXPECT_EQ(d.la, o.la);
  EXPECT_EQ(d.x, o.x);
  EXPECT_EQ(d.y, o.y);
  EXPECT_EQ(d.disadvantage, o.disadvantage);
  EXPECT_EQ(d.places, o.places);
  EXPECT_EQ(d.pupils, o.pupils);
  EXPECT_EQ(d.grade, o.grade);
  EXPECT_EQ(d.academy, o.academy);
  EXPECT_EQ(d.trust, o.trust);
  EXPECT_EQ(d.attainment, o.attainment);
  EXPECT_EQ(d.la_code, o.la_code);
  EXPECT_EQ(d.la_name, o.la_name);
  EXPECT_EQ(d.la_region, o.la_region);
  EXPECT_EQ(d.trust_name, o.trust_name);
  EXPECT_TRUE(d.has_trusts);
  EXPECT_TRUE(d.has_attainment);
  // The file is not replaced without overwrite.
  EXPECT_THROW(write_world_file(dir / "w.h5", false, imported.world), io::OutputError);
  fs::remove_all(dir);
}

TEST(WorldFile, RejectsFilesThatAreNotWorldFiles) {
  const fs::path dir = temp_folder("reject");
  { std::ofstream(dir / "text.h5") << "URN,LA\n"; }
  {
    io::NcWriter f(dir / "other.h5", false);
    f.set_global("title", std::string("not a world"));
    f.commit();
  }
  for (const char* name : {"text.h5", "other.h5", "missing.h5"}) {
    try {
      read_world_file(dir / name);
      FAIL() << name;
    } catch (const WorldFileError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  fs::remove_all(dir);
}

TEST(WorldFile, BuildWorldLoadsTheFileRelativeToTheScenarioFolder) {
  const fs::path dir = temp_folder("build");
  write_world_file(dir / "w.h5", false, small_register(false).world);
  Scenario s = config::load_scenario_text("world: {file: w.h5}\nbrokering: {las: [1]}\n", "test");
  const World w = build_world(s, dir);
  EXPECT_EQ(w.n, 16);
  EXPECT_EQ(w.n_las, 2);
  ASSERT_TRUE(w.initial.has_value());
  ASSERT_TRUE(w.labels.has_value());
  EXPECT_EQ(w.labels->la_code, (std::vector<std::int32_t>{350, 351}));
  EXPECT_EQ(w.phase_members[0].size(), 12u);
  EXPECT_TRUE(w.initial->attainment_z.empty());  // no attainment file given
  // Neighbour lists cover the scenario's radii and any wider radius asked for.
  EXPECT_EQ(w.neighbours.radius, required_neighbour_radius(s));
  EXPECT_DOUBLE_EQ(build_world(s, dir, {50.0, 0.0}).neighbours.radius[0], 50.0);
  // LA indices are checked against the file's LAs.
  Scenario bad = config::load_scenario_text("world: {file: w.h5}\nbrokering: {las: [2]}\n", "test");
  EXPECT_THROW(build_world(bad, dir), config::ConfigError);
  Scenario missing = config::load_scenario_text("world: {file: none.h5}\n", "test");
  EXPECT_THROW(build_world(missing, dir), config::ConfigError);
  fs::remove_all(dir);
}

TEST(WorldFile, SyntheticWorldsAreUnchangedAndHaveNoRegisterValues) {
  const Scenario s = config::load_scenario_text("world: {n_primary: 200, n_secondary: 40, n_las: 3}\n", "test");
  const World a = build_world(s, ".");
  const World b = build_synthetic_world(s.world, required_neighbour_radius(s));
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.places, b.places);
  EXPECT_FALSE(a.initial.has_value());
  EXPECT_FALSE(a.labels.has_value());
  EXPECT_EQ(state_hash(a, initial_state(s, a, 42, 0)), state_hash(b, initial_state(s, b, 42, 0)));
}

TEST(WorldFile, InitialStateUsesTheRegistersValues) {
  const auto imported = small_register(true);
  const Scenario s = config::load_scenario_text("", "test");
  const World w = world_from_data(imported.world, required_neighbour_radius(s));
  const State st = initial_state(s, w, 42, 0);
  for (int i = 0; i < w.n; ++i) {
    EXPECT_DOUBLE_EQ(st.pupils[i], imported.world.pupils[i]);
    if (imported.world.grade[i] > 0) {
      EXPECT_EQ(st.grade[i], imported.world.grade[i]) << i;
    }
  }
  EXPECT_EQ(st.grade[4], grade_for(st, 0, st.attainment[4]));  // unknown rating: the model's rule
  EXPECT_EQ(st.inadequate_since[3], 0);
  // Attainment follows the register's ranking within each phase.
  for (int ph = 0; ph < kPhases; ++ph) {
    const auto& m = w.phase_members[ph];
    for (std::size_t k = 1; k < m.size(); ++k) EXPECT_LT(st.attainment[m[k - 1]], st.attainment[m[k]]) << m[k];
    // ... and is consistent with the school's practice (effectiveness at its target).
    for (int i : m) {
      const double target = s.attainment.beta_quality * (quality(s, st, i) - st.mean_quality0) -
                            s.attainment.beta_disadvantage * (w.disadvantage[i] - w.mean_disadvantage);
      EXPECT_NEAR(st.effectiveness[i], target, 1e-9);
      EXPECT_DOUBLE_EQ(st.attainment[i], st.effectiveness[i]);
    }
  }
  // One MAT: the trust's three primaries (ids 0, 2, 7), sponsored by the best grade (all
  // Good), then the highest attainment (7); the other members follow in id order.
  ASSERT_EQ(st.partnerships.size(), 1u);
  const Partnership& mat = st.partnerships[0];
  EXPECT_EQ(mat.type, PartnershipType::Mat);
  EXPECT_EQ(mat.members, (std::vector<std::int32_t>{7, 0, 2}));
  for (int m : mat.members) EXPECT_EQ(st.governance[m], static_cast<std::int8_t>(Governance::Mat));
  EXPECT_EQ(st.governance[1], static_cast<std::int8_t>(Governance::Maintained));  // register: maintained
}

TEST(WorldFile, AnEngineRunsOnARegisterWorld) {
  const auto imported = small_register(true);
  const Scenario s = config::load_scenario_text("run: {terms: 6}\n", "test");
  const World w = world_from_data(imported.world, required_neighbour_radius(s));
  Engine e(s, w, 42, 0);
  const double pupils0 = std::accumulate(e.state().pupils.begin(), e.state().pupils.end(), 0.0);
  for (int t = 0; t < s.run.terms; ++t) e.step();
  const double pupils = std::accumulate(e.state().pupils.begin(), e.state().pupils.end(), 0.0);
  EXPECT_NEAR(pupils, pupils0, 1e-6 * pupils0);
  for (int i = 0; i < w.n; ++i) EXPECT_LE(e.state().pupils[i], e.state().places[i] + 1e-9);
}

}  // namespace
