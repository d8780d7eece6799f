// networkPlugin none (bring your own CNI): AKS installs no CNI, so what the pods get depends on the
// user's choice. Modelled as a generic overlay: a /24 of podCidr per node behind a bridge (cni0,
// host-local addresses from .2) and the whole pod CIDR through an encapsulating device (overlay0).
// Everything here is labelled as modelled.
#include "models/scenario/aks_facts.hpp"
#include "models/cluster/plugin.hpp"
#include "models/cluster/plugin_bridge.hpp"

namespace cnisim::cluster {
namespace {

constexpr std::string_view kGenericBridge = "cni0";      // bridge CNI plugin default name
constexpr std::string_view kGenericOverlay = "overlay0";  // modelled encapsulating device

class NoPlugin final : public Plugin {
 public:
  PluginKind kind() const override { return PluginKind::None; }
  std::string_view summary() const override {
    return "none (bring your own CNI): modelled as a generic overlay, /24 per node behind a bridge";
  }
  void assign_node_addresses(ClusterState& state) const override { assign_bridged_node_addresses(state); }
  DeviceId add_node_devices(ClusterState& state, NodeIndex node) const override {
    return add_bridge_device(state, node);
  }
  std::string_view bridge_name() const override { return kGenericBridge; }
  std::string host_veth_name(std::string_view ns, std::string_view pod) const override {
    return bridge_veth_name(ns, pod);
  }
  void assign_pod_addresses(ClusterState& state) const override {
    assign_pod_ips_from_node_cidr(state, aks::kKubenetFirstPodHostIndex);
  }
  void add_cloud_routes(const ClusterState&, net::RouteTable&) const override {}
  void add_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel) const override {
    add_azure_node_base_routes(state, node, kernel);
    kernel.insert(kernel_route(state.spec.cluster.networkProfile.podCidr, std::string(kGenericOverlay), {}, 0,
                               "other nodes' pods through the overlay (modelled)"));
    kernel.insert(kernel_route(*state.nodes[node].podCidr, std::string(kGenericBridge), {}, 0,
                               "node pod CIDR on the bridge (connected)"));
  }
  void add_pod_routes(const ClusterState& state, NodeIndex node, net::RouteTable& pod) const override {
    add_bridged_pod_routes(state, node, pod);
  }
  std::string_view routes_basis() const override {
    return "modelled: generic overlay for a bring-your-own CNI (AKS installs none)";
  }
  MasqueradePolicy masquerade(const ClusterState& state) const override {
    MasqueradePolicy p;
    p.enforcedBy = "the user's CNI (modelled as iptables MASQUERADE)";
    p.basis = "modelled: generic overlay, SNAT when leaving the pod CIDR";
    p.rules.push_back({state.spec.cluster.networkProfile.podCidr, SnatAction::KeepPodIp, "pod CIDR"});
    p.rules.push_back({net::Cidr(), SnatAction::ToNodeIp, "leaving the pod CIDR"});
    return p;
  }
  std::uint64_t subnet_addresses_per_node(std::uint32_t) const override { return 1; }
  bool pod_cidr_per_node() const override { return true; }
  std::vector<NodeLimit> node_limits() const override {
    return {{aks::kMaxNodesPerCluster, "AKS nodes per cluster (LIMITS)"}};
  }
};

}  // namespace

std::shared_ptr<const Plugin> make_none_plugin() { return std::make_shared<NoPlugin>(); }

}  // namespace cnisim::cluster
