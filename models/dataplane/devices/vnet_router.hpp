#pragma once
// Azure's VNet (its SDN): the Azure route table of the subnet the packet leaves (system routes plus,
// for the node subnet, its route table's UDRs such as kubenet's), then delivery to whoever owns the
// address the route delivers to.
#include <array>
#include <cstdint>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class VnetRouter {
 public:
  VnetRouter(const cluster::Cluster& cluster, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, Packet& p) const;
  // A zone crossing (device `crossing`): on to the NIC of the node that holds p.l2_next, the address the
  // VNet delivers to.
  std::int64_t serve_crossing(const ServeContext& cx, cluster::DeviceId crossing, Packet& p) const;

 private:
  // The router's link to each node's NIC and to each external host, resolved once (the router has a
  // neighbour per node: a search per packet would grow with the cluster).
  std::vector<std::uint32_t> nic_link_;       // [node]
  std::vector<std::uint32_t> external_link_;  // [external]
  std::uint32_t egress_link_ = cluster::kNone;  // to the egress device (outboundType loadBalancer, NAT gateway)
  std::vector<std::uint32_t> foreign_in_links_;  // links in from outside the node subnet (a handful)
  // Availability zones (empty without them): the router's link to each zone crossing [from][to], and
  // each crossing's link to each node's NIC [from * 4 + to][node].
  std::array<std::array<std::uint32_t, 4>, 4> crossing_link_{};
  std::vector<std::vector<std::uint32_t>> crossing_nic_link_;
};

}  // namespace cnisim::dataplane::devices
