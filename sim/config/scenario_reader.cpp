#include "sim/config/scenario_reader.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "sim/config/did_you_mean.hpp"
#include "sim/config/input_text.hpp"
#include "sim/config/numbers.hpp"
#include "sim/config/param_table.hpp"
#include "sim/config/scenario_yaml.hpp"

namespace schoolsim::config {
namespace {

using Walker = ScenarioWalker;

/// "has 200001 entries; at most 1000 are allowed", or "" within `limit`. Checked before a
/// list is walked, so an alias repeated 200,000 times costs nothing.
std::string too_many(std::size_t count, std::size_t limit, const std::string& what = "entries") {
  if (count <= limit) return "";
  return "has " + std::to_string(count) + " " + what + "; at most " + std::to_string(limit) + " are allowed";
}

/// The key of `table` (or its groups, or `extra`) closest to `key`, or "".
template <class Root>
std::string suggestion(const std::string& key, const ParamTable<Root>& table, const std::vector<std::string>& extra) {
  std::vector<std::string> known = extra;
  std::set<std::string> prefixes;
  for (const auto& p : table) {
    known.push_back(p.key);
    for (std::size_t dot = p.key.find('.'); dot != std::string::npos; dot = p.key.find('.', dot + 1))
      prefixes.insert(p.key.substr(0, dot));
  }
  known.insert(known.end(), prefixes.begin(), prefixes.end());
  return closest_key(key, known);
}

/// Sets one parameter from a YAML node, reporting type and range problems.
template <class Root>
void set_param(const Param<Root>& p, const YAML::Node& n, Root& root, const std::string& key, Walker& w) {
  const YAML::Mark mark = n.Mark();
  auto bad_type = [&](const std::string& expected) {
    w.error(mark, key, "expected " + expected + ", got " + describe_node(n));
  };
  auto bad_range = [&](const std::string& value) { w.error(mark, key, out_of_range(value, p.min, p.max)); };
  std::visit(
      [&](const auto& ref) {
        using R = std::decay_t<decltype(ref)>;
        if constexpr (std::is_same_v<R, Ref<Root, double>>) {
          double v;
          if (!read_real(n, v)) return bad_type("a real number");
          if (!in_range(v, p.min, p.max)) return bad_range(n.Scalar());
          ref(root) = v;
        } else if constexpr (std::is_same_v<R, Ref<Root, int>> || std::is_same_v<R, Ref<Root, std::int64_t>>) {
          long long v;
          if (!read_integer(n, v))
            return n.IsScalar() && is_integer_literal(n.Scalar()) ? bad_range(n.Scalar()) : bad_type("an integer");
          if (!in_range(static_cast<double>(v), p.min, p.max)) return bad_range(n.Scalar());
          ref(root) = static_cast<std::decay_t<decltype(ref(root))>>(v);
        } else if constexpr (std::is_same_v<R, Ref<Root, bool>>) {
          bool v;
          if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) return bad_type("true or false");
          ref(root) = v;
        } else if constexpr (std::is_same_v<R, Ref<Root, std::string>>) {
          if (!n.IsScalar() && !n.IsNull()) return bad_type("text");
          const std::string text = n.IsNull() ? std::string() : n.Scalar();
          if (const std::string why = control_character_problem(text); !why.empty()) return w.error(mark, key, why);
          ref(root) = text;
        } else if constexpr (std::is_same_v<R, Ref<Root, BrokerStrategy>>) {
          static const std::map<std::string, BrokerStrategy> names = {{"greedy", BrokerStrategy::Greedy},
                                                                      {"nearest", BrokerStrategy::Nearest},
                                                                      {"random", BrokerStrategy::Random},
                                                                      {"optimal", BrokerStrategy::Optimal},
                                                                      {"none", BrokerStrategy::None}};
          if (!n.IsScalar() || !names.count(n.Scalar()))
            return bad_type("one of greedy, nearest, random, optimal, none");
          ref(root) = names.at(n.Scalar());
        } else if constexpr (std::is_same_v<R, Ref<Root, std::vector<int>>>) {
          if (!n.IsSequence()) return bad_type("a list of integers");
          if (const std::string why = too_many(n.size(), kMaxLaListEntries); !why.empty())
            return w.error(mark, key, why);
          if (!w.count_la_entries(n, key)) return;
          std::vector<int> values;
          for (const auto& item : n) {
            long long v;
            const bool read = read_integer(item, v);
            if (!read && !(item.IsScalar() && is_integer_literal(item.Scalar())))
              return w.error(item.Mark(), key, "expected an integer, got " + describe_node(item));
            if (!read || !in_range(static_cast<double>(v), p.min, p.max))
              return w.error(item.Mark(), key, out_of_range(item.Scalar(), p.min, p.max));
            values.push_back(static_cast<int>(v));
          }
          ref(root) = values;
        } else {  // fixed-size arrays of reals or integers
          auto span = ref(root);
          using T = typename decltype(span)::value_type;
          const std::string what = std::is_same_v<T, double> ? "reals" : "integers";
          if (!n.IsSequence() || n.size() != span.size())
            return bad_type("a list of " + std::to_string(span.size()) + " " + what);
          std::vector<T> values;
          for (const auto& item : n) {
            double v = 0;
            long long iv = 0;
            bool ok = std::is_same_v<T, double> ? read_real(item, v) : read_integer(item, iv);
            if constexpr (!std::is_same_v<T, double>) v = static_cast<double>(iv);
            if (!ok)
              return w.error(item.Mark(), key,
                             "expected " + what.substr(0, what.size() - 1) + ", got " + describe_node(item));
            if (!in_range(v, p.min, p.max)) return w.error(item.Mark(), key, out_of_range(item.Scalar(), p.min, p.max));
            values.push_back(static_cast<T>(v));
          }
          std::copy(values.begin(), values.end(), span.begin());
        }
      },
      p.ref);
}

/// Structured entries (lists and maps of their own) handled outside the parameter table.
struct Special {
  std::string key;
  std::function<void(const YAML::Node&, Scenario&, Walker&)> apply;
};

template <class Root>
void apply_map(const YAML::Node& map, const std::string& shown_prefix, const std::string& table_prefix, Root& root,
               const ParamTable<Root>& table, const std::vector<Special>& specials, Walker& w, Scenario* scenario);

template <class Item>
void apply_list(const YAML::Node& n, const std::string& key, std::vector<Item>& out, const ParamTable<Item>& table,
                Walker& w) {
  if (!n.IsSequence()) return w.error(n.Mark(), key, "expected a list, got " + describe_node(n));
  if (const std::string why = too_many(n.size(), kMaxListEntries); !why.empty()) return w.error(n.Mark(), key, why);
  out.clear();
  for (std::size_t i = 0; i < n.size(); ++i) {
    Item item{};
    apply_map<Item>(n[i], key + "[" + std::to_string(i) + "]", "", item, table, {}, w, nullptr);
    out.push_back(item);
  }
}

/// A region rule: {rule: nearest, la: L, count: K} or {rule: most_disadvantaged, percentile: P}
/// (sim/core/region_rules.hpp). Problems are reported at the offending key.
std::optional<RegionRule> read_region_rule(const YAML::Node& n, const std::string& key, Walker& w) {
  const YAML::Node kind = n["rule"];
  const std::string kinds = "'nearest' or 'most_disadvantaged'";
  if (!kind || !kind.IsScalar()) {
    w.error(n.Mark(), key + ".rule", "missing: a region rule needs rule: " + kinds);
    return std::nullopt;
  }
  RegionRule rule;
  std::vector<std::string> allowed;
  if (kind.Scalar() == "nearest") {
    rule.kind = RegionRule::Kind::Nearest;
    allowed = {"rule", "la", "count"};
  } else if (kind.Scalar() == "most_disadvantaged") {
    rule.kind = RegionRule::Kind::MostDisadvantaged;
    allowed = {"rule", "percentile"};
  } else {
    w.error(kind.Mark(), key + ".rule", "unknown rule '" + kind.Scalar() + "' (" + kinds + ")");
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& kv : n) {
    const std::string field = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
      w.error(kv.first.Mark(), key + "." + field, "unknown key of a '" + kind.Scalar() + "' rule",
              closest_key(field, allowed));
      ok = false;
    }
  }
  const auto integer = [&](const char* field, int lo, int& out) {
    const YAML::Node v = n[field];
    long long value = 0;
    if (!v) {
      w.error(n.Mark(), key + "." + field, "missing");
      ok = false;
    } else if (!read_integer(v, value) || value < lo || value > 100000) {
      w.error(v.Mark(), key + "." + field,
              "expected an integer from " + std::to_string(lo) + " to 100000, got " + describe_node(v));
      ok = false;
    } else {
      out = static_cast<int>(value);
    }
  };
  if (rule.kind == RegionRule::Kind::Nearest) {
    integer("la", 0, rule.la);
    integer("count", 1, rule.count);
  } else {
    const YAML::Node v = n["percentile"];
    if (!v) {
      w.error(n.Mark(), key + ".percentile", "missing");
      ok = false;
    } else if (!read_real(v, rule.percentile) || !std::isfinite(rule.percentile) || rule.percentile < 0 ||
               rule.percentile >= 100) {
      w.error(v.Mark(), key + ".percentile", "expected a number in [0, 100), got " + describe_node(v));
      ok = false;
    }
  }
  return ok ? std::optional<RegionRule>(rule) : std::nullopt;
}

