#pragma once
// Places pods on nodes the way the default scheduler spreads them: each replica goes to the eligible
// node with the fewest pods (ties: node order); DaemonSets put one pod on every eligible node.
// Eligible = the pool's OS matches the workload's (Linux unless it selects Windows) and the node
// has fewer than maxPods pods. System workloads are placed first, as they exist before user ones.
#include <stdexcept>
#include <vector>

#include "models/cluster/cluster.hpp"

namespace cnisim::cluster {

class SchedulingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Appends the scheduled pods to state.pods (workload, ordinal, node) and counts them in node.podCount.
// Throws SchedulingError naming the workload, how many replicas did not fit and why.
void schedule_pods(ClusterState& state);

}  // namespace cnisim::cluster
