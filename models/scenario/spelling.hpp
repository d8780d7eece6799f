#pragma once
// "Did you mean ...?" for unknown keys and enum values.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cnisim::scenario {

// Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours), ignoring case.
// Gives up past max_distance (returns max_distance + 1) so long garbage keys cost little.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t max_distance);

// The closest candidate if it is close enough to be a plausible typo (at most 1 edit for short words,
// up to a third of the word's length for longer ones), else nullopt.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

// "a, b or c" for expected-value lists.
std::string one_of(std::span<const std::string_view> names);

}  // namespace cnisim::scenario
