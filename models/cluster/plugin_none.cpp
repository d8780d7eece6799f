// networkPlugin none (bring your own CNI): AKS installs no CNI, so what the pods get is the CNI the
// scenario describes in cluster.byoCni (docs/byo-cni.md; facts in models/scenario/byo_cni_facts.hpp):
// - flannel: a /24 of podCidr per node behind the cni0 bridge (host-local addresses from .2), other
//   nodes' ranges via flannel.1 (VXLAN), the gateway being each range's .0 (flannel.1's address);
// - calico: routed cali* veths (pods' gateway 169.254.1.1, a /32 route per pod), other nodes' ranges via
//   vxlan.calico (gateway: the node's tunnel address, its range's .0) or tunl0 (gateway: the node's IP);
// - cilium: routed lxc* veths with a /32 route per pod, the whole pod CIDR via cilium_vxlan (Cilium's
//   tunnel map finds the node).
// With encapsulation none, other nodes' ranges take the default route to the VNet, which needs one
// user-defined route per node in the node subnet's route table, as Calico's Azure guide says to create:
// the model adds them (kubenet's routes, named "byo-<node>").
// Without byoCni, a generic overlay stands in so that the views still show something; traffic is refused.
#include "models/cluster/plugin.hpp"
#include "models/cluster/plugin_bridge.hpp"
#include "models/cluster/plugin_transparent.hpp"
#include "models/scenario/aks_facts.hpp"
#include "models/scenario/byo_cni_facts.hpp"

namespace cnisim::cluster {
namespace {

namespace byo = scenario::byo;
using scenario::ByoCni;
using scenario::Encapsulation;

constexpr std::string_view kGenericBridge = "cni0";      // bridge CNI plugin default name
constexpr std::string_view kGenericOverlay = "overlay0";  // modelled encapsulating device
constexpr std::uint64_t kTunnelHostIndex = 0;             // flannel.1 / vxlan.calico's address: the range's .0
constexpr std::uint64_t kRoutedFirstPodHostIndex = 1;     // Calico: pods from .1 (the gateway is link-local)


class NoPlugin final : public Plugin {
 public:
  // The CNI it models (plugin_for(spec) makes one per cluster); none: the generic stand-in.
  explicit NoPlugin(std::optional<scenario::ByoCniSpec> cni) : cni_(cni) {}

