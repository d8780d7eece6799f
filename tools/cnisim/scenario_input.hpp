#pragma once
// The options every subcommand that reads a scenario shares: -f FILE and --plugin P.
#include <string>

#include "models/scenario/scenario_spec.hpp"
#include "tools/cnisim/subcommand.hpp"

namespace cnisim::cli {

// Adds -f/--file and --plugin.
void add_scenario_options(po::options_description& options);
// Adds --strict and --profile (for the commands that run traffic: run, compare, trace).
void add_strict_option(po::options_description& options);
// The default scenario: $CNISIM_SCENARIOS/seed-walkthrough.yaml, else the source tree's scenarios/.
std::string default_scenario_path();
// Loads -f (or the default) and applies --plugin and --profile when given. For commands that run traffic, prints the
// scenario's warnings (settings accepted but not modelled in the data path) to stderr, or with --strict
// throws them as errors. Throws ScenarioError or UsageError.
scenario::ScenarioSpec load_scenario(const po::variables_map& vm, bool runs_traffic = false);

}  // namespace cnisim::cli
