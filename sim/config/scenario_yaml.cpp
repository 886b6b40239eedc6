#include "sim/config/scenario_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>

#include "sim/config/input_text.hpp"
#include "sim/config/key_path.hpp"
#include "sim/config/param_table.hpp"
#include "sim/config/yaml_parse_error.hpp"
#include "sim/config/bounded_read.hpp"
#include "sim/core/region_rules.hpp"

namespace schoolsim::config {
namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

/// Shortest text that reads back to the same double.
std::string format_real(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  // Keep a visible decimal point so the value reads back as a real, not an integer.
  // YAML 1.1 readers (PyYAML) take a real only with a dot: "2e+07" would read back as text.
  if (s.find_first_of(".n") == std::string::npos) {
    const auto e = s.find_first_of("eE");
    s.insert(e == std::string::npos ? s.size() : e, ".0");
  }
  return s;
}

/// Problems listed in one error; the rest are counted ("... and 12345 more problems"), so a
/// huge broken file costs neither memory nor minutes of "did you mean" searches.
constexpr std::size_t kMaxProblems = 50;

/// Collects problems while walking one YAML document.
class Walker {
 public:
  explicit Walker(std::string source) : source_(std::move(source)) {}

  void error(const YAML::Mark& mark, const std::string& key, const std::string& what) {
    if (full()) {
      ++more_;
      return;
    }
    std::string where = source_;
    if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    problems_.push_back(where + ": " + (key.empty() ? "" : key + ": ") + what);
  }
  /// Whether further problems are only counted (callers skip costly messages).
  bool full() const { return problems_.size() >= kMaxProblems; }
  std::vector<std::string> problems() const {
    std::vector<std::string> out = problems_;
    if (more_) out.push_back(source_ + ": ... and " + std::to_string(more_) + " more problems");
    return out;
  }
  bool empty() const { return problems_.empty(); }
  const std::string& source() const { return source_; }
  /// Counts `n` more LA indices; false (after reporting it once) beyond kMaxLaEntriesTotal.
  bool count_la_entries(const YAML::Node& list, const std::string& key) {
    la_entries_ += list.size();
    if (la_entries_ <= kMaxLaEntriesTotal) return true;
    if (!la_total_reported_)
      error(list.Mark(), key,
            "more than " + std::to_string(kMaxLaEntriesTotal) + " LA indices in all LA lists together (the limit)");
    la_total_reported_ = true;
    return false;
  }