  PluginKind kind() const override { return PluginKind::None; }
  std::string_view summary() const override {
    if (!cni_) return "none (bring your own CNI): no CNI described, modelled as a generic overlay behind a bridge";
    switch (cni_->name) {
      case ByoCni::Flannel:
        return "none + flannel (bring your own CNI): cni0 bridge, a /24 per node, VXLAN (flannel.1) between nodes";
      case ByoCni::Calico:
        return cni_->encapsulation == Encapsulation::Vxlan ? "none + Calico (bring your own CNI): routed cali veths, VXLAN (vxlan.calico) between nodes"
               : cni_->encapsulation == Encapsulation::Ipip ? "none + Calico (bring your own CNI): routed cali veths, IPIP (tunl0) between nodes"
                                                             : "none + Calico (bring your own CNI): routed cali veths, no encapsulation (Azure UDRs)";
      case ByoCni::Cilium:
        return cni_->encapsulation == Encapsulation::Vxlan ? "none + Cilium (bring your own CNI): routed lxc veths, VXLAN (cilium_vxlan) between nodes"
                                                            : "none + Cilium (bring your own CNI): routed lxc veths, native routing (Azure UDRs)";
    }
    return "none";
  }
  void assign_node_addresses(ClusterState& state) const override {
    assign_bridged_node_addresses(state);
    if (routed()) {
      for (auto& node : state.nodes) node.podGateway = transparent_pod_gateway();
    }
  }
  DeviceId add_node_devices(ClusterState& state, NodeIndex node) const override {
    const Encapsulation e = cni_ ? cni_->encapsulation : Encapsulation::None;
    if (e != Encapsulation::None) {
      const DeviceId tunnel =
          state.add_device(e == Encapsulation::Vxlan ? DeviceKind::VxlanDevice : DeviceKind::IpipDevice, node);
      state.add_link(tunnel, state.nodes[node].stack, LinkKind::TunnelToHost);
      state.nodes[node].tunnel = tunnel;
    }
    return routed() ? state.nodes[node].stack : add_bridge_device(state, node);
  }
  std::string_view bridge_name() const override {
    if (!cni_) return kGenericBridge;
    return byo::facts(cni_->name).bridge;
  }
  std::string_view tunnel_name() const override {
    if (!cni_ || cni_->encapsulation == Encapsulation::None) return {};
    const auto& f = byo::facts(cni_->name);
    return cni_->encapsulation == Encapsulation::Ipip ? f.ipip_device : f.vxlan_device;
  }
  std::string host_veth_name(std::string_view ns, std::string_view pod) const override {
    if (!cni_) return bridge_veth_name(ns, pod);
    const auto& f = byo::facts(cni_->name);
    return std::string(f.veth_prefix) + stable_hex(std::string(ns) + "/" + std::string(pod), f.veth_hex);
  }
  void assign_pod_addresses(ClusterState& state) const override {
    const bool calico = cni_ && cni_->name == ByoCni::Calico;
    assign_pod_ips_from_node_cidr(state, calico ? kRoutedFirstPodHostIndex : aks::kKubenetFirstPodHostIndex);
  }
  void add_cloud_routes(const ClusterState& state, net::RouteTable& azure) const override {
    if (!cni_ || cni_->encapsulation != Encapsulation::None) return;
    // The user-defined routes native routing needs in the node subnet's route table, one per node, as
    // for kubenet (Calico's Azure guide: "Create an Azure route table and associate it with the VMs subnet").
    for (const auto& node : state.nodes) {
      net::Route r;
      r.prefix = *node.podCidr;
      r.next_hop = net::NextHop{net::NextHopType::VirtualAppliance, node.ip, {}};
      r.source = net::RouteSource::User;
      r.name = "byo-" + node.name;
      azure.insert(r);
    }
  }
  void add_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel) const override {
    if (!cni_) {
      add_azure_node_base_routes(state, node, kernel);
      kernel.insert(kernel_route(state.spec.cluster.networkProfile.podCidr, std::string(kGenericOverlay), {}, 0,
                                 "other nodes' pods through the overlay (modelled)"));
      kernel.insert(kernel_route(*state.nodes[node].podCidr, std::string(kGenericBridge), {}, 0,
                                 "node pod CIDR on the bridge (connected)"));
      return;
    }
    if (routed()) {
      add_transparent_node_routes(state, node, kernel, *this);
    } else {
      add_azure_node_base_routes(state, node, kernel);
      kernel.insert(kernel_route(*state.nodes[node].podCidr, std::string(bridge_name()), {}, 0,
                                 "node pod CIDR on the bridge (connected)"));
    }
    const Encapsulation e = cni_->encapsulation;
    if (e == Encapsulation::None) return;  // other nodes' pods: the default route, then the Azure UDRs
    const std::string tunnel(tunnel_name());
    if (cni_->name == ByoCni::Cilium) {
      kernel.insert(kernel_route(state.spec.cluster.networkProfile.podCidr, tunnel, {}, 0,
                                 "other nodes' pods: cilium_vxlan, the node found in Cilium's tunnel map (modelled)"));
      return;
    }
    for (NodeIndex m = 0; m < state.nodes.size(); ++m) {
      if (m == node) continue;
      const auto& other = state.nodes[m];
      const net::Ipv4 via = e == Encapsulation::Ipip ? other.ip : other.podCidr->nth(kTunnelHostIndex);
      kernel.insert(kernel_route(*other.podCidr, tunnel, via, 0, other.name + "'s pods through the tunnel (onlink)"));
    }
  }
  void add_pod_routes(const ClusterState& state, NodeIndex node, net::RouteTable& pod) const override {
    if (routed()) {
      add_transparent_pod_routes(pod);
    } else {
      add_bridged_pod_routes(state, node, pod);
    }
  }
  std::string_view routes_basis() const override {
    if (!cni_) return "modelled: generic overlay for a bring-your-own CNI (AKS installs none)";
    switch (cni_->name) {
      case ByoCni::Flannel:
        return "documented: flannel's vxlan backend (a route per node's /24 via its .0 on flannel.1, cni0 bridge)";
      case ByoCni::Calico:
        return "documented: Calico's routes (a /32 per local pod to its cali veth, other nodes' blocks via the tunnel); "
               "modelled: one /24 block per node";
      case ByoCni::Cilium:
        return "modelled: Cilium's endpoint routes, the pod CIDR via cilium_vxlan (Cilium resolves the node in eBPF)";
    }
    return "";
  }
  MasqueradePolicy masquerade(const ClusterState& state) const override {
    MasqueradePolicy p;
    if (!cni_) {
      p.enforcedBy = "the user's CNI (modelled as iptables MASQUERADE)";
      p.basis = "modelled: generic overlay, SNAT when leaving the pod CIDR";
    } else {
      const std::string name(byo::facts(cni_->name).name);
      p.enforcedBy = cni_->name == ByoCni::Flannel  ? "flannel --ip-masq (iptables MASQUERADE)"
                     : cni_->name == ByoCni::Calico ? "Calico natOutgoing on its IP pool (iptables MASQUERADE)"
                                                    : "Cilium enable-ipv4-masquerade (iptables MASQUERADE)";
      p.basis = "documented: " + name + " masquerades pod traffic leaving the pod CIDR to the node's address";
    }
    p.rules.push_back({state.spec.cluster.networkProfile.podCidr, SnatAction::KeepPodIp, "pod CIDR"});
    p.rules.push_back({net::Cidr(), SnatAction::ToNodeIp, "leaving the pod CIDR"});
    return p;
  }
  std::uint64_t subnet_addresses_per_node(std::uint32_t) const override { return 1; }
  bool pod_cidr_per_node() const override { return true; }
  std::vector<NodeLimit> node_limits() const override {
    if (cni_ && cni_->encapsulation == Encapsulation::None) {
      return {{aks::kKubenetMaxNodes, "Azure route table: 400 routes, one UDR per node (LIMITS)"},
              {aks::kMaxNodesPerCluster, "AKS nodes per cluster (LIMITS)"}};
    }
    return {{aks::kMaxNodesPerCluster, "AKS nodes per cluster (LIMITS)"}};
  }

 private:
  bool routed() const { return cni_ && cni_->name != ByoCni::Flannel; }
  std::optional<scenario::ByoCniSpec> cni_;
};

}  // namespace

std::shared_ptr<const Plugin> make_none_plugin() { return std::make_shared<NoPlugin>(std::nullopt); }
std::shared_ptr<const Plugin> make_byo_cni_plugin(const scenario::ByoCniSpec& cni) {
  return std::make_shared<NoPlugin>(cni);
}

}  // namespace cnisim::cluster
