#include "sim/sweep/world_digest.hpp"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <sstream>
#include <type_traits>

#include "sim/sweep/hash.hpp"

namespace schoolsim::sweep {
namespace {

template <class T>
std::uint64_t digest_of(const std::vector<T>& values) {
  Fnv1a h;
  h.value(static_cast<std::uint64_t>(values.size()));
  if constexpr (std::is_same_v<T, std::string>) {
    for (const auto& v : values) h.text(v);
  } else {
    h.bytes(values.data(), values.size() * sizeof(T));
  }
  return h.digest();
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

}  // namespace

WorldDigest digest_world(const World& w, const std::string& source) {
  WorldDigest d;
  d.source = source;
  auto& v = d.variables;
  v.emplace_back("school_phase", digest_of(w.phase));
  v.emplace_back("school_la", digest_of(w.la));
  v.emplace_back("school_x", digest_of(w.x));
  v.emplace_back("school_y", digest_of(w.y));
  v.emplace_back("school_disadvantage", digest_of(w.disadvantage));
  v.emplace_back("school_places", digest_of(w.places));
  if (w.initial) {
    v.emplace_back("school_pupils", digest_of(w.initial->pupils));
    v.emplace_back("school_initial_grade", digest_of(w.initial->grade));
    v.emplace_back("school_academy", digest_of(w.initial->academy));
    v.emplace_back("school_trust", digest_of(w.initial->trust));
    v.emplace_back("school_initial_attainment", digest_of(w.initial->attainment_z));
  }
  if (w.labels) {
    v.emplace_back("school_urn", digest_of(w.labels->urn));
    v.emplace_back("school_name", digest_of(w.labels->name));
    v.emplace_back("la_code", digest_of(w.labels->la_code));
    v.emplace_back("la_name", digest_of(w.labels->la_name));
    v.emplace_back("la_region", digest_of(w.labels->la_region));
  }
  return d;
}

std::uint64_t WorldDigest::combined() const {
  Fnv1a h;
  h.text("schoolsim world digest 1");
  h.value(static_cast<std::uint64_t>(variables.size()));
  for (const auto& [name, digest] : variables) h.text(name), h.value(digest);
  return h.digest();
}

std::string WorldDigest::manifest_lines() const {
  std::string out;
  if (variables.empty()) return out;
  out += "world_source " + source + "\n";
  for (const auto& [name, digest] : variables) out += "world " + name + " " + hex(digest) + "\n";
  return out;
}

std::string WorldDigest::change_since(const std::string& manifest) const {
  std::map<std::string, std::string> before;
  std::string before_source;
  bool any = false;
  std::istringstream lines(manifest);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("world_source ", 0) == 0) {
      before_source = line.substr(13), any = true;
    } else if (line.rfind("world ", 0) == 0) {
      std::istringstream fields(line.substr(6));
      std::string name, digest;
      fields >> name >> digest;
      before[name] = digest, any = true;
    }
  }
  if (!any) return {};
  const std::string what = source.empty() ? "the sweep's world" : "world file " + source;
  if (before_source != source)
    return "the sweep's world changed since the sweep started (" +
           (before_source.empty() ? std::string("a synthetic world") : "world file " + before_source) + ", now " +
           (source.empty() ? std::string("a synthetic world") : "world file " + source) + ")";
  std::vector<std::string> changed;
  for (const auto& [name, digest] : variables) {
    const auto old = before.find(name);
    if (old == before.end() || old->second != hex(digest)) changed.push_back(name);
    if (old != before.end()) before.erase(old);
  }
  for (const auto& [name, digest] : before) changed.push_back(name);  // gone from the world
  if (changed.empty()) return {};
  std::string list;
  for (std::size_t k = 0; k < changed.size(); ++k) list += (k ? ", " : "") + changed[k];
  return what + " changed since the sweep started: " + list + (changed.size() == 1 ? " differs" : " differ");
}

}  // namespace schoolsim::sweep
