// Azure CNI powered by Cilium (AKSDOCS azure-cni-powered-by-cilium): addresses as its IP management
// mode (overlay by default, or the VNet with a pod subnet / node subnet), an eBPF dataplane that
// replaces kube-proxy, lxc veths routed by the node. As AKS configures it (its cilium-config): legacy
// host routing (packets cross the node's stack and its netfilter), socket-level load balancing off
// (bpf_lxc looks Services up per packet at the lxc), IPv4 masquerading by ip-masq-agent's iptables
// rules, not Cilium's. Node tables are modelled: a route per endpoint (enable-endpoint-routes).
#include "models/scenario/aks_facts.hpp"
#include "models/cluster/plugin.hpp"
#include "models/cluster/plugin_overlay.hpp"
#include "models/cluster/plugin_transparent.hpp"

namespace cnisim::cluster {

std::shared_ptr<const Plugin> make_azure_node_subnet_plugin();

namespace {

constexpr const char* kMasqueradeBy =
    "ip-masq-agent (iptables MASQUERADE; AKS turns Cilium's eBPF masquerading off)";

bool overlay_ipam(const ScenarioSpec& spec) {
  return spec.cluster.networkProfile.networkPluginMode == NetworkPluginMode::Overlay;
}

class CiliumPlugin final : public Plugin {
 public:
  PluginKind kind() const override { return PluginKind::Cilium; }
  std::string_view summary() const override {
    return "Cilium dataplane as AKS runs it: addresses as its IPAM mode (overlay by default); eBPF Services, "
           "conntrack and policy at each lxc, legacy host routing through the node's stack, ip-masq-agent";
  }

  void assign_node_addresses(ClusterState& state) const override {
    if (overlay_ipam(state.spec)) {
      assign_overlay_addresses(state);
    } else {
      vnet_ipam_->assign_node_addresses(state);
    }
  }
  DeviceId add_node_devices(ClusterState& state, NodeIndex node) const override { return state.nodes[node].stack; }
  std::string host_veth_name(std::string_view ns, std::string_view pod) const override {
    return "lxc" + stable_hex(std::string(ns) + "/" + std::string(pod), 12);  // Cilium: lxc + 12 hex digits
  }
  void assign_pod_addresses(ClusterState& state) const override {
    if (overlay_ipam(state.spec)) {
      assign_overlay_pod_addresses(state);
    } else {
      vnet_ipam_->assign_pod_addresses(state);
    }
  }
  void add_cloud_routes(const ClusterState& state, net::RouteTable& azure) const override {
    if (overlay_ipam(state.spec)) add_overlay_cloud_routes(state, azure);
  }
  void add_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel) const override {
    add_transparent_node_routes(state, node, kernel, *this);
  }
  void add_pod_routes(const ClusterState&, NodeIndex, net::RouteTable& pod) const override {
    add_transparent_pod_routes(pod);
  }
  std::string_view routes_basis() const override {
    return "modelled: per-endpoint /32 routes to lxc devices (Cilium enable-endpoint-routes); legacy host "
           "routing: the node's stack forwards (AKS's cilium-config)";
  }
  MasqueradePolicy masquerade(const ClusterState& state) const override {
    // AKS's cilium-config turns Cilium's own masquerading off (enable-ipv4-masquerade false); the
    // ip-masq-agent's iptables rules masquerade, as under Azure CNI.
    if (overlay_ipam(state.spec)) return overlay_masquerade(state, kMasqueradeBy);
    MasqueradePolicy p = vnet_ipam_->masquerade(state);
    p.enforcedBy = kMasqueradeBy;
    return p;
  }
  ServiceProxyMode service_proxy(const ScenarioSpec&) const override { return ServiceProxyMode::Ebpf; }

  // Planned with the default IP management mode, overlay.
  std::uint64_t subnet_addresses_per_node(std::uint32_t) const override { return 1; }
  bool pod_cidr_per_node() const override { return true; }
  std::vector<NodeLimit> node_limits() const override { return overlay_node_limits(); }

 private:
  std::shared_ptr<const Plugin> vnet_ipam_ = make_azure_node_subnet_plugin();
};

}  // namespace

std::shared_ptr<const Plugin> make_cilium_plugin() { return std::make_shared<CiliumPlugin>(); }

}  // namespace cnisim::cluster
