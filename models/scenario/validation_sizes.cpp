// Sizes and limits: nodes per cluster, kubenet's route-table limit, maxPods per plugin, and whether
// the node subnet, pod subnet and pod CIDR hold the addresses this cluster takes from them.
#include <bit>
#include <vector>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/scenario_defaults.hpp"
#include "models/scenario/validation_rules.hpp"

namespace cnisim::scenario {

namespace {

// Node counts, or nullopt if some pool's count or surge is unusable (sums would be wrong).
struct NodeTotals {
  std::uint64_t nodes = 0;
  std::uint64_t surge = 0;
};

std::optional<NodeTotals> totals(RuleContext& c) {
  NodeTotals t;
  const auto& pools = c.spec().nodePools;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    if (!c.usable({pool_path(i) + ".count", pool_path(i) + ".maxSurge"})) return std::nullopt;
    t.nodes += pools[i].count;
    t.surge += pools[i].maxSurge;
  }
  return t;
}

// The longest prefix whose subnet holds `needed` addresses after Azure's 5 reserved, or -1 if none.
int smallest_prefix(std::uint64_t needed, std::uint64_t reserved) {
  const std::uint64_t total = needed + reserved;
  if (total > (std::uint64_t{1} << 32)) return -1;
  const int bits = std::bit_width(total - 1);  // ceil(log2(total))
  return std::min(32 - bits, aks::kAzureSmallestSubnetPrefix);
}

std::string usable_after_reserve(const net::Cidr& subnet) {
  const std::uint64_t size = subnet.size();
  const std::uint64_t reserved = aks::kAzureReservedPerSubnet;
  return std::to_string(size > reserved ? size - reserved : 0) + " (" + std::to_string(size) + " minus the " +
         std::to_string(reserved) + " Azure reserves)";
}

void check_node_limits(RuleContext& c, const NodeTotals& t) {
  const ScenarioSpec& spec = c.spec();
  if (spec.nodePools.size() > aks::kMaxNodePools) {
    c.report("nodePools", std::to_string(spec.nodePools.size()) + " node pools is more than AKS allows",
             "at most " + std::to_string(aks::kMaxNodePools) + " node pools per cluster",
             "merge pools that share a VM size and OS");
  }
  if (t.nodes > aks::kMaxNodesPerCluster) {
    c.report("nodePools", "the pools add up to " + std::to_string(t.nodes) + " nodes, more than AKS allows",
             "at most " + std::to_string(aks::kMaxNodesPerCluster) + " nodes per cluster",
             "split the workload over several clusters");
    return;
  }
  if (c.plugin_known() && spec.plugin() == PluginKind::Kubenet && t.nodes > aks::kKubenetMaxNodes) {
    c.report(
        "nodePools",
        "a kubenet cluster of " + std::to_string(t.nodes) + " nodes exceeds the Azure route table limit: " +
            "kubenet needs one route per node, and a route table holds at most " +
            std::to_string(aks::kMaxRoutesPerRouteTable) + " routes",
        "at most " + std::to_string(aks::kKubenetMaxNodes) + " nodes with kubenet",
        "use Azure CNI Overlay (networkPlugin: azure, networkPluginMode: overlay): no route table, up to " +
            std::to_string(aks::kOverlayMaxNodes) + " nodes");
  }
}

void check_max_pods(RuleContext& c) {
  if (!c.plugin_known()) return;
  const ScenarioSpec& spec = c.spec();
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const std::string path = pool_path(i) + ".maxPods";
    const std::uint32_t max_pods = spec.nodePools[i].maxPods;
    if (!c.usable({path}) || (max_pods >= aks::kMinMaxPods && max_pods <= aks::kMaxMaxPods)) continue;
    c.report(path, "maxPods " + std::to_string(max_pods) + " is out of range for " + c.plugin_title(),
             std::to_string(aks::kMinMaxPods) + " to " + std::to_string(aks::kMaxMaxPods) +
                 " pods per node with " + c.plugin_title() + " (default " +
                 std::to_string(default_max_pods(spec)) + ")",
             max_pods < aks::kMinMaxPods
                 ? "AKS needs room for its own pods on every node"
                 : std::to_string(aks::kMaxMaxPods) + " is the most AKS allows per node");
  }
}

// Azure CNI in node-subnet mode reserves maxPods + 1 addresses per node up front.
bool pods_from_node_subnet(const ScenarioSpec& spec) {
  return !spec.uses_pod_cidr() && !spec.cluster.vnet.podSubnet.has_value();
}

