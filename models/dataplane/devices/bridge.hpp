#pragma once
// A Linux bridge (kubenet's cbr0): its forwarding database maps each pod's address to the host veth
// port it sits behind; a frame for the bridge's own address (the pods' gateway) goes up into the node's
// stack. With br_netfilter (bridge-nf-call-iptables=1, which kubenet requires) bridged packets pass the
// node's conntrack, so replies of a DNATed connection are translated even between two ports, a new
// bridged flow gets its own entry, and the network policy engine's filter rules see it.
#include <cstdint>
#include <utility>
#include <vector>

#include "models/cluster/network_policy.hpp"
#include "models/dataplane/devices/serve_context.hpp"
#include "models/net/conntrack.hpp"

namespace cnisim::dataplane::devices {

class Bridges {
 public:
  Bridges(const cluster::Cluster& cluster, const Wiring& wiring);
  // conntrack: the node's table (the node stack's), which br_netfilter consults and adds to.
  std::int64_t serve(const ServeContext& cx, const cluster::Device& d, Packet& p, net::ConntrackTable& conntrack,
                     const cluster::NetworkPolicies& policies) const;

 private:
  // Per node: (pod IP, host veth port, the bridge's link to it), sorted by IP: what the bridge learns
  // (ARP + FDB), with the port's link resolved once.
  struct Entry {
    std::uint32_t ip;
    cluster::DeviceId port;
    std::uint32_t link;
  };
  std::vector<std::vector<Entry>> fdb_;
  std::vector<std::uint32_t> to_stack_;    // [node]: the bridge's link up to the node's stack
  std::vector<std::uint32_t> from_stack_;  // [node]: the stack's link down to the bridge
};

}  // namespace cnisim::dataplane::devices