 private:
  std::string source_;
  std::vector<std::string> problems_;
  std::size_t more_ = 0;
  std::size_t la_entries_ = 0;
  bool la_total_reported_ = false;
};

/// "has 200001 entries; at most 1000 are allowed", or "" within `limit`. Checked before a
/// list is walked, so an alias repeated 200,000 times costs nothing.
std::string too_many(std::size_t count, std::size_t limit, const std::string& what = "entries") {
  if (count <= limit) return "";
  return "has " + std::to_string(count) + " " + what + "; at most " + std::to_string(limit) + " are allowed";
}

std::string describe_node(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return "'" + shortened(n.Scalar()) + "'";
}

template <class Root>
std::string suggestion(const std::string& key, const ParamTable<Root>& table, const std::vector<std::string>& extra) {
  // Edit distances cost key length x known key length each: no suggestion for a key far
  // longer than any parameter's (a pasted paragraph, a fuzzed or binary file).
  if (key.size() > 100) return "";
  std::vector<std::string> known = extra;
  std::set<std::string> prefixes;
  for (const auto& p : table) {
    known.push_back(p.key);
    for (std::size_t dot = p.key.find('.'); dot != std::string::npos; dot = p.key.find('.', dot + 1))
      prefixes.insert(p.key.substr(0, dot));
  }
  known.insert(known.end(), prefixes.begin(), prefixes.end());
  const std::string last = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, key.size() / 4) + 1;
  for (const auto& k : known) {
    std::size_t d = edit_distance(key, k);
    // The same final name under another group ("brokering.p_self" -> "self_organised.p_self").
    const std::string k_last = k.substr(k.rfind('.') == std::string::npos ? 0 : k.rfind('.') + 1);
    if (k_last == last && d > 1) d = 1;
    if (d < best_d) best_d = d, best = k;
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

bool read_real(const YAML::Node& n, double& out) {
  if (!n.IsScalar()) return false;
  try {
    out = n.as<double>();
  } catch (const YAML::Exception&) {
    return false;
  }
  return true;
}

bool read_integer(const YAML::Node& n, long long& out) {
  if (!n.IsScalar()) return false;
  try {
    out = n.as<long long>();
  } catch (const YAML::Exception&) {
    return false;
  }
  return true;
}

bool in_range(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

std::string range_text(double lo, double hi) {
  auto f = [](double x) {
    if (std::isinf(x)) return std::string(x < 0 ? "-inf" : "inf");
    if (x == std::floor(x) && std::abs(x) < 1e15) return std::to_string(static_cast<long long>(x));
    return format_real(x);
  };
  return "[" + f(lo) + ", " + f(hi) + "]";
}

/// Sets one parameter from a YAML node, reporting type and range problems.
template <class Root>
void set_param(const Param<Root>& p, const YAML::Node& n, Root& root, const std::string& key, Walker& w) {
  const YAML::Mark mark = n.Mark();
  auto bad_type = [&](const std::string& expected) {
    w.error(mark, key, "expected " + expected + ", got " + describe_node(n));
  };
  auto out_of_range = [&](const std::string& value) {
    w.error(mark, key, "value " + value + " is out of range " + range_text(p.min, p.max));
  };
  std::visit(
      [&](const auto& ref) {
        using R = std::decay_t<decltype(ref)>;
        if constexpr (std::is_same_v<R, Ref<Root, double>>) {
          double v;
          if (!read_real(n, v)) return bad_type("a real number");
          if (!in_range(v, p.min, p.max)) return out_of_range(shortened(n.Scalar()));
          ref(root) = v;
        } else if constexpr (std::is_same_v<R, Ref<Root, int>> || std::is_same_v<R, Ref<Root, std::int64_t>>) {
          long long v;
          if (!read_integer(n, v))
            return n.IsScalar() && is_integer_literal(n.Scalar()) ? out_of_range(shortened(n.Scalar()))
                                                                  : bad_type("an integer");
          if (!in_range(static_cast<double>(v), p.min, p.max)) return out_of_range(shortened(n.Scalar()));
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
              return w.error(item.Mark(), key,
                             "value " + shortened(item.Scalar()) + " is out of range " + range_text(p.min, p.max));
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
            if (!in_range(v, p.min, p.max))
              return w.error(item.Mark(), key,
                             "value " + shortened(item.Scalar()) + " is out of range " + range_text(p.min, p.max));
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
      w.error(kv.first.Mark(), key + "." + field,
              "unknown key of a '" + kind.Scalar() + "' rule" + did_you_mean(field, allowed));
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
    w.error(kv.first.Mark(), shown, "unknown key" + (w.full() ? std::string() : suggestion(key, table, extra)));
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    Walker w(source);
    w.error(e.mark, "", "malformed YAML: " + yaml_parse_problem(e));
    throw ConfigError(w.problems());
  }
}

void apply_document(const YAML::Node& doc, Scenario& s, const std::string& source) {
  Walker w(source);
  if (doc.IsNull()) return;  // no text: "all defaults" (a file is checked for this by load_file_into)
  apply_map<Scenario>(doc, "", "", s, scenario_parameters(), scenario_specials(), w, &s);
  if (!w.empty()) throw ConfigError(w.problems());
}

std::string read_file(const std::filesystem::path& path) {
  // Bounded: a huge file, /dev/zero or an endless pipe is refused, not read into memory.
  io::BoundedRead read = io::read_bounded(path, io::kMaxYamlBytes);
  if (!read.problem.empty()) throw ConfigError({path.string() + ": " + read.problem});
  std::string text = std::move(read.bytes);
  if (text.find('\0') != std::string::npos) throw ConfigError({path.string() + ": not a YAML text file (binary data)"});
  return text;
}

void load_file_into(const std::filesystem::path& path, Scenario& s, int depth) {
  if (depth > 16) throw ConfigError({path.string() + ": 'extends' chain deeper than 16 files (a cycle?)"});
  const std::string text = read_file(path);
  const YAML::Node doc = parse_yaml(text, path.string());
  // An empty file is more often a failed copy or save than a wish for every default.
  if (doc.IsNull())
    throw ConfigError({path.string() + ": the file is empty (for a scenario with every default, write {})"});
  if (doc.IsMap() && doc["extends"]) {
    const YAML::Node base = doc["extends"];
    const std::string why = !base.IsScalar()        ? "expected a file path, got " + describe_node(base)
                            : base.Scalar().empty() ? std::string("expected a file path, got an empty text")
                                                    : control_character_problem(base.Scalar());
    if (!why.empty()) {
      Walker w(path.string());
      w.error(base.Mark(), "extends", why);
      throw ConfigError(w.problems());
    }
    load_file_into(path.parent_path() / base.Scalar(), s, depth + 1);
  }
  apply_document(doc, s, path.string());
}

void apply_overrides(Scenario& s, const std::vector<std::string>& overrides) {
  std::vector<std::string> problems;
  for (const auto& o : overrides) {
    try {
      apply_override(s, o);
    } catch (const ConfigError& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  }
  if (!problems.empty()) throw ConfigError(problems);
}

template <class Root>
YAML::Node param_value(const Param<Root>& p, const Root& root_const) {
  Root& root = const_cast<Root&>(root_const);  // accessors return mutable references; nothing is written
  return std::visit(
      [&](const auto& ref) -> YAML::Node {
        using R = std::decay_t<decltype(ref)>;
        YAML::Node n;
        if constexpr (std::is_same_v<R, Ref<Root, double>>) {
          n = format_real(ref(root));
        } else if constexpr (std::is_same_v<R, Ref<Root, BrokerStrategy>>) {
          n = std::string(to_string(ref(root)));
        } else if constexpr (std::is_same_v<R, Ref<Root, std::vector<int>>>) {
          n = YAML::Node(YAML::NodeType::Sequence);
          for (int v : ref(root)) n.push_back(v);
          n.SetStyle(YAML::EmitterStyle::Flow);
        } else if constexpr (std::is_same_v<R, ArrayRef<Root, double>>) {
          n = YAML::Node(YAML::NodeType::Sequence);
          for (double v : ref(root)) n.push_back(format_real(v));
          n.SetStyle(YAML::EmitterStyle::Flow);
        } else if constexpr (std::is_same_v<R, ArrayRef<Root, int>>) {
          n = YAML::Node(YAML::NodeType::Sequence);
          for (int v : ref(root)) n.push_back(v);
          n.SetStyle(YAML::EmitterStyle::Flow);
        } else {
          n = ref(root);
        }
        return n;
      },
      p.ref);
}

/// Writes every parameter of `root` into `out`, nesting dotted keys as mappings.
template <class Root>
void write_table(YAML::Node out, const Root& root, const ParamTable<Root>& table) {
  for (const auto& p : table) {
    std::vector<std::string> parts;
    std::stringstream ss(p.key);
    for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
    std::vector<YAML::Node> chain{out};
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) chain.push_back(chain.back()[parts[i]]);
    chain.back()[parts.back()] = param_value(p, root);
  }
}

template <class Item>
YAML::Node list_node(const std::vector<Item>& items, const ParamTable<Item>& table) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const auto& item : items) {
    YAML::Node n(YAML::NodeType::Map);
    write_table(n, item, table);
    list.push_back(n);
  }
  return list;
}

}  // namespace

ConfigError::ConfigError(const std::vector<std::string>& problems)
    : InputError(join_lines(problems)), problems_(problems) {}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

void apply_override(Scenario& s, const std::string& assignment) {
  const std::string source = "--set '" + assignment + "'";
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError({source + ": expected KEY.PATH=VALUE, e.g. brokering.slots_per_term=5"});
  const std::string key = assignment.substr(0, eq);
  KeyPath path;
  if (const std::string why = parse_key_path(key, path); !why.empty()) throw ConfigError({source + ": " + why});
  YAML::Node value = parse_yaml(assignment.substr(eq + 1), source);
  // Build {a: {b: {c: value}}} and walk it like a file, so --set accepts exactly what YAML does.
  auto nest = [](const std::string& dotted, YAML::Node doc) {
    std::vector<std::string> parts;
    std::stringstream ss(dotted);
    for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      YAML::Node parent(YAML::NodeType::Map);
      parent[*it] = doc;
      doc = parent;
    }
    return doc;
  };
  if (!path.entry()) return apply_document(nest(key, value), s, source);
  // One field of one list entry: walked against the entry's table, named as written.
  EntryKey entry;
  if (const std::string why = resolve_entry(path, s, entry); !why.empty())
    throw ConfigError({source + ": " + key + ": " + why});
  Walker w(source);
  const std::string shown = path.list + "[" + path.selector + "]";
  const YAML::Node doc = nest(path.field, value);
  if (path.list == "programmes")
    apply_map<Programme>(doc, shown, "", s.programmes[entry.index], programme_parameters(), {}, w, nullptr);
  else if (path.list == "funding.changes")
    apply_map<FundingChange>(doc, shown, "", s.funding.changes[entry.index], funding_change_parameters(), {}, w,
                             nullptr);
  else
    apply_map<LabourChange>(doc, shown, "", s.practice.labour_changes[entry.index], labour_change_parameters(), {}, w,
                            nullptr);
  if (!w.empty()) throw ConfigError(w.problems());
}

void validate(const Scenario& s, const std::string& source) {
  std::vector<std::string> problems;
  auto problem = [&](const std::string& key, const std::string& what) {
    problems.push_back(source + ": " + key + ": " + what);
  };
  if (s.world.n_primary + s.world.n_secondary < 1) problem("world.n_primary", "the world needs at least one school");
  if (s.world.urban_share_min > s.world.urban_share_max)
    problem("world.urban_share_min", "must not exceed world.urban_share_max");
  const double share_sum = std::accumulate(s.inspection.grade_shares.begin(), s.inspection.grade_shares.end(), 0.0);
  if (std::abs(share_sum - 1.0) > 1e-6)
    problem("inspection.grade_shares", "must sum to 1 (they sum to " + format_real(share_sum) + ")");
  // With a world file, LA indices are checked against the file's LAs when the world is
  // built (sim/io/world_builder.cpp), since world.n_las does not apply.
  const bool synthetic = s.world.file.empty();
  for (int la : s.brokering.las)
    if (synthetic && la >= s.world.n_las)
      problem("brokering.las",
              "LA " + std::to_string(la) + " does not exist (world.n_las = " + std::to_string(s.world.n_las) + ")");
  for (const auto& [name, rule] : s.world.region_rules) {
    if (s.world.regions.count(name)) problem("world.regions." + name, "defined both as a list and as a rule");
    if (synthetic && rule.kind == RegionRule::Kind::Nearest && rule.la >= s.world.n_las)
      problem("world.regions." + name + ".la", "LA " + std::to_string(rule.la) + " does not exist (world.n_las = " +
                                                   std::to_string(s.world.n_las) + ")");
  }
  for (const auto& [name, las] : s.world.regions) {
    if (las.empty()) problem("world.regions." + name, "a region needs at least one LA");
    for (int la : las)
      if (synthetic && la >= s.world.n_las)
        problem("world.regions." + name,
                "LA " + std::to_string(la) + " does not exist (world.n_las = " + std::to_string(s.world.n_las) + ")");
  }
  for (std::size_t i = 0; i < s.programmes.size(); ++i) {
    const auto& p = s.programmes[i];
    const std::string key = "programmes[" + std::to_string(i) + "]";
    if (p.end < p.start) problem(key + ".end", "must not be before start (" + std::to_string(p.start) + ")");
    if (p.close_at != 0 && (p.close_at <= p.start || p.close_at > p.end))
      problem(key + ".close_at", "must lie after start and no later than end (or be 0 for no early closure)");
    if (!p.region.empty() && !s.world.regions.count(p.region) && !s.world.region_rules.count(p.region))
      problem(key + ".region", "unknown region '" + p.region + "' (define it under world.regions)");
  }
  if (!problems.empty()) throw ConfigError(problems);
}

std::vector<std::string> warnings(const Scenario& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.programmes.size(); ++i) {
    const Programme& p = s.programmes[i];
    const std::string who = "programmes[" + std::to_string(i) + "] (" + p.name + "): ";
    if (p.start > s.run.terms)
      out.push_back(who + "starts in term " + std::to_string(p.start) + ", after the run's last term (run.terms = " +
                    std::to_string(s.run.terms) + "): it does nothing in this run");
    // The rule of models/funding.cpp programme_can_pay: a whole grant or nothing.
    if (p.grant_per_term <= 0 || p.budget < p.grant_per_term)
      out.push_back(who + "has no money (budget " + format_real(p.budget) + ", grant_per_term " +
                    format_real(p.grant_per_term) + "): without a whole grant a programme does nothing (MODEL.md 7.1)");
  }
  return out;
}

