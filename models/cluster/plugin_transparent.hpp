#pragma once
// Pieces shared by the plugins built on Azure CNI's transparent endpoint mode (node subnet, overlay,
// and Cilium's per-endpoint routes): no bridge, a /32 host route per pod to its veth, and pods whose
// default gateway is the link-local 169.254.1.1 answered by the host side.
#include <string>
#include <string_view>

#include "models/cluster/plugin.hpp"

namespace cnisim::cluster {

net::Ipv4 transparent_pod_gateway();
// azv + 11 hex digits, as Azure CNI derives host veth names from a hash of the pod.
std::string azure_cni_veth_name(std::string_view pod_namespace, std::string_view pod_name);
// The node's base routes, then "<pod IP>/32 dev <host veth>" for every pod on it that is not hostNetwork.
void add_transparent_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel,
                                 const Plugin& plugin);
// Inside the pod: "default via 169.254.1.1 dev eth0" and "169.254.1.1 dev eth0 scope link".
void add_transparent_pod_routes(net::RouteTable& pod);

}  // namespace cnisim::cluster
