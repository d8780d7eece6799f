#pragma once
// The path of one typical cross-node packet, for the report: a request from a client pod of the
// scenario's first chatty traffic item to a server pod on another node, sent traced through its own
// cluster, network and simulator, and told hop by hop in words.
#include <string>
#include <vector>

#include "models/scenario/scenario_spec.hpp"
#include "models/workload/scenario_run.hpp"

namespace cnisim::cli {

// One line per hop: "<device> (<kind>) t=<in>..<out> us: <what it did>". Empty when the cluster has
// no two pods on different nodes. spec must already carry the variant's plugin and kube-proxy mode.
std::vector<std::string> typical_cross_node_path(const scenario::ScenarioSpec& spec, const workload::RunOptions& options);

}  // namespace cnisim::cli
