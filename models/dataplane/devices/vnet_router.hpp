#pragma once
// Azure's VNet (its SDN): the Azure route table of the subnet the packet leaves (system routes plus,
// for the node subnet, its route table's UDRs such as kubenet's), then delivery to whoever owns the
// address the route delivers to.
#include <cstdint>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class VnetRouter {
 public:
  VnetRouter(const cluster::Cluster& cluster, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, Packet& p) const;

 private:
  // The router's link to each node's NIC and to each external host, resolved once (the router has a
  // neighbour per node: a search per packet would grow with the cluster).
  std::vector<std::uint32_t> nic_link_;       // [node]
  std::vector<std::uint32_t> external_link_;  // [external]
  std::uint32_t egress_link_ = cluster::kNone;  // to the egress device (outboundType loadBalancer, NAT gateway)
  std::vector<std::uint32_t> foreign_in_links_;  // links in from outside the node subnet (a handful)
};

}  // namespace cnisim::dataplane::devices
