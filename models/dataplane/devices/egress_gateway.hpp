#pragma once
// The cluster's way to the internet (networkProfile.outboundType): the load balancer's outbound rule or
// a NAT gateway, a device between the VNet and the internet. An outbound packet's source (its node's
// address, after the node's own masquerade) becomes a public IP and a SNAT port; replies from the
// internet are translated back and handed to the VNet.
//
// Ports as Azure hands them out (LBDOCS load-balancer-outbound-connections, NATDOCS nat-gateway):
// the load balancer preallocates each node a block of ports (models/cluster/builder.cpp); a NAT
// gateway shares every port of its public IPs among all nodes. Either reuses a port for flows to
// different destinations (IP, port, protocol), so ports run out per destination: a flow that finds
// every port of its node's block taken towards its destination is dropped (snatPortsExhausted) and
// its connection retries, as Azure documents ("new outbound connections fail ... until a port is
// free"). A port is freed after the flow's idle timeout, or a hold time after its connection closed.
// Each block is a conntrack table (models/net/conntrack.hpp) over that block's port range.
#include <cstdint>
#include <memory>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"
#include "models/net/conntrack.hpp"

namespace cnisim::dataplane::devices {

class EgressGateway {
 public:
  EgressGateway(const cluster::Cluster& cluster, const scenario::CostProfile& profile, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, Packet& p);
  // Ports in use in a block towards a destination (tests and views); 0 for a block never used.
  std::uint32_t ports_in_use(std::uint32_t block, net::Protocol protocol, net::Endpoint destination) const;

 private:
  net::ConntrackTable& table(std::uint32_t block);
  std::int64_t outbound(const ServeContext& cx, Packet& p);
  std::int64_t inbound(const ServeContext& cx, Packet& p);
  // The block that holds a public IP's port (kNone: none).
  std::uint32_t block_of(net::Ipv4 ip, std::uint16_t port) const;

  const cluster::Egress* egress_ = nullptr;
  std::uint32_t to_vnet_ = cluster::kNone;      // link to the VNet router
  std::uint32_t to_internet_ = cluster::kNone;  // link to the internet host
  std::uint32_t from_vnet_ = cluster::kNone;    // the link from the VNet router (in_link of outbound packets)
  net::ConntrackConfig config_;
  std::vector<std::unique_ptr<net::ConntrackTable>> tables_;  // [block], made on first use
};

}  // namespace cnisim::dataplane::devices
