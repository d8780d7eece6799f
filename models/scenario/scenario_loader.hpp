#pragma once
// Loading a scenario: read, guard, parse (yaml-cpp), apply AKS defaults, add the system workloads
// AKS runs, validate. Any problem throws ScenarioError with every diagnostic found in the file.
// The file format: docs/scenario-format.md.
#include <string>
#include <string_view>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::scenario {

ScenarioSpec load_scenario_file(const std::string& path);
// name stands in for the file name in marks and messages.
ScenarioSpec load_scenario_string(std::string_view yaml, std::string name);

// Runs the same cluster under another plugin: rewrites networkPlugin, networkPluginMode and
// networkDataplane (kubenet | azure = node subnet | overlay | cilium = Azure CNI overlay with the
// cilium dataplane | none), re-resolves what depends on the plugin and the file did not set (each
// pool's maxPods, the system workloads; the policy engine: cilium under the cilium dataplane, calico
// for policies elsewhere, none for cilium's without policies), and
// validates again: throws ScenarioError if the cluster does not fit the new plugin (e.g. kubenet
// with a Windows pool).
void apply_plugin(ScenarioSpec& spec, PluginKind kind);

}  // namespace cnisim::scenario
