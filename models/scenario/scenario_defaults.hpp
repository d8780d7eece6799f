#pragma once
// AKS's defaults for everything a scenario file leaves out (aks_facts.hpp has each value and its
// source). Defaulted fields get a mark with line 0, so ScenarioSpec::given() tells them apart.
#include <cstdint>

#include "models/scenario/scenario_spec.hpp"

namespace cnisim::scenario {

// Fills in defaults after parsing: Kubernetes version, plugin (by version), CIDRs, DNS IP, the
// AKS-managed VNet, a default node pool, pool fields, workload labels.
void apply_defaults(ScenarioSpec& spec);

// Re-resolves what depends on the plugin and was not given in the file: each pool's maxPods.
void apply_plugin_defaults(ScenarioSpec& spec);

// The maxPods AKS gives a pool of this cluster when none is set: kubenet 110, Azure CNI node subnet 30
// (pod subnet 110), overlay 250, cilium as its IP mode, none 110.
std::uint32_t default_max_pods(const ScenarioSpec& spec);

}  // namespace cnisim::scenario
