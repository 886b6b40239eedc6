// The one "did you mean" of the configuration front end.
#include <gtest/gtest.h>

#include "sim/config/did_you_mean.hpp"

namespace schoolsim::config {
namespace {

TEST(DidYouMean, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

TEST(DidYouMean, SuggestsTheClosestKnownKey) {
  const std::vector<std::string> known = {"brokering.w_gap", "brokering.slots_per_term", "self_organised.p_self",
                                          "grant_per_term", "run.terms"};
  EXPECT_EQ(did_you_mean("brokering.w_gapp", known), " (did you mean 'brokering.w_gap'?)");
  EXPECT_EQ(did_you_mean("run.termz", known), " (did you mean 'run.terms'?)");
  // The same last name under another group.
  EXPECT_EQ(did_you_mean("brokering.p_self", known), " (did you mean 'self_organised.p_self'?)");
  // The beginning of a key.
  EXPECT_EQ(did_you_mean("grant", known), " (did you mean 'grant_per_term'?)");
  EXPECT_EQ(closest_key("tolernce", {"value", "tolerance", "weight"}), "tolerance");
}

TEST(DidYouMean, SuggestsNothingFarOff) {
  EXPECT_EQ(did_you_mean("zzz", {"brokering.w_gap", "run.terms"}), "");
  EXPECT_EQ(closest_key(std::string(101, 'a'), {std::string(101, 'a')}), "");  // too long to compare
  EXPECT_EQ(did_you_mean("x", {}), "");
}

}  // namespace
}  // namespace schoolsim::config
