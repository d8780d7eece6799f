#pragma once
// Pieces shared by the plugins that put pods behind a Linux bridge on a /24 per node (kubenet's cbr0,
// and the generic bring-your-own CNI model): the bridge holds the range's first host address and is
// the pods' default gateway; host veths are named veth + 8 hex digits as the bridge CNI plugin does.
#include <string>
#include <string_view>

#include "models/cluster/plugin.hpp"

namespace cnisim::cluster {

// Node IPs from the subnet, a /24 per node, and the bridge address (.1) as the pods' gateway.
void assign_bridged_node_addresses(ClusterState& state);
// Adds the node's bridge device linked to its stack; returns it (pods' veths attach here).
DeviceId add_bridge_device(ClusterState& state, NodeIndex node);
std::string bridge_veth_name(std::string_view pod_namespace, std::string_view pod_name);
// Inside the pod: "default via <bridge address> dev eth0" and the node's /24 on eth0.
void add_bridged_pod_routes(const ClusterState& state, NodeIndex node, net::RouteTable& pod);

}  // namespace cnisim::cluster
