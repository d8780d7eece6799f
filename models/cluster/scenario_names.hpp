#pragma once
// The cluster model is built from a ScenarioSpec and speaks its vocabulary (PluginKind, KubeProxyMode,
// OsType, WorkloadSpec, the AKS facts in aks::): those names are visible in cnisim::cluster as they are.
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::cluster {
using namespace cnisim::scenario;
using scenario::to_string;  // beside cluster::to_string(DeviceKind), so cluster::to_string(plugin) works
}  // namespace cnisim::cluster
