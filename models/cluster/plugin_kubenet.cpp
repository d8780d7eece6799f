// kubenet (AKSDOCS configure-kubenet): nodes on the VNet subnet, pods on a /24 of the pod CIDR per
// node behind the cbr0 bridge, and one user-defined route per node in the cluster's route table.
#include "models/scenario/aks_facts.hpp"
#include "models/cluster/plugin.hpp"
#include "models/cluster/plugin_bridge.hpp"

namespace cnisim::cluster {
namespace {

class KubenetPlugin final : public Plugin {
 public:
  PluginKind kind() const override { return PluginKind::Kubenet; }
  std::string_view summary() const override {
    return "kubenet: pods on a /24 of the pod CIDR per node behind cbr0; one Azure UDR per node";
  }

  void assign_node_addresses(ClusterState& state) const override { assign_bridged_node_addresses(state); }
  DeviceId add_node_devices(ClusterState& state, NodeIndex node) const override {
    return add_bridge_device(state, node);
  }
  std::string_view bridge_name() const override { return aks::kKubenetBridge; }
  std::string host_veth_name(std::string_view ns, std::string_view pod) const override {
    return bridge_veth_name(ns, pod);
  }

  void assign_pod_addresses(ClusterState& state) const override {
    assign_pod_ips_from_node_cidr(state, aks::kKubenetFirstPodHostIndex);
  }

  void add_cloud_routes(const ClusterState& state, net::RouteTable& azure) const override {
    // cloud-provider-azure CreateRoute: prefix = node's pod CIDR, VirtualAppliance via the node IP,
    // route name = node name (mapNodeNameToRouteName, single stack).
    for (const auto& node : state.nodes) {
      net::Route r;
      r.prefix = *node.podCidr;
      r.next_hop = net::NextHop{net::NextHopType::VirtualAppliance, node.ip, {}};
      r.source = net::RouteSource::User;
      r.name = node.name;
      azure.insert(r);
    }
  }

  void add_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel) const override {
    add_azure_node_base_routes(state, node, kernel);
    kernel.insert(kernel_route(*state.nodes[node].podCidr, std::string(aks::kKubenetBridge), {}, 0,
                               "node pod CIDR on the bridge (connected)"));
  }

  void add_pod_routes(const ClusterState& state, NodeIndex node, net::RouteTable& pod) const override {
    add_bridged_pod_routes(state, node, pod);
  }

  std::string_view routes_basis() const override {
    return "documented: AKSDOCS configure-kubenet (cbr0 bridge, a /24 per node, a UDR per node)";
  }

  MasqueradePolicy masquerade(const ClusterState& state) const override {
    const auto& spec = state.spec;
    MasqueradePolicy p;
    p.enforcedBy = "ip-masq-agent (iptables MASQUERADE to the node IP)";
    p.basis = "documented: not SNATed inside the pod CIDR and the cluster subnet; SNATed elsewhere";
    p.rules.push_back({spec.cluster.networkProfile.podCidr, SnatAction::KeepPodIp, "pod CIDR (non-masquerade CIDR)"});
    p.rules.push_back({spec.cluster.vnet.nodeSubnet, SnatAction::KeepPodIp, "cluster node subnet"});
    p.rules.push_back({net::Cidr(), SnatAction::ToNodeIp, "everything else: VNet resources and the internet"});
    return p;
  }

  std::uint64_t subnet_addresses_per_node(std::uint32_t) const override { return 1; }
  bool pod_cidr_per_node() const override { return true; }
  std::vector<NodeLimit> node_limits() const override {
    return {{aks::kKubenetMaxNodes, "Azure route table: 400 routes, one UDR per node (LIMITS; AKSDOCS configure-kubenet)"},
            {aks::kMaxNodesPerCluster, "AKS nodes per cluster (LIMITS)"}};
  }
};

}  // namespace

std::shared_ptr<const Plugin> make_kubenet_plugin() { return std::make_shared<KubenetPlugin>(); }

}  // namespace cnisim::cluster