const std::vector<Special>& scenario_specials() {
  static const std::vector<Special> specials = {
      {"programmes", [](const YAML::Node& n, Scenario& s,
                        Walker& w) { apply_list(n, "programmes", s.programmes, programme_parameters(), w); }},
      {"funding.changes",
       [](const YAML::Node& n, Scenario& s, Walker& w) {
         apply_list(n, "funding.changes", s.funding.changes, funding_change_parameters(), w);
       }},
      {"practice.labour_changes",
       [](const YAML::Node& n, Scenario& s, Walker& w) {
         apply_list(n, "practice.labour_changes", s.practice.labour_changes, labour_change_parameters(), w);
       }},
      {"world.regions",
       [](const YAML::Node& n, Scenario& s, Walker& w) {
         if (!n.IsMap())
           return w.error(n.Mark(), "world.regions", "expected a mapping of region names to LA lists or rules");
         if (const std::string why = too_many(n.size(), kMaxRegions, "regions"); !why.empty())
           return w.error(n.Mark(), "world.regions", why);
         s.world.regions.clear();
         s.world.region_rules.clear();
         for (const auto& kv : n) {
           const std::string name = kv.first.Scalar();
           const std::string key = "world.regions." + name;
           if (const std::string why = control_character_problem(name); !why.empty()) {
             w.error(kv.first.Mark(), "world.regions", "region name " + why);
             continue;
           }
           std::vector<int> las;
           if (kv.second.IsMap()) {
             if (const auto rule = read_region_rule(kv.second, key, w)) s.world.region_rules[name] = *rule;
             continue;
           }
           if (!kv.second.IsSequence()) {
             w.error(kv.second.Mark(), key,
                     "expected a list of LA indices or a rule ({rule: nearest, la: 0, count: 10} or "
                     "{rule: most_disadvantaged, percentile: 80}), got " +
                         describe_node(kv.second));
             continue;
           }
           if (const std::string why = too_many(kv.second.size(), kMaxLaListEntries); !why.empty()) {
             w.error(kv.second.Mark(), key, why);
             continue;
           }
           if (!w.count_la_entries(kv.second, key)) return;
           for (const auto& item : kv.second) {
             long long v;
             if (!read_integer(item, v) || v < 0 || v > 100000) {
               w.error(item.Mark(), key, "expected an LA index (integer >= 0), got " + describe_node(item));
               continue;
             }
             las.push_back(static_cast<int>(v));
           }
           s.world.regions[name] = las;
         }
       }},
  };
  return specials;
}

