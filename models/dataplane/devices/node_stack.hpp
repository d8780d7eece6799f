#pragma once
// A node's root-namespace stack, in Linux's order: conntrack (replies and known flows are
// translated), kube-proxy's Service DNAT for a new connection, the network policy engine (a new
// connection checked, later packets charged its per-packet work), local delivery or IP forwarding (TTL),
// the kernel route lookup, masquerade when leaving by eth0, and conntrack creation. It holds each
// node's conntrack table (its limit from the node's vCPUs, as kube-proxy sets it), the Service
// endpoint pickers and each node's random stream for them.
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "models/cluster/network_policy.hpp"
#include "models/dataplane/devices/serve_context.hpp"
#include "models/dataplane/devices/tunnel.hpp"
#include "models/net/conntrack.hpp"
#include "models/net/endpoint_picker.hpp"
#include "sim/random.hpp"

namespace cnisim::dataplane::devices {

// The profile's conntrack timeouts (nf_conntrack's sysctls) as a table's configuration, without a limit.
net::ConntrackConfig conntrack_config(const scenario::ConntrackSettings& settings);

// A new connection's conntrack entry in `table` for its original header, with the NAT it takes (the
// rewrite applied to the packet): its cost, counted and traced; the packet dropped when the table is
// full or no source port is free.
std::int64_t create_connection(const ServeContext& cx, net::ConntrackTable& table, Packet& p,
                               const net::FiveTuple& original, const net::NatAction& action);

class NodeStacks {
 public:
  NodeStacks(const cluster::Cluster& cluster, const scenario::CostProfile& profile, const Wiring& wiring,
             const cluster::NetworkPolicies& policies, const Tunnels& tunnels, std::uint64_t seed);
  std::int64_t serve(const ServeContext& cx, const cluster::Device& d, Packet& p);

  net::ConntrackTable& conntrack(cluster::NodeIndex node) { return conntrack_[node]; }
  const net::ConntrackTable& conntrack(cluster::NodeIndex node) const { return conntrack_[node]; }
  // The connection whose packet this was has been closed by its endpoints at now_ps: the entries the
  // packet created go to TIME_WAIT.
  // Adds the conntrack tables' counters (expired, early-dropped, entries, peak) to results.
  void add_to(Results& results) const;

 private:
  std::int64_t conntrack_and_dnat(const ServeContext& cx, cluster::NodeIndex node, Packet& p,
                                  std::optional<net::Endpoint>& dnat, bool& is_new, bool& reply, bool& masquerade,
                                  bool service_looked_up);

  struct Egress {
    cluster::DeviceId device = cluster::kNone;  // the route's interface, like an ifindex (kNone: none here)
    std::uint32_t link = cluster::kNone;        // the stack's link to it
  };
  const cluster::NetworkPolicies& policies_;
  const Tunnels& tunnels_;
  bool cilium_ = false;  // the cilium dataplane: bpf_lxc looks Services up before the stack
  // NodeLocal DNSCache (cluster.nodeLocalDNSCache): the addresses its socket on every node answers at,
  // port 53 (kube-dns's ClusterIP, which it binds in iptables mode, and its link-local address).
  bool node_local_dns_ = false;
  net::Ipv4 dns_ip_, node_local_ip_;
  std::vector<std::vector<Egress>> route_egress_;  // [node][route id], resolved once at start-up
  std::vector<std::uint32_t> from_nic_;            // [node]: the NIC's link up to the stack
  std::vector<net::ConntrackTable> conntrack_;                 // per node
  std::vector<sim::RandomStream> endpoint_random_;             // per node, for Service endpoint choice
  std::vector<net::EndpointPicker> service_pickers_;           // per Service port rule (ServiceDnat::rules)
  std::vector<std::uint32_t> round_robin_;  // IPVS only: [node * rules + rule], each node's kube-proxy
  // Local traffic policies: rule r's endpoints on node n at [local_base_[r] + n] (kNone: not Local).
  std::vector<std::uint32_t> local_base_;
  std::vector<std::vector<cluster::PodIndex>> local_pods_;
  std::vector<net::EndpointPicker> local_pickers_;
  std::vector<std::uint32_t> local_cursor_;  // IPVS round-robin position of each local picker
  // sessionAffinity ClientIP, per node (kube-proxy's `recent` lists): (rule << 32 | client IP) -> the
  // endpoint's index among the rule's candidates and when the client last took it.
  struct Sticky {
    std::size_t index = 0;
    std::int64_t last_ps = 0;
  };
  std::vector<std::unordered_map<std::uint64_t, Sticky>> affinity_;
};

}  // namespace cnisim::dataplane::devices
