#include "models/dataplane/devices/vnet_router.hpp"


namespace cnisim::dataplane::devices {

using cluster::kNone;

VnetRouter::VnetRouter(const cluster::Cluster& cluster, const Wiring& wiring) {
  for (const auto& node : cluster.nodes()) nic_link_.push_back(wiring.between(cluster.vnet_router(), node.nic));
  for (const auto& ext : cluster.externals()) external_link_.push_back(wiring.between(cluster.vnet_router(), ext.device));
}

std::int64_t VnetRouter::serve(const ServeContext& cx, Packet& p) const {
  const cluster::Cluster& c = cx.cluster;
  const net::RouteTable& table = c.azure_route_table();
  std::int64_t cost = 0;
  const net::LookupResult r = cx.look_up(TableKind::Azure, table, p, cost);
  if (!r.found()) {
    cx.no_route(TableKind::Azure, p);
    return cost;
  }
  const net::Route& route = table.route(r.route);
  // Who the route delivers to: the VirtualAppliance's address, else the destination itself.
  net::Ipv4 target = p.tuple.dst;
  cluster::DeviceId next = kNone;
  std::uint32_t link = kNone;
  switch (route.next_hop.type) {
    case net::NextHopType::VirtualAppliance:
      target = route.next_hop.ip;
      break;
    case net::NextHopType::VnetLocal:
    case net::NextHopType::Internet:
      break;
    case net::NextHopType::None:
    case net::NextHopType::Device:
      if (cx.trace) cx.note(facts::AzureRoute{r.route, target, kNone});
      ServeContext::drop(p, DropReason::NoRoute);
      return cost;
  }
  if (const auto owner = c.owner_of(target)) {
    using Kind = cluster::Cluster::AddressOwner::Kind;
    const bool internet = route.next_hop.type == net::NextHopType::Internet;
    if (owner->kind == Kind::External) {
      const auto& ext = c.externals()[owner->index];
      const bool is_internet_host = c.devices()[ext.device].kind == scenario::DeviceKind::InternetHost;
      if (internet == is_internet_host) next = ext.device, link = external_link_[owner->index];
    } else if (!internet) {
      const auto n = owner->kind == Kind::Node ? owner->index : c.pods()[owner->index].node;
      next = c.nodes()[n].nic;
      link = nic_link_[n];
    }
  }
  if (cx.trace) cx.note(facts::AzureRoute{r.route, target, next});
  if (next == kNone) {
    ServeContext::drop(p, DropReason::NoRoute);
    return cost;
  }
  cx.forward_on(p, link, next);
  return cost;
}

}  // namespace cnisim::dataplane::devices
