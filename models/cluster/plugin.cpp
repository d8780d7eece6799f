#include "models/cluster/plugin.hpp"

#include <cstdio>
#include <stdexcept>

#include "models/scenario/aks_facts.hpp"
#include "models/cluster/pod_naming.hpp"
#include "models/net/ipam.hpp"

namespace cnisim::cluster {

ServiceProxyMode Plugin::service_proxy(const ScenarioSpec& spec) const {
  switch (spec.cluster.networkProfile.kubeProxyMode) {
    case KubeProxyMode::Iptables: return ServiceProxyMode::Iptables;
    case KubeProxyMode::Ipvs: return ServiceProxyMode::Ipvs;
    case KubeProxyMode::Nftables: return ServiceProxyMode::Nftables;
  }
  return ServiceProxyMode::Iptables;
}

void assign_sequential_node_ips(ClusterState& state) {
  const auto& subnet = state.spec.cluster.vnet.nodeSubnet;
  net::AzureSubnetAllocator allocator(subnet, "node IPs");
  for (auto& node : state.nodes) node.ip = allocator.allocate();
}

void assign_node_pod_cidrs(ClusterState& state) {
  const auto& pod_cidr = state.spec.cluster.networkProfile.podCidr;
  const std::uint64_t available = pod_cidr.subnet_count(aks::kNodePodCidrPrefix);
  if (state.nodes.size() > available) {
    throw net::ExhaustedError("pod CIDR " + pod_cidr.to_string() + " has " + std::to_string(available) + " /" +
                              std::to_string(aks::kNodePodCidrPrefix) + " ranges but the cluster has " +
                              std::to_string(state.nodes.size()) + " nodes; use a larger podCidr");
  }
  for (std::size_t i = 0; i < state.nodes.size(); ++i) {
    state.nodes[i].podCidr = pod_cidr.subnet(aks::kNodePodCidrPrefix, i);
  }
}

void assign_pod_ips_from_node_cidr(ClusterState& state, std::uint64_t first_host) {
  // host-local style: each node hands out its range in order; the last address is the broadcast.
  std::vector<std::uint64_t> next(state.nodes.size(), first_host);
  for (auto& pod : state.pods) {
    if (state.spec.workloads[pod.workload].hostNetwork) continue;
    const auto& node = state.nodes[pod.node];
    const net::Cidr& range = *node.podCidr;
    if (next[pod.node] >= range.size() - 1) {
      throw net::ExhaustedError("node " + node.name + " ran out of pod addresses in " + range.to_string() +
                                "; lower maxPods or use a larger per-node range");
    }
    pod.ip = range.nth(next[pod.node]++);
  }
}

net::Route kernel_route(net::Cidr prefix, std::string device, net::Ipv4 gateway, std::uint32_t metric,
                        std::string name) {
  net::Route r;
  r.prefix = prefix;
  r.next_hop = net::NextHop{net::NextHopType::Device, gateway, std::move(device)};
  r.source = net::RouteSource::System;
  r.metric = metric;
  r.name = std::move(name);
  return r;
}

void add_azure_node_base_routes(const ClusterState& state, NodeIndex /*node*/, net::RouteTable& kernel) {
  const net::Ipv4 gw = state.nodeSubnetGateway;
  const auto metric = aks::kNodeDhcpRouteMetric;
  kernel.insert(kernel_route(net::Cidr(), "eth0", gw, metric, "default (DHCP)"));
  kernel.insert(kernel_route(state.spec.cluster.vnet.nodeSubnet, "eth0", {}, metric, "node subnet (connected)"));
  kernel.insert(kernel_route(net::Cidr(net::Ipv4::parse(aks::kAzureWireServerIp), 32), "eth0", gw, metric,
                             "Azure wire server (DHCP)"));
  kernel.insert(kernel_route(net::Cidr(net::Ipv4::parse(aks::kAzureImdsIp), 32), "eth0", gw, metric,
                             "Azure IMDS (DHCP)"));
}

std::string stable_hex(std::string_view text, std::size_t digits) {
  const std::uint64_t h = stable_hash(text);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  if (digits > 16) throw std::invalid_argument("stable_hex gives at most 16 digits");
  return std::string(buf, digits);
}

std::string kube_proxy_description(ServiceProxyMode mode) {
  switch (mode) {
    case ServiceProxyMode::Iptables: return "kube-proxy iptables: KUBE-SERVICES chain walked in order";
    case ServiceProxyMode::Ipvs: return "kube-proxy IPVS: hashed virtual-server lookup";
    case ServiceProxyMode::Nftables: return "kube-proxy nftables: verdict map lookup";
    case ServiceProxyMode::Ebpf: return "Cilium eBPF service map (kube-proxy replacement)";
  }
  return "?";
}

}  // namespace cnisim::cluster
