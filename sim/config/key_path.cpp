#include "sim/config/key_path.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "sim/config/input_text.hpp"
#include "sim/config/did_you_mean.hpp"

namespace schoolsim::config {
namespace {

bool all_digits(const std::string& t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// "" when every '.'-separated name of `key` is non-empty.
std::string dotted_problem(const std::string& key) {
  if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos)
    return "empty name in key '" + shortened(key) + "'";
  return "";
}

std::string entries(std::size_t n, const std::string& list) {
  return std::to_string(n) + " " + list + (n == 1 ? " entry" : " entries");
}

template <class Item>
std::string resolve_in(const KeyPath& path, const std::vector<Item>& items, const ParamTable<Item>& table, bool named,
                       const std::string& owner, EntryKey& out) {
  const auto found =
      std::find_if(table.begin(), table.end(), [&](const Param<Item>& p) { return p.key == path.field; });
  if (path.field.empty()) return "name a key of the entry, e.g. " + path.list + "[0]." + table.back().key;
  if (found == table.end()) {
    std::vector<std::string> known;
    for (const auto& p : table) known.push_back(p.key);
    return "unknown key '" + shortened(path.field) + "' of " + path.list + " entries" + did_you_mean(path.field, known);
  }
  std::size_t index = std::numeric_limits<std::size_t>::max();
  if (all_digits(path.selector)) {
    // An index too large for size_t cannot exist either.
    std::from_chars(path.selector.data(), path.selector.data() + path.selector.size(), index);
    if (index >= items.size()) {
      if (items.empty())
        return owner + " has no " + path.list + " entries, so " + path.list + "[" + shortened(path.selector) +
               "] does not exist";
      return owner + " has " + entries(items.size(), path.list) + ", so " + path.list + "[" + shortened(path.selector) +
             "] does not exist (" +
             (items.size() == 1
                  ? "the only entry is " + path.list + "[0]"
                  : "entries are " + path.list + "[0] to " + path.list + "[" + std::to_string(items.size() - 1) + "]") +
             ")";
    }
  } else if (!named) {
    return path.list + " entries have no names: address one by its index, e.g. " + path.list + "[0]";
  } else {
    std::vector<std::string> names;
    std::vector<std::size_t> matches;
    for (std::size_t k = 0; k < items.size(); ++k) {
      if constexpr (std::is_same_v<Item, Programme>) {
        names.push_back(items[k].name);
        if (items[k].name == path.selector) matches.push_back(k);
      }
    }
    if (matches.size() > 1)
      return std::to_string(matches.size()) + " " + path.list + " entries are named '" + path.selector + "' (" +
             path.list + "[" + std::to_string(matches[0]) + "] and " + path.list + "[" + std::to_string(matches[1]) +
             "]): address one by its index";
    if (matches.empty()) {
      std::string listed;
      for (std::size_t k = 0; k < names.size() && k < 10; ++k) listed += (k ? ", " : "") + names[k];
      if (names.size() > 10) listed += ", ...";
      return "no " + path.list + " entry is named '" + shortened(path.selector) + "'" +
             did_you_mean(path.selector, names) +
             (names.empty() ? "; " + owner + " has no " + path.list + " entries" : "; names: " + listed);
    }
    index = matches[0];
  }
  out.list = path.list;
  out.index = index;
  out.field = path.field;
  out.canonical = path.list + "[" + std::to_string(index) + "]." + path.field;
  out.param = &*found;
  return "";
}

}  // namespace

std::string parse_key_path(const std::string& text, KeyPath& out) {
  out = KeyPath{};
  out.text = text;
  const auto open = text.find('[');
  if (open == std::string::npos) {
    if (text.find(']') != std::string::npos) return "']' without '[' in key '" + shortened(text) + "'";
    out.field = text;
    return dotted_problem(text);
  }
  out.list = text.substr(0, open);
  if (out.list.empty()) return "a '[' needs the name of a list before it, e.g. programmes[0].budget";
  if (const std::string why = dotted_problem(out.list); !why.empty()) return why;
  const auto close = text.find(']', open);
  if (close == std::string::npos) return "no ']' closes the '[' after '" + shortened(out.list) + "'";
  out.selector = text.substr(open + 1, close - open - 1);
  if (out.selector.empty()) return "empty index or name in '" + shortened(out.list) + "[]'";
  const std::string rest = text.substr(close + 1);
  if (rest.empty()) return "";
  if (rest.front() != '.') return "expected '.' after '" + shortened(text.substr(0, close + 1)) + "'";
  out.field = rest.substr(1);
  if (out.field.find_first_of("[]") != std::string::npos)
    return "only one list entry can be addressed in a key ('" + shortened(text) + "')";
  return dotted_problem(out.field);
}

std::string resolve_entry(const KeyPath& path, const Scenario& s, EntryKey& out, const std::string& owner) {
  if (path.list == "programmes") return resolve_in(path, s.programmes, programme_parameters(), true, owner, out);
  if (path.list == "funding.changes")
    return resolve_in(path, s.funding.changes, funding_change_parameters(), false, owner, out);
  if (path.list == "practice.labour_changes")
    return resolve_in(path, s.practice.labour_changes, labour_change_parameters(), false, owner, out);
  // Appended, not "'" + ...: GCC 12 warns of a false memcpy overlap (-Wrestrict) otherwise.
  std::string why = "'";
  why += shortened(path.list);
  why += "' is not a list (lists: programmes, funding.changes, practice.labour_changes)";
  return why;
}

std::string parameter_type(const std::string& text, const Scenario& s) {
  KeyPath path;
  if (!parse_key_path(text, path).empty()) return "";
  if (path.entry()) {
    EntryKey key;
    if (!resolve_entry(path, s, key).empty()) return "";
    return std::visit([](const auto* param) { return type_name(*param); }, key.param);
  }
  const auto& table = scenario_parameters();
  const auto found = std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.key == text; });
  return found == table.end() ? "" : type_name(*found);
}

std::string canonical_key(const std::string& text, const Scenario& s) {
  KeyPath path;
  EntryKey key;
  if (!parse_key_path(text, path).empty() || !path.entry() || !resolve_entry(path, s, key).empty()) return text;
  return key.canonical;
}

}  // namespace schoolsim::config