void check_node_subnet(RuleContext& c) {
  const ScenarioSpec& spec = c.spec();
  const std::string path = "cluster.vnet.nodeSubnet";
  if (!c.plugin_known() || !c.usable({path})) return;
  const bool with_pods = pods_from_node_subnet(spec);
  std::uint64_t needed = 0;
  std::string formula;
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const NodePoolSpec& pool = spec.nodePools[i];
    if (with_pods && !c.usable({pool_path(i) + ".maxPods"})) return;
    const std::uint64_t per_node = with_pods ? std::uint64_t{pool.maxPods} + 1 : 1;
    needed += (std::uint64_t{pool.count} + pool.maxSurge) * per_node;
    if (!formula.empty()) formula += " + ";
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "(" + std::to_string(...) here.
    formula.append("(")
        .append(std::to_string(pool.count))
        .append(" + ")
        .append(std::to_string(pool.maxSurge));
    formula.append(")");
    if (with_pods) formula.append(" x (").append(std::to_string(pool.maxPods)).append(" + 1)");
  }
  const net::Cidr& subnet = spec.cluster.vnet.nodeSubnet;
  const std::uint64_t have =
      subnet.size() > aks::kAzureReservedPerSubnet ? subnet.size() - aks::kAzureReservedPerSubnet : 0;
  if (needed <= have) return;
  const std::string what =
      with_pods ? "(nodes + surge) x (maxPods + 1) = " : "one address per node and surge node: ";
  const int prefix = smallest_prefix(needed, aks::kAzureReservedPerSubnet);
  c.report(
      path,
      "nodeSubnet " + subnet.to_string() + " is too small for " + c.plugin_title() + ": it needs " + what +
          formula + " = " + std::to_string(needed) + " addresses, and the subnet has " +
          usable_after_reserve(subnet),
      prefix < 0 ? "fewer addresses than any subnet holds"
                 : "a node subnet of /" + std::to_string(prefix) + " or larger (" +
                       std::to_string((std::uint64_t{1} << (32 - prefix)) - aks::kAzureReservedPerSubnet) +
                       " usable addresses)",
      with_pods ? "widen nodeSubnet, lower maxPods, or use Azure CNI Overlay (networkPluginMode: overlay), "
                  "which takes pod IPs from podCidr instead of the subnet"
                : "widen nodeSubnet or use fewer nodes");
}

// Azure CNI pod subnet: each node takes pod IPs in batches of 16, at least one batch per node.
void check_pod_subnet(RuleContext& c, const NodeTotals& t) {
  const ScenarioSpec& spec = c.spec();
  const std::string path = "cluster.vnet.podSubnet";
  if (!spec.cluster.vnet.podSubnet || spec.uses_pod_cidr() || !c.plugin_known() || !c.usable({path})) return;
  const net::Cidr& subnet = *spec.cluster.vnet.podSubnet;
  const std::uint64_t needed = (t.nodes + t.surge) * aks::kPodSubnetBatch;
  const std::uint64_t have =
      subnet.size() > aks::kAzureReservedPerSubnet ? subnet.size() - aks::kAzureReservedPerSubnet : 0;
  if (needed <= have) return;
  const int prefix = smallest_prefix(needed, aks::kAzureReservedPerSubnet);
  c.report(path,
           "podSubnet " + subnet.to_string() + " is too small: each of the " + std::to_string(t.nodes) +
               " nodes + " + std::to_string(t.surge) + " surge nodes takes pod IPs in batches of " +
               std::to_string(aks::kPodSubnetBatch) + ", so it needs at least " + std::to_string(needed) +
               " addresses, and the subnet has " + usable_after_reserve(subnet),
           prefix < 0 ? "fewer addresses than any subnet holds"
                      : "a pod subnet of /" + std::to_string(prefix) + " or larger",
           "widen podSubnet");
}

// kubenet, overlay (and cilium in overlay mode, and none) give each node a /24 of the pod CIDR.
void check_pod_cidr(RuleContext& c, const NodeTotals& t) {
  const ScenarioSpec& spec = c.spec();
  const std::string path = "cluster.networkProfile.podCidr";
  if (!c.plugin_known() || !spec.uses_pod_cidr() || !c.usable({path})) return;
  const net::Cidr& cidr = spec.cluster.networkProfile.podCidr;
  const int block = aks::kNodePodCidrPrefix;
  const std::uint64_t have = cidr.length() > block ? 0 : cidr.subnet_count(block);
  const std::uint64_t needed = t.nodes + t.surge;
  if (needed <= have) return;
  const int prefix = block - std::bit_width(needed - 1);
  c.report(path,
           "podCidr " + cidr.to_string() + " has room for " + std::to_string(have) + " node blocks of /" +
               std::to_string(block) + ", but " + c.plugin_title() + " gives one to each of the " +
               std::to_string(t.nodes) + " nodes + " + std::to_string(t.surge) + " surge nodes (" +
               std::to_string(needed) + ")",
           prefix < 0 ? "fewer nodes: no IPv4 range holds one /24 for each"
                      : "a pod CIDR of /" + std::to_string(prefix) + " or larger (one /" +
                            std::to_string(block) + " per node)",
           "widen podCidr, e.g. the default 10.244.0.0/16 holds 256 nodes");
}

}  // namespace

void check_sizes(RuleContext& c) {
  check_max_pods(c);
  const auto t = totals(c);
  if (!t) return;
  check_node_limits(c, *t);
  check_node_subnet(c);
  check_pod_subnet(c, *t);
  check_pod_cidr(c, *t);
}

}  // namespace cnisim::scenario
