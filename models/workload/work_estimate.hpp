#pragma once
// Before a run: how much work the traffic asks for (calls, packets, engine events), so that a run that
// would take hours or exhaust memory is refused at once with the estimate and the flag to raise the
// budget, instead of starting. The estimate is an upper bound: it charges every packet the longest
// path and every closed-loop call the cheapest round trip the profile allows.
#include <cstdint>
#include <string>

#include "models/cluster/cluster.hpp"

namespace cnisim::workload {

// The default budget: about 10 minutes of engine work on a 2-core x86 machine. Measured there:
// bench/scenario_throughput runs 10.6 M events/s on chatty kubenet traffic; 10 min = 6.4e9 events.
inline constexpr std::uint64_t kDefaultMaxEvents = 6'000'000'000ull;

struct WorkEstimate {
  double calls = 0;    // chatty calls (chains x chainDepth)
  double packets = 0;  // every packet sent (requests, responses, echoes, bulk)
  double events = 0;   // engine events
  std::string largest;  // field path of the traffic item that asks for the most ("traffic.chatty[0]")
};

// Clients are counted in the built cluster (pods matching each selector).
WorkEstimate estimate_work(const cluster::Cluster& cluster, const scenario::ScenarioSpec& spec);

// Throws scenario::ScenarioError at the largest traffic item when the estimate exceeds max_events.
void check_work_budget(const WorkEstimate& estimate, const scenario::ScenarioSpec& spec, std::uint64_t max_events);

}  // namespace cnisim::workload
