#pragma once
// The one "did you mean" of the configuration front end: scenario keys, --set keys, list
// entry names, sweep spec keys and parameters, target ids and keys of targets files.
#include <cstddef>
#include <string>
#include <vector>

namespace schoolsim::config {

/// Levenshtein edit distance.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// The entry of `known` closest to `key`, or "" when none is close: within an edit distance of
/// max(2, length / 4); a known key with the same last name after a '.' counts as distance 1
/// ("brokering.p_self" -> "self_organised.p_self"), one that `key` (3 characters or more)
/// begins as distance 2 ("grant" -> "grant_per_term"). Ties go to the earlier entry. Keys of
/// more than 100 characters get no suggestion (a pasted paragraph or binary data).
std::string closest_key(const std::string& key, const std::vector<std::string>& known);

/// " (did you mean 'X'?)" for closest_key(key, known), or "" (for a suggestion inside a
/// longer message; a Problem keeps the name in its `suggestion` field instead).
std::string did_you_mean(const std::string& key, const std::vector<std::string>& known);

}  // namespace schoolsim::config