template <class Root>
void apply_map(const YAML::Node& map, const std::string& shown_prefix, const std::string& table_prefix, Root& root,
               const ParamTable<Root>& table, const std::vector<Special>& specials, Walker& w, Scenario* scenario) {
  if (!map.IsMap()) {
    return w.error(map.Mark(), shown_prefix, "expected a mapping of keys to values, got " + describe_node(map));
  }
  auto join = [](const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; };
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) {
      w.error(kv.first.Mark(), shown_prefix, "keys must be plain names");
      continue;
    }
    const std::string name = kv.first.Scalar();
    const std::string shown = join(shown_prefix, name);  // what the user sees
    const std::string key = join(table_prefix, name);    // what the table knows
    if (name == "<<") {
      w.error(kv.first.Mark(), shown, merge_key_problem());
      continue;
    }
    if (!seen.insert(name).second) {
      w.error(kv.first.Mark(), shown, "duplicate key");
      continue;
    }
    if (key == "extends" && scenario) continue;  // resolved by the file loader
    auto special = std::find_if(specials.begin(), specials.end(), [&](const Special& s) { return s.key == key; });
    if (special != specials.end() && scenario) {
      special->apply(kv.second, *scenario, w);
      continue;
    }
    auto param = std::find_if(table.begin(), table.end(), [&](const Param<Root>& p) { return p.key == key; });
    if (param != table.end()) {
      set_param(*param, kv.second, root, shown, w);
      continue;
    }
    auto starts = [&](const std::string& k) { return k.rfind(key + ".", 0) == 0; };
    const bool is_group =
        std::any_of(table.begin(), table.end(), [&](const Param<Root>& p) { return starts(p.key); }) ||
        std::any_of(specials.begin(), specials.end(), [&](const Special& s) { return starts(s.key); });
    if (is_group) {
      apply_map(kv.second, shown, key, root, table, specials, w, scenario);
      continue;
    }
    std::vector<std::string> extra;
    for (const auto& s : specials) extra.push_back(s.key);
    w.error(kv.first.Mark(), shown, "unknown key", w.full() ? std::string() : suggestion(key, table, extra));
  }
}

}  // namespace

