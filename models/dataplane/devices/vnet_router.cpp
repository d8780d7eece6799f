#include "models/dataplane/devices/vnet_router.hpp"

#include <algorithm>


namespace cnisim::dataplane::devices {

using cluster::kNone;

VnetRouter::VnetRouter(const cluster::Cluster& cluster, const Wiring& wiring) {
  for (const auto& node : cluster.nodes()) nic_link_.push_back(wiring.between(cluster.vnet_router(), node.nic));
  // What does not come from a node's NIC does not leave the node subnet: the VM's, the internet's.
  for (const auto& ext : cluster.externals()) {
    external_link_.push_back(wiring.between(cluster.vnet_router(), ext.device));
    foreign_in_links_.push_back(wiring.between(ext.device, cluster.vnet_router()));
  }
  if (const auto egress = cluster.egress().device; egress != kNone) {
    egress_link_ = wiring.between(cluster.vnet_router(), egress);
    foreign_in_links_.push_back(wiring.between(egress, cluster.vnet_router()));
  }
  const auto& nodes = cluster.nodes();
  for (std::uint8_t a = 1; a < 4; ++a) {
    for (std::uint8_t b = 1; b < 4; ++b) {
      const auto crossing = cluster.zone_crossing(a, b);
      if (crossing == kNone) continue;
      if (crossing_nic_link_.empty()) crossing_nic_link_.resize(16);
      crossing_link_[a][b] = wiring.between(cluster.vnet_router(), crossing);
      auto& links = crossing_nic_link_[a * 4u + b];
      links.assign(nodes.size(), kNone);
      for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
        if (nodes[n].zone == b) links[n] = wiring.between(crossing, nodes[n].nic);
      }
    }
  }
}

std::int64_t VnetRouter::serve_crossing(const ServeContext& cx, cluster::DeviceId crossing, Packet& p) const {
  const cluster::Cluster& c = cx.cluster;
  const auto owner = c.owner_of(p.l2_next);
  if (!owner || owner->kind == cluster::Cluster::AddressOwner::Kind::External) {
    ServeContext::drop(p, DropReason::NoRoute);
    return 0;
  }
  const auto n = owner->kind == cluster::Cluster::AddressOwner::Kind::Node ? owner->index : c.pods()[owner->index].node;
  cx.forward_on(p, crossing_nic_link_[c.devices()[crossing].pod][n], c.nodes()[n].nic);
  return 0;
}

std::int64_t VnetRouter::serve(const ServeContext& cx, Packet& p) const {
  const cluster::Cluster& c = cx.cluster;
  // The route table of the subnet the packet leaves: the node subnet's (with the cluster's UDRs), or
  // for a packet from elsewhere (the VM's subnet, the internet) the VNet's routes without them.
  const bool other_subnet =
      std::find(foreign_in_links_.begin(), foreign_in_links_.end(), p.in_link) != foreign_in_links_.end();
  const net::RouteTable& table = other_subnet ? c.other_subnet_route_table() : c.azure_route_table();
  std::int64_t cost = 0;
  if (p.tuple.protocol == net::Protocol::Ipip) {
    if (cx.trace) cx.note(facts::IpipBlocked{});
    ServeContext::drop(p, DropReason::IpipBlocked);
    return cost;
  }
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
      if (cx.trace) cx.note(facts::AzureRoute{r.route, target, kNone, other_subnet});
      ServeContext::drop(p, DropReason::NoRoute);
      return cost;
  }
  using Kind = cluster::Cluster::AddressOwner::Kind;
  const bool internet = route.next_hop.type == net::NextHopType::Internet;
  const auto owner = c.owner_of(target);
  if (owner && owner->kind != Kind::External) {
    if (!internet) {
      const auto n = owner->kind == Kind::Node ? owner->index : c.pods()[owner->index].node;
      next = c.nodes()[n].nic;
      link = nic_link_[n];
      // From a node in another availability zone (what came in from a NIC): through the network between the zones.
      const cluster::Device* from =
          crossing_nic_link_.empty() || p.in_link == kNone ? nullptr : &c.devices()[cx.wiring.link(p.in_link).from];
      if (from != nullptr && from->kind == scenario::DeviceKind::Nic) {
        const std::uint8_t a = c.nodes()[from->node].zone, b = c.nodes()[n].zone;
        if (a != 0 && b != 0 && a != b) {
          if (cx.trace) {
            cx.note(facts::AzureRoute{r.route, target, next, other_subnet});
            cx.note(facts::ZoneCrossed{a, b});
          }
          p.l2_next = target;
          cx.forward_on(p, crossing_link_[a][b], c.zone_crossing(a, b));
          return cost;
        }
      }
    }
  } else if (owner && !internet) {
    // A VM in the VNet is reached by its VNet route, not by the internet's.
    const auto& ext = c.externals()[owner->index];
    if (c.devices()[ext.device].kind != scenario::DeviceKind::InternetHost) next = ext.device, link = external_link_[owner->index];
  } else if (const cluster::Appliance* a = internet ? c.appliance_with_public_ip(target) : nullptr) {
    // A reply from the internet to a virtual appliance's public IP.
    next = c.externals()[a->external].device;
    link = external_link_[a->external];
  } else if (internet) {
    // The internet (the internet host stands for all of it). What leaves the cluster's nodes goes out
    // the way outboundType says; another VM in the VNet has its own way out.
    const auto source = c.owner_of(p.tuple.src);
    const bool from_cluster = source && source->kind != Kind::External;
    const auto& egress = c.egress();
    if (from_cluster && egress.kind == cluster::Egress::Kind::None) {
      if (cx.trace) cx.note(facts::EgressPath{kNone});
      ServeContext::drop(p, DropReason::NoOutbound);
      return cost;
    }
    if (from_cluster && egress.device != kNone) {
      if (cx.trace) cx.note(facts::AzureRoute{r.route, target, egress.device, other_subnet});
      cx.forward_on(p, egress_link_, egress.device);
      return cost;
    }
    next = c.externals()[cluster::kInternetHost].device;
    link = external_link_[cluster::kInternetHost];
  }
  if (cx.trace) cx.note(facts::AzureRoute{r.route, target, next, other_subnet});
  if (next == kNone) {
    ServeContext::drop(p, DropReason::NoRoute);
    return cost;
  }
  cx.forward_on(p, link, next);
  return cost;
}

}  // namespace cnisim::dataplane::devices
