// Azure CNI in node-subnet ("flat", legacy) mode with transparent endpoints
// (AKSDOCS concepts-network-legacy-cni, ip-address-planning): every pod takes a VNet address. Each
// node reserves maxPods addresses right after its own, so a node consumes maxPods + 1 subnet addresses.
// With a separate pod subnet (dynamic IP allocation) pods come from it in batches of 16 per node.
#include "models/scenario/aks_facts.hpp"
#include "models/cluster/plugin.hpp"
#include "models/cluster/plugin_transparent.hpp"
#include "models/net/ipam.hpp"

namespace cnisim::cluster {
namespace {

class AzureNodeSubnetPlugin final : public Plugin {
 public:
  PluginKind kind() const override { return PluginKind::AzureNodeSubnet; }
  std::string_view summary() const override {
    return "Azure CNI (node subnet, transparent mode): pods take VNet addresses; /32 host route per pod";
  }

  void assign_node_addresses(ClusterState& state) const override {
    if (state.spec.cluster.vnet.podSubnet) {
      assign_sequential_node_ips(state);
    } else {
      // Node i's block: its own IP, then maxPods pod IPs pre-allocated to it.
      net::AzureSubnetAllocator allocator(state.spec.cluster.vnet.nodeSubnet, "node and pod IPs");
      for (auto& node : state.nodes) {
        node.ip = allocator.allocate();
        allocator.allocate(node.maxPods);
      }
    }
    for (auto& node : state.nodes) node.podGateway = transparent_pod_gateway();
  }

  DeviceId add_node_devices(ClusterState& state, NodeIndex node) const override { return state.nodes[node].stack; }

  std::string host_veth_name(std::string_view ns, std::string_view pod) const override {
    return azure_cni_veth_name(ns, pod);
  }

  void assign_pod_addresses(ClusterState& state) const override {
    if (const auto& pod_subnet = state.spec.cluster.vnet.podSubnet) {
      assign_from_pod_subnet(state, *pod_subnet);
      return;
    }
    for (NodeIndex n = 0; n < state.nodes.size(); ++n) {
      std::uint32_t next = 1;  // node.ip + 1 is the first of its pre-allocated pod addresses
      for (PodIndex p : state.pods_on(n)) {
        if (state.spec.workloads[state.pods[p].workload].hostNetwork) continue;
        state.pods[p].ip = state.nodes[n].ip + next++;
      }
    }
  }

  void add_cloud_routes(const ClusterState&, net::RouteTable&) const override {}  // VNet-native: no UDRs

  void add_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel) const override {
    add_transparent_node_routes(state, node, kernel, *this);
  }

  void add_pod_routes(const ClusterState&, NodeIndex, net::RouteTable& pod) const override {
    add_transparent_pod_routes(pod);
  }

  std::string_view routes_basis() const override {
    return "documented: AKSDOCS concepts-network-legacy-cni (transparent mode, a /32 host route per pod)";
  }

  MasqueradePolicy masquerade(const ClusterState& state) const override {
    MasqueradePolicy p;
    p.enforcedBy = "ip-masq-agent (iptables MASQUERADE to the node IP)";
    p.basis = "documented: destinations in the VNet see the pod IP, outside the VNet the node IP";
    for (const auto& space : state.spec.cluster.vnet.addressSpace) {
      p.rules.push_back({space, SnatAction::KeepPodIp, "VNet address space"});
    }
    p.rules.push_back({net::Cidr(), SnatAction::ToNodeIp, "leaving the VNet"});
    return p;
  }

  std::uint64_t subnet_addresses_per_node(std::uint32_t max_pods) const override {
    return std::uint64_t{max_pods} + 1;
  }
  bool pod_cidr_per_node() const override { return false; }
  std::vector<NodeLimit> node_limits() const override {
    return {{aks::kMaxNodesPerCluster, "AKS nodes per cluster (LIMITS)"}};
  }

 private:
  static void assign_from_pod_subnet(ClusterState& state, const net::Cidr& pod_subnet) {
    // Dynamic IP allocation: a node takes a batch of 16 when it has fewer than 8 free (AKSDOCS).
    net::AzureSubnetAllocator allocator(pod_subnet, "pod IPs (pod subnet)");
    std::vector<std::vector<net::Ipv4>> free(state.nodes.size());
    for (auto& batch : free) batch = allocator.allocate(aks::kPodSubnetBatch);
    std::vector<std::size_t> used(state.nodes.size(), 0);
    for (auto& pod : state.pods) {
      if (state.spec.workloads[pod.workload].hostNetwork) continue;
      auto& pool = free[pod.node];
      pod.ip = pool[used[pod.node]++];
      if (pool.size() - used[pod.node] < aks::kPodSubnetLowWater) {
        const auto more = allocator.allocate(aks::kPodSubnetBatch);
        pool.insert(pool.end(), more.begin(), more.end());
      }
    }
  }
};

}  // namespace

std::shared_ptr<const Plugin> make_azure_node_subnet_plugin() { return std::make_shared<AzureNodeSubnetPlugin>(); }

}  // namespace cnisim::cluster
