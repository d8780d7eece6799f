#pragma once
// Observed facts: one real packet per kind of pair, sent with real sockets between the emulation's
// namespaces, and what the kernel did to it (the source address the server saw, the TTL at arrival,
// which pod answered a Service address, whether SNAT happened); beside them the same facts from the
// model (dataplane::Network, the engine `cnisim trace` uses), so that the two can be compared.
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

}  // namespace cnisim::emulation
