#pragma once
// The parts of reading a sweep specification, internal to sim/sweep: the swept parameters
// and the points of a list design (sim/sweep/swept_parameters.cpp) and the design
// (sim/sweep/sweep_design_spec.cpp). sim/sweep/sweep_spec.cpp reads the file and calls them.
#include <yaml-cpp/yaml.h>

#include <cstdint>

#include "sim/config/yaml_reader.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace schoolsim::sweep::detail {

inline constexpr std::int64_t kMaxRuns = 2'000'000'000;  // run ids are int32 in the file

/// Parses `parameters:` (every design but list) against the base scenario.
void parse_parameters(const YAML::Node& node, const Scenario& base, DesignType design, SweepSpec& spec,
                      config::YamlProblems& p);
/// Parses `design.points` of a list design; the parameters are the keys of the points.
void parse_points(const YAML::Node& node, const Scenario& base, SweepSpec& spec, config::YamlProblems& p);
/// Parses `design:` (a type, or a mapping with a type and its options) into spec.design;
/// a list design's points are handed back in `points` (they need the base scenario).
void parse_design(const YAML::Node& node, SweepSpec& spec, config::YamlProblems& p, YAML::Node& points);

}  // namespace schoolsim::sweep::detail