Scenario load_scenario_file(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  Scenario s = default_scenario();
  load_file_into(path, s, 0);
  apply_overrides(s, overrides);
  validate(s, path.string());
  return s;
}

Scenario read_scenario_file(const std::filesystem::path& path) {
  Scenario s = default_scenario();
  load_file_into(path, s, 0);
  return s;
}

Scenario load_scenario_text(const std::string& yaml, const std::string& source,
                            const std::vector<std::string>& overrides) {
  Scenario s = default_scenario();
  apply_document(parse_yaml(yaml, source), s, source);
  apply_overrides(s, overrides);
  validate(s, source);
  return s;
}

std::string to_yaml(const Scenario& s) {
  YAML::Node root(YAML::NodeType::Map);
  write_table(root, s, scenario_parameters());
  root["world"]["regions"] = YAML::Node(YAML::NodeType::Map);
  for (const auto& [name, las] : s.world.regions) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (int la : las) list.push_back(la);
    list.SetStyle(YAML::EmitterStyle::Flow);
    root["world"]["regions"][name] = list;
  }
  for (const auto& [name, rule] : s.world.region_rules)
    root["world"]["regions"][name] = YAML::Load(region_rule_text(rule));
  root["funding"]["changes"] = list_node(s.funding.changes, funding_change_parameters());
  root["practice"]["labour_changes"] = list_node(s.practice.labour_changes, labour_change_parameters());
  root["programmes"] = list_node(s.programmes, programme_parameters());
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

