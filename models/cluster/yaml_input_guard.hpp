#pragma once
// Defences that run before and right after yaml-cpp parses a scenario, so that hostile or broken input
// (binary data, huge files, deep nesting, alias bombs, alias cycles) fails fast with a clear message
// instead of crashing, hanging or eating memory.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "models/cluster/diagnostics.hpp"

namespace cnisim::cluster {

struct InputLimits {
  // A real scenario is a few KiB. yaml-cpp parses dense YAML at about 1.5 MiB/s, so this bound keeps
  // the worst file well under the one-second budget.
  std::size_t max_bytes = std::size_t{512} << 10;
  int max_depth = 64;                 // the schema needs 5 levels; data-path sections a few more
  std::uint64_t max_nodes = 200'000;  // counted with aliases expanded
};

// The diagnostic for a scenario of `bytes` bytes, over the limit.
Diagnostic too_big_diagnostic(const std::string& file, std::uintmax_t bytes, const InputLimits& limits);

// Checks the raw text: size, NUL bytes and invalid UTF-8 (binary input), nesting of flow collections.
// Returns false (after adding a diagnostic) when the text must not be handed to the parser.
bool check_scenario_text(std::string_view text, const std::string& file, const InputLimits& limits,
                         DiagnosticSink& sink);

// Measures the parsed document as a reader following every alias would see it (node count and depth)
// and reports the first value past the limits: alias bombs, alias cycles such as `&a [*a]`.
bool check_scenario_tree(const YAML::Node& root, const std::string& file, const InputLimits& limits,
                         DiagnosticSink& sink);

}  // namespace cnisim::cluster
