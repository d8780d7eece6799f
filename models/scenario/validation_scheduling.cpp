// Whether every pod fits: per OS, DaemonSets take one pod slot on every node, and Deployments share
// what is left, up to each node's maxPods. hostNetwork pods count against maxPods too (kubelet counts
// pods, not IPs).
#include <algorithm>
#include <vector>

#include "models/scenario/spec_enum_names.hpp"
#include "models/scenario/validation_rules.hpp"

namespace cnisim::scenario {

namespace {

struct OsCapacity {
  std::uint64_t nodes = 0;
  std::uint64_t daemonsets = 0;  // DaemonSets placed on this OS
  std::uint64_t deployment_slots = 0;
};

void check_os(RuleContext& c, OsType os) {
  const ScenarioSpec& spec = c.spec();
  const std::string os_name(name_of<OsType>(os, kOsTypeNames));
  OsCapacity cap;
  std::vector<std::size_t> deployments;
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    const WorkloadSpec& w = spec.workloads[i];
    if (w.nodeOs.value_or(OsType::Linux) != os) continue;
    if (w.kind == WorkloadKind::DaemonSet) {
      ++cap.daemonsets;
    } else if (w.replicas > 0) {
      deployments.push_back(i);
    }
  }
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const NodePoolSpec& pool = spec.nodePools[i];
    if (pool.osType != os || pool.count == 0) continue;
    cap.nodes += pool.count;
    if (pool.maxPods < cap.daemonsets) {
      c.report(pool_path(i) + ".maxPods",
               "maxPods " + std::to_string(pool.maxPods) + " leaves no room for the " +
                   std::to_string(cap.daemonsets) + " DaemonSet pods every " + os_name + " node runs",
               "maxPods of at least " + std::to_string(cap.daemonsets), "raise maxPods");
      return;
    }
    cap.deployment_slots += std::uint64_t{pool.count} * (pool.maxPods - cap.daemonsets);
  }
  // System Deployments are placed first, as AKS creates them with the cluster; then the file's, in order.
  std::stable_partition(deployments.begin(), deployments.end(),
                        [&](std::size_t i) { return spec.workloads[i].system; });
  std::uint64_t placed = 0;
  std::uint64_t requested = 0;
  for (std::size_t i : deployments) requested += spec.workloads[i].replicas;
  for (std::size_t i : deployments) {
    const WorkloadSpec& w = spec.workloads[i];
    placed += w.replicas;
    if (placed <= cap.deployment_slots) continue;
    const std::string where = w.system ? "nodePools" : workload_path(i) + ".replicas";
    std::string message = cap.nodes == 0
                              ? "no " + os_name + " nodes to run " + w.namespace_ + "/" + w.name
                              : "cannot schedule all pods on the " + std::to_string(cap.nodes) + " " +
                                    os_name + " nodes: Deployments ask for " + std::to_string(requested) +
                                    " pods, but " + std::to_string(cap.deployment_slots) +
                                    " slots are left after " + std::to_string(cap.daemonsets) +
                                    " DaemonSet pods per node (sum of maxPods minus " +
                                    "DaemonSets over the nodes); " + w.namespace_ + "/" + w.name +
                                    " is the first that does not fit";
    const std::uint64_t before = placed - w.replicas;
    c.report(where, std::move(message),
             w.system
                 ? "at least one " + os_name + " node pool with room for AKS's own pods"
                 : "at most " +
                       std::to_string(cap.deployment_slots > before ? cap.deployment_slots - before : 0) +
                       " replicas here with these node pools",
             w.system ? "add a " + os_name + " System pool"
                      : "add nodes (count), raise maxPods, or lower replicas");
    return;
  }
}

}  // namespace

void check_scheduling(RuleContext& c) {
  const ScenarioSpec& spec = c.spec();
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const std::string p = pool_path(i);
    if (!c.usable({p + ".count", p + ".maxPods", p + ".osType"})) return;
  }
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    const std::string p = workload_path(i);
    if (!spec.workloads[i].system && !c.usable({p + ".kind", p + ".replicas", p + ".nodeSelector"})) return;
  }
  if (!c.plugin_known()) return;
  check_os(c, OsType::Linux);
  check_os(c, OsType::Windows);
}

}  // namespace cnisim::scenario
