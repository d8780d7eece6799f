#pragma once
// The steps of Azure CNI Overlay, shared with Cilium when Cilium uses overlay IP management.
#include <string>
#include <vector>

#include "models/cluster/plugin.hpp"

namespace cnisim::cluster {

void assign_overlay_addresses(ClusterState& state);
void assign_overlay_pod_addresses(ClusterState& state);
void add_overlay_cloud_routes(const ClusterState& state, net::RouteTable& azure);
MasqueradePolicy overlay_masquerade(const ClusterState& state, std::string enforced_by);
std::vector<NodeLimit> overlay_node_limits();

}  // namespace cnisim::cluster
