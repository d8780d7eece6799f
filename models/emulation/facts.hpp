#pragma once
// Observed facts: one real packet per kind of pair, sent with real sockets between the emulation's
// namespaces, and what the kernel did to it (the source address the server saw, the TTL at arrival,
// which pod answered a Service address, whether SNAT happened); beside them the same facts from the
// model (dataplane::Network, the engine `cnisim trace` uses), so that the two can be compared.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/network.hpp"
#include "models/scenario/cost_profile.hpp"

namespace cnisim::emulation {

class Emulation;

struct ProbePair {
  std::string kind;          // "pod to pod, same node", "pod to Service", ...
  dataplane::HostRef from;
  std::optional<dataplane::HostRef> to;           // a host, or ...
  std::optional<cluster::ServiceIndex> service;   // ... a Service (its first port, TCP)
  std::string description;   // "default/nginx-...-a -> default/nginx-...-b"
};

struct Facts {
  bool reached = false;
  bool answered = false;       // the reply came back to the client, from the address it sent to
  net::Ipv4 sourceSeen;        // the client address the server saw
  int ttl = -1;                // TTL at arrival (-1: not observed, TCP)
  std::string answeredBy;      // the host that received the request ("pod default/nginx-...", "vm-in-vnet")
  net::Ipv4 answeredAt;        // its address (a Service: the DNAT target)
  bool snat = false;           // sourceSeen differs from the client's own address
  std::string note;            // a failure, in words
  std::vector<std::string> conntrack;  // observed only: the client node's conntrack entries for the flow
};

struct PairResult {
  ProbePair pair;
  Facts simulated;
  Facts observed;
  // Empty when they agree; else what differs. For a Service the endpoint may differ (both choose at
  // random): agreement means both chose one of the Service's endpoints.
  std::vector<std::string> differences;
};

// A host of the cluster: its address, its name in the output ("pod default/nginx-...", "node
// aks-...", "vm-in-vnet") and the namespace that stands for it.
net::Ipv4 address_of(const cluster::Cluster& cluster, dataplane::HostRef host);
std::string name_of(const cluster::Cluster& cluster, dataplane::HostRef host);
std::string path_of(const Emulation& emulation, dataplane::HostRef host);

// The pairs of seed-walkthrough's kinds that the cluster has: pod to pod on the same node and across
// nodes, pod to VM, VM to pod, pod to Service, pod to internet host. Pods that are not hostNetwork.
std::vector<ProbePair> choose_pairs(const cluster::Cluster& cluster);
// What the model does with the pair's packet (UDP to port 7000, or TCP to the Service's port).
Facts simulate_pair(const cluster::Cluster& cluster, const scenario::CostProfile& profile, const ProbePair& pair);
// What the kernel does with it. Bounded: every wait has a timeout (about 2 s).
Facts observe_pair(const Emulation& emulation, const ProbePair& pair);
// Both, and the comparison.
PairResult compare_pair(const Emulation& emulation, const scenario::CostProfile& profile, const ProbePair& pair);

inline constexpr std::uint16_t kProbePort = 7000;

struct EmulationPlan;
struct PingRun;

// JSON of what was observed (docs/results.schema.json, $defs emulation, pair and facts).
boost::json::object to_json(const Facts& facts, bool service);
boost::json::object to_json(const PairResult& result);
// The `emulation` object of `cnisim emulate -o json`: the plugin, the plan's namespace count, what is
// not emulated (the plan's list and the command's own, e.g. traffic it does not run) and how the rest
// is stood in for, every pair, and the ping entries (null: none ran).
boost::json::object emulation_json(const cluster::Cluster& cluster, const EmulationPlan& plan,
                                   const std::vector<std::string>& not_emulated, const std::vector<PairResult>& pairs,
                                   const PingRun* pings);

}  // namespace cnisim::emulation
