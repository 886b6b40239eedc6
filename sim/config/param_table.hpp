#pragma once
// A table of named, typed, range-checked parameters of a struct `Root`. The scenario loader
// walks YAML against such a table, so every key, type and range lives in exactly one place
// (sim/config/parameters.cpp), and the documentation table is generated from it.
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/scenario.hpp"

namespace schoolsim::config {

template <class Root, class T>
using Ref = std::function<T&(Root&)>;
template <class Root, class T>
using ArrayRef = std::function<std::span<T>(Root&)>;

template <class Root>
struct Param {
  using RootType = Root;
  std::string key;    ///< dotted path below the table's root, e.g. "brokering.w_gap"
  std::string units;  ///< "1" for ratios and counts
  std::string doc;
  double min = -std::numeric_limits<double>::infinity();  ///< inclusive bounds for numbers
  double max = std::numeric_limits<double>::infinity();
  std::variant<Ref<Root, double>, Ref<Root, int>, Ref<Root, std::int64_t>, Ref<Root, bool>, Ref<Root, std::string>,
               Ref<Root, std::vector<int>>, Ref<Root, BrokerStrategy>, ArrayRef<Root, double>, ArrayRef<Root, int>>
      ref;
};

template <class Root>
using ParamTable = std::vector<Param<Root>>;

/// Every scalar (or fixed-size list) parameter of a scenario. Structured lists
/// (programmes, funding.changes, practice.labour_changes, world.regions) are handled by the
/// loader with the tables below.
const ParamTable<Scenario>& scenario_parameters();
const ParamTable<Programme>& programme_parameters();
const ParamTable<FundingChange>& funding_change_parameters();
const ParamTable<LabourChange>& labour_change_parameters();

/// A human-readable name of a parameter's type ("real", "integer", "list of 3 reals", ...).
template <class Root>
std::string type_name(const Param<Root>& p);

}  // namespace schoolsim::config
