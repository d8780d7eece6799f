#include "models/cluster/plugin_transparent.hpp"

#include "models/scenario/aks_facts.hpp"
#include "models/cluster/pod_naming.hpp"

namespace cnisim::cluster {

net::Ipv4 transparent_pod_gateway() { return net::Ipv4::parse(aks::kAzureCniPodGateway); }

std::string azure_cni_veth_name(std::string_view pod_namespace, std::string_view pod_name) {
  return std::string(aks::kAzureCniVethPrefix) + stable_hex(std::string(pod_namespace) + "." + std::string(pod_name), 11);
}

void add_transparent_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel,
                                 const Plugin& plugin) {
  add_azure_node_base_routes(state, node, kernel);
  for (PodIndex p : state.pods_on(node)) {
    const auto& pod = state.pods[p];
    const auto& workload = state.spec.workloads[pod.workload];
    if (workload.hostNetwork) continue;
    kernel.insert(kernel_route(net::Cidr(pod.ip, 32),
                               plugin.host_veth_name(workload.namespace_, pod_name(workload, pod.ordinal)), {}, 0,
                               "pod host route"));
  }
}

void add_transparent_pod_routes(net::RouteTable& pod) {
  const net::Ipv4 gw = transparent_pod_gateway();
  pod.insert(kernel_route(net::Cidr(), "eth0", gw, 0, "default via the link-local gateway"));
  pod.insert(kernel_route(net::Cidr(gw, 32), "eth0", {}, 0, "gateway on link (scope link)"));
}

}  // namespace cnisim::cluster
