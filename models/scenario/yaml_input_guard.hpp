#pragma once
// Defences that run before and right after yaml-cpp parses a scenario, so that hostile or broken input
// (binary data, huge files, deep nesting, alias bombs, alias cycles) fails fast with a clear message
// instead of crashing, hanging or eating memory.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <optional>
#include <string_view>

#include "models/scenario/diagnostics.hpp"

namespace cnisim::scenario {

struct InputLimits {
  // A real scenario is a few KiB. yaml-cpp parses dense YAML at about 1.5 MiB/s, so this bound keeps
  // the worst file well under the one-second budget.
  std::size_t max_bytes = std::size_t{512} << 10;
  int max_depth = 64;                 // the schema needs 5 levels; data-path sections a few more
  std::uint64_t max_nodes = 200'000;  // counted with aliases expanded
};

// What an input file is, for messages: "scenario" or "cost profile", and what to do when it is too big.
struct InputKind {
  std::string_view noun;      // "scenario"
  std::string_view too_big_hint;
};
inline constexpr InputKind kScenarioInput{
    "scenario", "describe nodes by pool (count: 400) rather than one by one; a real scenario is a few KiB"};
inline constexpr InputKind kProfileInput{"cost profile",
                                         "a profile has about fifty numbers; a real one is a few KiB"};

// The diagnostic for an input of `bytes` bytes, over the limit.
Diagnostic too_big_diagnostic(const std::string& file, std::uintmax_t bytes, const InputLimits& limits,
                              const InputKind& kind = kScenarioInput);

// Reads a whole input file without ever blocking or reading without bound: it is opened
// non-blocking and must be a regular file (a FIFO, a device such as /dev/zero or a directory is
// refused before a byte is read), and at most one byte past the size limit is read. On a problem,
// adds a diagnostic at `named_at` (where the file was named, e.g. costs.profile) or at the file itself,
// and returns nullopt.
std::optional<std::string> read_input_file(const std::string& path, const InputLimits& limits, const InputKind& kind,
                                           DiagnosticSink& sink, const Diagnostic* named_at = nullptr);

// Checks the text, parses it (one YAML document only: a second `---` document is refused at its
// separator) and measures the tree. Returns nullopt after adding diagnostics.
std::optional<YAML::Node> parse_guarded_yaml(std::string_view text, const std::string& file,
                                             const InputLimits& limits, const InputKind& kind,
                                             DiagnosticSink& sink);

// Checks the raw text: size, NUL bytes and invalid UTF-8 (binary input), nesting of flow collections.
// Returns false (after adding a diagnostic) when the text must not be handed to the parser.
bool check_scenario_text(std::string_view text, const std::string& file, const InputLimits& limits,
                         DiagnosticSink& sink, const InputKind& kind = kScenarioInput);

// Measures the parsed document as a reader following every alias would see it (node count and depth)
// and reports the first value past the limits: alias bombs, alias cycles such as `&a [*a]`.
bool check_scenario_tree(const YAML::Node& root, const std::string& file, const InputLimits& limits,
                         DiagnosticSink& sink);

}  // namespace cnisim::scenario
