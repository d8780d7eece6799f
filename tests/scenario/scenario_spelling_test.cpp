#include <catch2/catch.hpp>

#include "models/scenario/spelling.hpp"

namespace cnisim::scenario {

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps, ignoring case") {
  CHECK(edit_distance("podCidr", "podCIDR", 5) == 0);
  CHECK(edit_distance("kubnet", "kubenet", 5) == 1);
  CHECK(edit_distance("nodePols", "nodePools", 5) == 1);
  CHECK(edit_distance("mdoe", "mode", 5) == 1);       // a swap is one edit
  CHECK(edit_distance("count", "replicas", 2) == 3);  // gave up past the limit
}

TEST_CASE("a suggestion is offered only for a plausible typo") {
  constexpr std::string_view keys[] = {"name", "count", "maxPods", "maxSurge"};
  CHECK(closest_match("maxpod", keys) == "maxPods");
  CHECK(closest_match("cout", keys) == "count");
  CHECK_FALSE(closest_match("colour", keys).has_value());
  CHECK(one_of(keys) == "name, count, maxPods or maxSurge");
}

}  // namespace cnisim::scenario
