#pragma once
// The path of one typical cross-node packet, for the report: a request from a client pod of the
// scenario's first chatty traffic item to a server pod on another node, sent traced through its own
// cluster, network and simulator, and told hop by hop in words.
#include <string>
#include <vector>

#include "models/scenario/scenario_spec.hpp"
#include "models/workload/scenario_run.hpp"

namespace cnisim::cli {

struct TypicalPath {
  // One line per hop: "<device> (<kind>) t=<in>..<out> us: <what it did>". Empty when the cluster has
  // no two pods on different nodes.
  std::vector<std::string> lines;
  // With draw: the topology with this path in red, as SVG drawn by Graphviz's dot (its XML preamble
  // and XLink namespace declaration removed, for inlining in HTML); else, or when it cannot be drawn,
  // empty and `not_drawn` says why.
  std::string svg;
  std::string not_drawn;
};

// Clusters larger than this are not drawn (Graphviz would take long and the picture be unreadable).
inline constexpr std::size_t kMaxDrawnDevices = 400;

// spec must already carry the variant's plugin and kube-proxy mode.
TypicalPath typical_cross_node_path(const scenario::ScenarioSpec& spec, const workload::RunOptions& options, bool draw);

}  // namespace cnisim::cli
