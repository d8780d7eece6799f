#pragma once
// A virtual appliance a route of the node subnet's table names (userDefinedRouting's firewall, or an
// NVA for other prefixes): a router in its own subnet. It forwards what it gets back into the VNet
// (which routes it by the tables of the subnets that have no UDRs), decrementing the TTL as a router
// does; what goes to the internet it first SNATs to its public IP, as Azure Firewall does, with its
// SNAT ports (models/scenario/aks_facts.hpp) per destination, replies translated back.
#include <cstdint>
#include <memory>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"
#include "models/net/conntrack.hpp"

namespace cnisim::dataplane::devices {

class VirtualAppliances {
 public:
  VirtualAppliances(const cluster::Cluster& cluster, const scenario::CostProfile& profile, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d, Packet& p);

 private:
  struct State {
    std::uint32_t to_vnet = cluster::kNone;
    std::unique_ptr<net::ConntrackTable> snat;
  };
  std::vector<State> state_;  // [appliance], in Cluster::appliances() order
  std::vector<std::uint32_t> appliance_of_external_;  // external index -> appliance index
};

}  // namespace cnisim::dataplane::devices
