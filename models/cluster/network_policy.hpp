#pragma once
// Kubernetes NetworkPolicy as the cluster's policy engine enforces it: which policies select a pod,
// what they allow (networking.k8s.io/v1 semantics), and the work the engine does to find out.
//
// Semantics (kubernetes.io "Network Policies"): a pod is isolated for ingress (egress) when some
// policy of its namespace selects it and has that policy type; an isolated pod accepts a new
// connection only if some rule of those policies matches the peer and the port; replies of an allowed
// connection are allowed (conntrack). Connections from the pod's own node are always allowed in.
// hostNetwork pods are not selected by policies, nor matched by pod selectors (their address is the
// node's; only an ipBlock matches it). Policies see addresses after kube-proxy's DNAT and before SNAT.
//
// The engines (cluster.networkProfile.networkPolicy) reach the same verdicts by different work:
//  - calico: iptables in the node's filter table, per workload interface (felix/rules/endpoints.go,
//    dispatch.go): a dispatch tree on the interface name, the endpoint's chain (conntrack accept,
//    mark handling), a jump per policy selecting it, in each policy two rules per Calico rule (one
//    per peer and protocol, peers matched by ipset), then the namespace profile when none selects it.
//  - azure (NPM v2, npm/pkg/dataplane/policies): FORWARD sends NEW packets to AZURE-NPM, whose
//    INGRESS and EGRESS chains hold one jump per policy of the whole cluster, matched by ipsets of
//    the selected pods; each policy chain has one rule per peer and port. Every node a new connection
//    crosses walks them, for both ends.
//  - cilium (bpf_lxc.c): at each endpoint, every packet of the original direction looks up the
//    peer's identity (ipcache) and the endpoint's policy map; replies skip the policy lookup.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/cluster/device.hpp"
#include "models/net/five_tuple.hpp"
#include "models/scenario/labels.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::cluster {

class Cluster;

enum class PolicyDirection : std::uint8_t { Ingress, Egress };
std::string_view to_string(PolicyDirection d);  // "ingress", "egress"

// The work an engine does for one check: iptables rules walked, ipset lookups, eBPF map lookups.
struct PolicyWork {
  std::uint32_t rules = 0;
  std::uint32_t setLookups = 0;
  std::uint32_t mapLookups = 0;
  PolicyWork& operator+=(const PolicyWork& o) {
    rules += o.rules;
    setLookups += o.setLookups;
    mapLookups += o.mapLookups;
    return *this;
  }
};

// A verdict for one end of a new connection.
struct PolicyVerdict {
  PolicyDirection direction = PolicyDirection::Ingress;
  PodIndex pod = kNone;
  bool isolated = false;             // some policy selects the pod for this direction
  bool allowed = true;
  bool fromOwnNode = false;          // ingress from the pod's own node (always allowed)
  std::uint32_t policy = kNone;      // the policy (index in spec().networkPolicies) whose rule allowed
  std::uint32_t rule = kNone;        // that rule's index in its ingress / egress list
  std::vector<std::uint32_t> selecting;  // the policies that isolate the pod here, in the engine's order
};

// What the engine does with a new connection at one node: the verdicts it reaches (the ends it
// enforces there, in its order) and its work.
struct PolicyCheck {
  bool allowed = true;
  std::vector<PolicyVerdict> verdicts;
  PolicyWork work;
};

class NetworkPolicies {
 public:
  NetworkPolicies() = default;
  explicit NetworkPolicies(const Cluster& cluster);

  scenario::NetworkPolicy engine() const { return engine_; }
  bool enforced() const { return engine_ != scenario::NetworkPolicy::None; }

  // The policies selecting a pod for a direction (indices into spec().networkPolicies), engine order.
  const std::vector<std::uint32_t>& selecting(PodIndex pod, PolicyDirection d) const {
    return d == PolicyDirection::Ingress ? ingress_[pod] : egress_[pod];
  }
  // The verdict for `pod` at one end of a new connection whose other end is `peer`, on the connection's
  // destination port and protocol (after DNAT): the semantics alone, no work.
  PolicyVerdict decide(PolicyDirection d, PodIndex pod, net::Ipv4 peer, net::Protocol protocol,
                       std::uint16_t port) const;
  // A new connection's first packet in node `node`'s netfilter/eBPF path, its tuple after DNAT and
  // before SNAT: the ends the engine enforces there (Calico, Cilium: the pods on this node; NPM: both
  // ends, on every node), egress before ingress (NPM: ingress first, as AZURE-NPM jumps).
  PolicyCheck check_new(NodeIndex node, const net::FiveTuple& tuple) const;
  // A later packet of a connection conntrack knows (reply: it goes the reply direction).
  PolicyWork check_established(NodeIndex node, const net::FiveTuple& tuple, bool reply) const;

  // Does rule `rule` of policy `policy` in direction d match this peer and port? (The semantics alone.)
  bool rule_matches(std::uint32_t policy, PolicyDirection d, std::uint32_t rule, net::Ipv4 peer, net::Protocol protocol,
                    std::uint16_t port) const;
  // "shop/allow-frontend"
  std::string policy_name(std::uint32_t policy) const;

 private:
  // The pod (not hostNetwork) owning an address, or kNone.
  PodIndex pod_at(net::Ipv4 ip) const;
  // A connection's pods (kNone: not a pod) and whether each is on `node`.
  struct Ends {
    PodIndex src, dst;
    bool localSrc, localDst;
  };
  Ends ends(NodeIndex node, const net::FiveTuple& t) const;
  bool peer_matches(const scenario::NetworkPolicySpec& policy, const scenario::PolicyPeer& peer, net::Ipv4 ip) const;
  PolicyWork calico_endpoint(const PolicyVerdict& v, net::Ipv4 peer, net::Protocol protocol, std::uint16_t port) const;
  PolicyWork npm_chain(PolicyDirection d, PodIndex pod, const PolicyVerdict* v, net::Ipv4 peer, net::Protocol protocol,
                       std::uint16_t port) const;

  const Cluster* cluster_ = nullptr;
  scenario::NetworkPolicy engine_ = scenario::NetworkPolicy::None;
  std::vector<std::vector<std::uint32_t>> ingress_, egress_;  // [pod]: selecting policies, engine order
  std::vector<std::uint32_t> npm_order_;                      // NPM: every policy, newest first
  std::vector<std::uint32_t> calico_dispatch_;                // [pod]: rules its interface's dispatch walks
  std::map<std::string, scenario::Labels, std::less<>> namespace_labels_;
};

}  // namespace cnisim::cluster
