// Azure CNI Overlay (AKSDOCS concepts-network-azure-cni-overlay): nodes on the VNet subnet, pods on a
// private /24 of the pod CIDR per node, routed by Azure's own routing domain (no UDRs, no
// encapsulation). The docs do not show the node's tables; the transparent-mode layout Azure CNI uses
// elsewhere (/32 per pod, 169.254.1.1 in the pod) is assumed and labelled as modelled.
#include "models/scenario/aks_facts.hpp"
#include "models/cluster/plugin.hpp"
#include "models/cluster/plugin_overlay.hpp"
#include "models/cluster/plugin_transparent.hpp"

namespace cnisim::cluster {

// Modelled: the docs do not say which address of the node's /24 the first pod gets; the first host.
constexpr std::uint64_t kOverlayFirstPodHostIndex = 1;

void assign_overlay_addresses(ClusterState& state) {
  assign_sequential_node_ips(state);
  assign_node_pod_cidrs(state);
  for (auto& node : state.nodes) node.podGateway = transparent_pod_gateway();
}

void assign_overlay_pod_addresses(ClusterState& state) {
  assign_pod_ips_from_node_cidr(state, kOverlayFirstPodHostIndex);
}

void add_overlay_cloud_routes(const ClusterState& state, net::RouteTable& azure) {
  // Not user routes: Azure's routing domain knows each node's pod range. Shown as system routes so
  // that the VNet router delivers pod traffic to the right node, and labelled as a model.
  for (const auto& node : state.nodes) {
    net::Route r;
    r.prefix = *node.podCidr;
    r.next_hop = net::NextHop{net::NextHopType::VnetLocal, node.ip, {}};
    r.source = net::RouteSource::System;
    r.name = "overlay " + node.name + " (modelled: Azure routing domain)";
    azure.insert(r);
  }
}

MasqueradePolicy overlay_masquerade(const ClusterState& state, std::string enforced_by) {
  MasqueradePolicy p;
  p.enforcedBy = std::move(enforced_by);
  p.basis = "documented: any destination outside the pod CIDR sees the node IP";
  p.rules.push_back({state.spec.cluster.networkProfile.podCidr, SnatAction::KeepPodIp, "pod CIDR"});
  p.rules.push_back({net::Cidr(), SnatAction::ToNodeIp, "leaving the pod CIDR"});
  return p;
}

std::vector<NodeLimit> overlay_node_limits() {
  return {{aks::kOverlayMaxNodes, "Azure CNI Overlay: 5,000 nodes (AKSDOCS concepts-network-azure-cni-overlay)"},
          {aks::kMaxNodesPerCluster, "AKS nodes per cluster (LIMITS)"}};
}

namespace {

class AzureOverlayPlugin final : public Plugin {
 public:
  PluginKind kind() const override { return PluginKind::AzureOverlay; }
  std::string_view summary() const override {
    return "Azure CNI Overlay: pods on a private /24 per node, routed by Azure's routing domain; no UDRs";
  }
  void assign_node_addresses(ClusterState& state) const override { assign_overlay_addresses(state); }
  DeviceId add_node_devices(ClusterState& state, NodeIndex node) const override { return state.nodes[node].stack; }
  std::string host_veth_name(std::string_view ns, std::string_view pod) const override {
    return azure_cni_veth_name(ns, pod);
  }
  void assign_pod_addresses(ClusterState& state) const override { assign_overlay_pod_addresses(state); }
  void add_cloud_routes(const ClusterState& state, net::RouteTable& azure) const override {
    add_overlay_cloud_routes(state, azure);
  }
  void add_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel) const override {
    add_transparent_node_routes(state, node, kernel, *this);
  }
  void add_pod_routes(const ClusterState&, NodeIndex, net::RouteTable& pod) const override {
    add_transparent_pod_routes(pod);
  }
  std::string_view routes_basis() const override {
    return "modelled: the docs show no node tables; Azure CNI's transparent layout (/32 per pod) is assumed";
  }
  MasqueradePolicy masquerade(const ClusterState& state) const override {
    return overlay_masquerade(state, "ip-masq-agent (iptables MASQUERADE to the node IP)");
  }
  std::uint64_t subnet_addresses_per_node(std::uint32_t) const override { return 1; }
  bool pod_cidr_per_node() const override { return true; }
  std::vector<NodeLimit> node_limits() const override { return overlay_node_limits(); }
};

}  // namespace

std::shared_ptr<const Plugin> make_azure_overlay_plugin() { return std::make_shared<AzureOverlayPlugin>(); }

}  // namespace cnisim::cluster
