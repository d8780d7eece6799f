#include "models/cluster/scheduler.hpp"

#include <array>
#include <functional>
#include <queue>
#include <utility>

namespace cnisim::cluster {
namespace {

bool eligible(const Node& node, const WorkloadSpec& w) {
  return node.os == w.nodeOs.value_or(OsType::Linux) && node.podCount < node.maxPods;
}

std::string os_name(OsType os) { return os == OsType::Windows ? "Windows" : "Linux"; }

void place(ClusterState& state, std::uint32_t workload, std::uint32_t ordinal, NodeIndex node) {
  state.pods.push_back(Pod{workload, ordinal, node, {}, kNone, kNone, kNone});
  ++state.nodes[node].podCount;
}

void schedule_daemonset(ClusterState& state, std::uint32_t w) {
  const auto& spec = state.spec.workloads[w];
  std::uint32_t ordinal = 0;
  for (NodeIndex n = 0; n < state.nodes.size(); ++n) {
    const auto& node = state.nodes[n];
    if (node.os != spec.nodeOs.value_or(OsType::Linux)) continue;
    if (node.podCount >= node.maxPods) {
      throw SchedulingError("DaemonSet " + spec.namespace_ + "/" + spec.name + " cannot run on node " + node.name +
                            ": it already has maxPods=" + std::to_string(node.maxPods) +
                            " pods; raise maxPods for the pool");
    }
    place(state, w, ordinal++, n);
  }
}

void schedule_deployment(ClusterState& state, std::uint32_t w) {
  const auto& spec = state.spec.workloads[w];
  using Slot = std::pair<std::uint32_t, NodeIndex>;  // (pods on node, node): least loaded, then node order
  using Heap = std::priority_queue<Slot, std::vector<Slot>, std::greater<>>;
  // One heap per availability zone (index 0: nodes without one). kube-scheduler's default topology
  // spread (topology.kubernetes.io/zone, then the node) is modelled as: the zone holding the fewest of
  // this Deployment's replicas so far (then the lower zone), then its least loaded node.
  std::array<Heap, 4> zones;
  std::array<std::uint32_t, 4> placed{};
  for (NodeIndex n = 0; n < state.nodes.size(); ++n) {
    if (eligible(state.nodes[n], spec)) zones[state.nodes[n].zone].emplace(state.nodes[n].podCount, n);
  }
  for (std::uint32_t r = 0; r < spec.replicas; ++r) {
    std::size_t z = zones.size();
    for (std::size_t k = 0; k < zones.size(); ++k) {
      if (!zones[k].empty() && (z == zones.size() || placed[k] < placed[z])) z = k;
    }
    if (z == zones.size()) {
      throw SchedulingError("Deployment " + spec.namespace_ + "/" + spec.name + ": " +
                            std::to_string(spec.replicas - r) + " of " + std::to_string(spec.replicas) +
                            " replicas cannot be scheduled: every " + os_name(spec.nodeOs.value_or(OsType::Linux)) +
                            " node is at maxPods; add nodes, raise maxPods or lower replicas");
    }
    Heap& candidates = zones[z];
    const NodeIndex n = candidates.top().second;
    candidates.pop();
    place(state, w, r, n);
    ++placed[z];
    if (state.nodes[n].podCount < state.nodes[n].maxPods) candidates.emplace(state.nodes[n].podCount, n);
  }
}

}  // namespace

void schedule_pods(ClusterState& state) {
  std::uint64_t total = 0;
  for (const auto& w : state.spec.workloads) total += w.kind == WorkloadKind::DaemonSet ? state.nodes.size() : w.replicas;
  state.pods.reserve(total);
  for (const bool system_pass : {true, false}) {
    for (std::uint32_t w = 0; w < state.spec.workloads.size(); ++w) {
      const auto& spec = state.spec.workloads[w];
      if (spec.system != system_pass) continue;
      if (spec.kind == WorkloadKind::DaemonSet) {
        schedule_daemonset(state, w);
      } else {
        schedule_deployment(state, w);
      }
    }
  }
}

}  // namespace cnisim::cluster
