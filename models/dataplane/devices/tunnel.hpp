#pragma once
// A bring-your-own CNI's tunnel device on a node (VXLAN: flannel.1, vxlan.calico, cilium_vxlan; IPIP:
// Calico's tunl0). A pod packet the node's stack routes to it is encapsulated towards the node that
// holds the route's gateway (its pod range, or its address) and handed back to the stack as a packet
// of the node's own; an encapsulated packet the stack received for its own address is decapsulated and
// handed back to be routed to the pod. The kernel's way: vxlan_xmit then ip_local_out, udp_rcv then
// vxlan_rcv and netif_rx on the device (ipip_tunnel_xmit / ipip_rcv alike).
#include <cstdint>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class Tunnels {
 public:
  Tunnels(const cluster::Cluster& cluster, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const;

  // The node's link from its tunnel device to its stack, and the stack's to it (kNone: no tunnel).
  std::uint32_t to_stack(cluster::NodeIndex n) const { return n < to_stack_.size() ? to_stack_[n] : cluster::kNone; }
  std::uint32_t from_stack(cluster::NodeIndex n) const {
    return n < from_stack_.size() ? from_stack_[n] : cluster::kNone;
  }

 private:
  // The node a gateway (or, without one, the destination) belongs to: the node whose pod range holds
  // it, or the node with that address (flannel's and Calico's FDB and neighbour entries, IPIP's onlink
  // gateway, Cilium's tunnel map).
  cluster::NodeIndex peer_of(const cluster::Cluster& cluster, net::Ipv4 gateway) const;
  std::uint32_t vni_of(const cluster::Cluster& cluster, net::Ipv4 source) const;

  scenario::Encapsulation encap_ = scenario::Encapsulation::None;
  std::uint16_t port_ = 0;
  std::uint32_t vni_ = 0;
  bool identity_vni_ = false;  // Cilium: the VNI carries the source's security identity
  std::vector<std::uint32_t> to_stack_, from_stack_;  // [node]
  struct Range {
    std::uint32_t first, last;
    cluster::NodeIndex node;
  };
  std::vector<Range> ranges_;  // the nodes' pod ranges, by first address
  std::vector<std::uint32_t> identity_;  // Cilium: [workload] its pods' security identity
};

}  // namespace cnisim::dataplane::devices
