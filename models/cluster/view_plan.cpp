// `cnisim plan`: VNet address consumption per plugin (AKSDOCS concepts-network-ip-address-planning):
// kubenet, overlay, cilium (overlay IPAM) and none take one subnet address per node; Azure CNI in
// node-subnet mode takes maxPods + 1 per node. Upgrades add maxSurge nodes, which count as well.
#include <algorithm>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "models/cluster/table_writer.hpp"
#include "models/cluster/views.hpp"
#include "models/net/ipam.hpp"

namespace cnisim::cluster {
namespace {

AddressPlan plan_for(const ScenarioSpec& original, PluginKind kind) {
  AddressPlan plan;
  plan.plugin = kind;
  ScenarioSpec spec = original;
  try {
    if (spec.plugin() != kind) apply_plugin(spec, kind);
  } catch (const ScenarioError& e) {
    const auto& d = e.diagnostics();
    plan.unsupported = d.empty() ? std::string(e.what()) : d.front().message;
    return plan;
  }
  const auto plugin = plugin_for(spec);  // under none: the scenario's bring-your-own CNI, if it has one
  plan.limits = plugin->node_limits();
  std::uint64_t surge_total = 0;
  for (const auto& pool : spec.nodePools) {
    plan.subnetAddressesUsed += plugin->subnet_addresses_per_node(pool.maxPods) * (pool.count + pool.maxSurge);
    surge_total += pool.maxSurge;
    if (plugin->pod_cidr_per_node()) plan.podRangesUsed += pool.count + pool.maxSurge;
  }
  const auto& first = spec.nodePools.front();
  plan.maxPodsPerNode = first.maxPods;
  const std::uint64_t per_node = plugin->subnet_addresses_per_node(first.maxPods);
  plan.formula = per_node == 1 ? "(nodes + surge) x 1" : "(nodes + surge) x (maxPods + 1)";

  // Candidates for the largest cluster; the smallest one binds.
  const auto& subnet = spec.cluster.vnet.nodeSubnet;
  const std::uint64_t usable = net::AzureSubnetAllocator::usable(subnet);
  auto minus_surge = [&](std::uint64_t n) { return n > surge_total ? n - surge_total : 0; };
  std::vector<NodeLimit> bounds = plan.limits;
  bounds.push_back({minus_surge(usable / per_node),
                    "node subnet " + subnet.to_string() + ": " + std::to_string(usable) + " usable addresses"});
  bounds.push_back({minus_surge(aks::kMaxPrivateIpsPerVnet / per_node),
                    std::to_string(aks::kMaxPrivateIpsPerVnet) + " private IPs per VNet (LIMITS)"});
  if (plugin->pod_cidr_per_node()) {
    const auto& pod_cidr = spec.cluster.networkProfile.podCidr;
    bounds.push_back({minus_surge(pod_cidr.subnet_count(aks::kNodePodCidrPrefix)),
                      "pod CIDR " + pod_cidr.to_string() + ": " +
                          std::to_string(pod_cidr.subnet_count(aks::kNodePodCidrPrefix)) + " /24 ranges"});
  }
  const auto binding = std::min_element(bounds.begin(), bounds.end(),
                                        [](const NodeLimit& a, const NodeLimit& b) { return a.maxNodes < b.maxNodes; });
  plan.largestNodes = binding->maxNodes;
  plan.limitedBy = binding->what;
  return plan;
}

}  // namespace

std::vector<AddressPlan> plan_addresses(const ScenarioSpec& spec) {
  std::vector<AddressPlan> plans;
  for (PluginKind kind : registered_plugins()) plans.push_back(plan_for(spec, kind));
  return plans;
}

std::string view_plan(const ScenarioSpec& spec) {
  std::uint64_t nodes = 0, surge = 0;
  for (const auto& pool : spec.nodePools) {
    nodes += pool.count;
    surge += pool.maxSurge;
  }
  const auto& subnet = spec.cluster.vnet.nodeSubnet;
  std::string out = "Address plan for cluster " + spec.cluster.name + ": " + std::to_string(nodes) + " nodes (+" +
                    std::to_string(surge) + " upgrade surge), node subnet " + subnet.to_string() + " (" +
                    std::to_string(net::AzureSubnetAllocator::usable(subnet)) + " usable addresses), pod CIDR " +
                    spec.cluster.networkProfile.podCidr.to_string() + "\n\n";
  const auto plans = plan_addresses(spec);
  TableWriter t;
  t.row({"PLUGIN", "MAX-PODS", "SUBNET IPS USED", "FORMULA", "POD /24s USED", "LARGEST CLUSTER", "LIMITED BY"});
  for (const auto& p : plans) {
    const std::string name(to_string(p.plugin));
    if (!p.unsupported.empty()) {
      t.row({name, "-", "-", "-", "-", "not possible", p.unsupported});
      continue;
    }
    t.row({name, std::to_string(p.maxPodsPerNode), std::to_string(p.subnetAddressesUsed), p.formula,
           p.podRangesUsed ? std::to_string(p.podRangesUsed) : "-",
           std::to_string(p.largestNodes) + " nodes, " + std::to_string(p.largestNodes * p.maxPodsPerNode) + " pods",
           p.limitedBy});
  }
  out += t.str();
  out += "\nLimits that apply:\n";
  for (const auto& p : plans) {
    if (!p.unsupported.empty()) continue;
    for (const auto& l : p.limits) {
      out += "  " + std::string(to_string(p.plugin)) + ": " + std::to_string(l.maxNodes) + " nodes - " + l.what + "\n";
    }
  }
  out += "  every plugin: " + std::to_string(aks::kMaxPrivateIpsPerVnet) + " private IPs per VNet, " +
         std::to_string(aks::kMaxNodesPerPool) + " nodes per pool, " + std::to_string(aks::kAzureReservedPerSubnet) +
         " addresses reserved by Azure in every subnet (LIMITS)\n";
  return out;
}

}  // namespace cnisim::cluster