bool ScenarioWalker::count_la_entries(const YAML::Node& list, const std::string& key) {
  la_entries_ += list.size();
  if (la_entries_ <= kMaxLaEntriesTotal) return true;
  if (!la_total_reported_)
    error(list.Mark(), key,
          "more than " + std::to_string(kMaxLaEntriesTotal) + " LA indices in all LA lists together (the limit)");
  la_total_reported_ = true;
  return false;
}

void walk_scenario(const YAML::Node& doc, Scenario& s, ScenarioWalker& w, const std::string& shown_prefix) {
  if (doc.IsNull()) return;  // no text: "all defaults" (a file is checked for this by its loader)
  apply_map<Scenario>(doc, shown_prefix, "", s, scenario_parameters(), scenario_specials(), w, &s);
}

void walk_entry(const YAML::Node& doc, Scenario& s, const EntryKey& entry, ScenarioWalker& w,
                const std::string& shown_prefix) {
  if (entry.list == "programmes")
    apply_map<Programme>(doc, shown_prefix, "", s.programmes[entry.index], programme_parameters(), {}, w, nullptr);
  else if (entry.list == "funding.changes")
    apply_map<FundingChange>(doc, shown_prefix, "", s.funding.changes[entry.index], funding_change_parameters(), {}, w,
                             nullptr);
  else
    apply_map<LabourChange>(doc, shown_prefix, "", s.practice.labour_changes[entry.index], labour_change_parameters(),
                            {}, w, nullptr);
}

}  // namespace schoolsim::config