std::string parameters_markdown() {
  std::ostringstream md;
  auto table = [&](const auto& params, const std::string& prefix) {
    md << "| key | type | default | range | units | meaning |\n|---|---|---|---|---|---|\n";
    for (const auto& p : params) {
      using Root = typename std::decay_t<decltype(params)>::value_type::RootType;
      Root defaults{};
      if constexpr (std::is_same_v<Root, Scenario>) defaults = default_scenario();
      YAML::Emitter e;
      e << YAML::Flow << param_value(p, defaults);
      const std::string type = type_name(p);
      const bool numeric = type != "text" && type != "boolean" && type != "strategy";
      md << "| `" << prefix << p.key << "` | " << type << " | `" << e.c_str() << "` | "
         << (numeric ? range_text(p.min, p.max) : "") << " | " << p.units << " | " << p.doc << " |\n";
    }
  };
  md << "# Scenario parameters\n\nGenerated by `schoolsim params` from `sim/config/parameters.cpp`; "
        "do not edit by hand. Units \"1\" mean a ratio or count.\n\n## Scenario keys\n\n";
  table(scenario_parameters(), "");
  md << "\n## `world.regions`\n\nA mapping of region names to lists of LA indices, e.g. "
        "`greater_manchester: [0, 1, 2]`, or to a rule evaluated on the world, which means the same for "
        "every world seed and world file: `{rule: nearest, la: 0, count: 10}` (the 10 LAs whose centres, "
        "the mean positions of their schools, are nearest LA 0's, LA 0 included) or "
        "`{rule: most_disadvantaged, percentile: 80}` (the LAs above the 80th percentile of LA mean "
        "disadvantage: the most disadvantaged fifth). `schoolsim world describe` lists each LA's "
        "characteristics and the LAs of each region. Programmes name a region.\n";
  md << "\n## `programmes` (a list; each entry has these keys)\n\n"
        "One field of one entry is addressed by index or by name, in `--set` and sweeps: "
        "`programmes[0].budget`, `programmes[city_challenge].budget` (docs/sweeps.md, \"Key paths\").\n\n";
  table(programme_parameters(), "");
  md << "\n## `funding.changes` (a list; each entry has these keys)\n\n";
  table(funding_change_parameters(), "");
  md << "\n## `practice.labour_changes` (a list; each entry has these keys)\n\n";
  table(labour_change_parameters(), "");
  return md.str();
}

}  // namespace schoolsim::config
