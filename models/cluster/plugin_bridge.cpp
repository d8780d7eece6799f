#include "models/cluster/plugin_bridge.hpp"

#include "models/scenario/aks_facts.hpp"

namespace cnisim::cluster {

void assign_bridged_node_addresses(ClusterState& state) {
  assign_sequential_node_ips(state);
  assign_node_pod_cidrs(state);
  for (auto& node : state.nodes) node.podGateway = node.podCidr->nth(aks::kKubenetBridgeHostIndex);
}

DeviceId add_bridge_device(ClusterState& state, NodeIndex node) {
  const DeviceId bridge = state.add_device(DeviceKind::Bridge, node);
  state.add_link(bridge, state.nodes[node].stack, LinkKind::BridgeToHost);
  return bridge;
}

std::string bridge_veth_name(std::string_view pod_namespace, std::string_view pod_name) {
  // The bridge CNI plugin picks veth + 8 random hex digits; a hash keeps the names stable here.
  return "veth" + stable_hex(std::string(pod_namespace) + "/" + std::string(pod_name), 8);
}

void add_bridged_pod_routes(const ClusterState& state, NodeIndex node, net::RouteTable& pod) {
  const auto& n = state.nodes[node];
  pod.insert(kernel_route(net::Cidr(), "eth0", n.podGateway, 0, "default via the bridge"));
  pod.insert(kernel_route(*n.podCidr, "eth0", {}, 0, "node pod CIDR (connected)"));
}

}  // namespace cnisim::cluster
