#pragma once
// A Linux bridge (kubenet's cbr0): its forwarding database maps each pod's address to the host veth
// port it sits behind; a frame for the bridge's own address (the pods' gateway) goes up into the node's
// stack. With br_netfilter (bridge-nf-call-iptables=1, which kubenet requires) bridged packets pass the
// node's conntrack, so replies of a DNATed connection are translated even between two ports.
#include <cstdint>
#include <utility>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"
#include "models/net/conntrack.hpp"

namespace cnisim::dataplane::devices {

class Bridges {
 public:
  explicit Bridges(const cluster::Cluster& cluster);
  // conntrack: the node's table (the node stack's), which br_netfilter consults.
  std::int64_t serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d, Packet& p,
                     net::ConntrackTable& conntrack) const;

 private:
  // Per node: (pod IP, host veth), sorted by IP: what the bridge learns (ARP + FDB).
  std::vector<std::vector<std::pair<std::uint32_t, cluster::DeviceId>>> fdb_;
};

}  // namespace cnisim::dataplane::devices
