// What each device does with a packet, on the cluster's real tables. The next device is decided
// only here, only by lookups: the pod's table, the bridge's forwarding database, the node's kernel
// table (after conntrack and Service DNAT), the Azure route table and the address owners.

#include "models/dataplane/network.hpp"

namespace cnisim::dataplane {

using cluster::DeviceId;
using scenario::DeviceKind;
using cluster::kNone;

namespace {

std::string route_text(const net::Route& r) {
  return r.to_string() + (r.name.empty() ? "" : " [" + r.name + "]");
}

}  // namespace

std::int64_t Network::lookup_cost(TableKind table, std::uint32_t work) const {
  const auto t = static_cast<std::size_t>(table);
  switch (profile_.lookup_model) {
    case LookupCostModel::Constant:
      return profile_.lookup_constant[t].ps();
    case LookupCostModel::Proportional:
      return profile_.lookup_per_work[t].ps() * work;
    case LookupCostModel::Measured:
      return measured_lookup_ps_[t];
  }
  return 0;
}

void Network::set_drop(Packet& p, DropReason reason) {
  p.verdict = Verdict::Drop;
  p.drop_reason = reason;
}

void Network::forward_to(Packet& p, DeviceId from, DeviceId to) {
  p.out_link = link_between(from, to);
  if (p.out_link == kNone) {
    set_drop(p, DropReason::NoRoute);  // the table named a device this one is not connected to
    return;
  }
  p.verdict = Verdict::Forward;
  if (current_trace_) current_trace_->next_device = to;
}

std::int64_t Network::serve(DeviceId device, PacketId id) {
  const cluster::Device& d = cluster_.devices()[device];
  Packet& p = pool_[id];
  TraceHop* t = nullptr;
  if (p.traced) [[unlikely]] {
    TraceHop hop;
    hop.packet = id;
    hop.device = device;
    hop.arrive_ps = p.stage_ps;
    hop.start_ps = sim_.now().ps();
    hop.ttl_in = p.ttl;
    hop.before = p.tuple;
    trace_.push_back(std::move(hop));
    t = &trace_.back();
  }
  current_trace_ = t;
  const DeviceCost& c = profile_.device(d.kind);
  std::int64_t cost = c.fixed.ps() + c.per_byte.ps() * p.size;
  p.verdict = Verdict::Forward;
  switch (d.kind) {
    case DeviceKind::PodNamespace:
      cost += serve_pod_namespace(d, p, t);
      break;
    case DeviceKind::VethPodEnd:
    case DeviceKind::VethHostEnd:
      cost += serve_veth(device, d, p);
      break;
    case DeviceKind::Bridge:
      cost += serve_bridge(device, d, p, t);
      break;
    case DeviceKind::NodeStack:
      cost += serve_node_stack(device, d, p, t);
      break;
    case DeviceKind::Nic:
      cost += serve_nic(device, d, p);
      break;
    case DeviceKind::VnetRouter:
      cost += serve_vnet_router(p, t);
      break;
    case DeviceKind::ExternalVm:
    case DeviceKind::InternetHost:
      cost += serve_external(device, d, p);
      break;
  }
  if (t) [[unlikely]] {
    t->end_ps = t->start_ps + cost;
    t->ttl_out = p.ttl;
    t->after = p.tuple;
    t->verdict = p.verdict;
    t->reason = p.drop_reason;
    if (p.verdict != Verdict::Forward) t->next_device = kNone;
  }
  current_trace_ = nullptr;
  return cost;
}

std::int64_t Network::serve_pod_namespace(const cluster::Device& d, Packet& p, TraceHop* t) {
  const cluster::Pod& pod = cluster_.pods()[d.pod];
  if (p.in_link != kNone) {  // arrived on the pod's eth0
    if (p.tuple.dst == pod.ip) {
      p.verdict = Verdict::Deliver;
    } else {
      set_drop(p, DropReason::NotForUs);
    }
    return 0;
  }
  const net::RouteTable& table = cluster_.pod_route_table(d.pod);
  const net::LookupResult r = net::find_route(table, p.tuple.dst);
  ++p.lookups[static_cast<std::size_t>(TableKind::Pod)];
  const std::int64_t cost = lookup_cost(TableKind::Pod, r.work);
  if (!r.found()) {
    if (t) t->notes.push_back("pod route table: no route to " + p.tuple.dst.to_string());
    set_drop(p, DropReason::NoRoute);
    return cost;
  }
  const auto& devs = pod_route_device_[pod.node];
  const net::Route& route = table.route(r.route);
  p.l2_next = route.next_hop.ip.value ? route.next_hop.ip : p.tuple.dst;
  if (t) {
    t->notes.push_back("pod route table: " + route_text(route) + ": " +
                       (route.next_hop.ip.value ? "hand it to the gateway " + route.next_hop.ip.to_string()
                                                : p.tuple.dst.to_string() + " is on the link") +
                       ", out of the pod's eth0");
  }
  if (r.route >= devs.size() || devs[r.route] != kPodEth0) {
    set_drop(p, DropReason::NoRoute);
    return cost;
  }
  forward_to(p, pod.netns, pod.vethPod);
  return cost;
}

std::int64_t Network::serve_veth(DeviceId device, const cluster::Device& d, Packet& p) {
  // A veth pair has exactly one peer: what enters one end leaves the other.
  const cluster::Pod& pod = cluster_.pods()[d.pod];
  const DeviceId from = links_[p.in_link].from;
  if (d.kind == DeviceKind::VethPodEnd) {
    forward_to(p, device, from == pod.netns ? pod.vethHost : pod.netns);
  } else {
    forward_to(p, device, from == pod.vethPod ? cluster_.nodes()[d.node].podAttach : pod.vethPod);
  }
  return 0;
}

std::int64_t Network::serve_bridge(DeviceId device, const cluster::Device& d, Packet& p, TraceHop* t) {
  const cluster::Node& node = cluster_.nodes()[d.node];
  const DeviceId from = links_[p.in_link].from;
  const bool from_port = from != node.stack;
  if (from_port && p.l2_next == node.podGateway) {
    // Addressed to the bridge's own address (the pods' gateway): up into the node's stack.
    if (t)
      t->notes.push_back("addressed to the bridge's own address " + node.podGateway.to_string() +
                         " (the pods' gateway): up into the node's stack");
    forward_to(p, device, node.stack);
    return 0;
  }
  const auto& fdb = bridge_fdb_[d.node];
  const auto it = std::lower_bound(fdb.begin(), fdb.end(), std::make_pair(p.l2_next.value, DeviceId{0}));
  if (it == fdb.end() || it->first != p.l2_next.value) {
    if (t) t->notes.push_back("no port of the bridge has " + p.l2_next.to_string());
    set_drop(p, DropReason::NoNeighbour);
    return 0;
  }
  std::int64_t cost = 0;
  if (from_port) {
    // br_netfilter (bridge-nf-call-iptables=1, which kubenet requires): bridged packets pass
    // conntrack, so replies of a DNATed connection are reverse-translated even between two ports.
    cost += profile_.conntrack_lookup.ps() + profile_.bridge_hooks.ps();
    if (auto tracked = conntrack_[d.node].lookup(p.tuple, sim_.now().ps(), p.opens);
        tracked && tracked->tuple != p.tuple) {
      if (t)
        t->notes.push_back("br_netfilter conntrack: " + p.tuple.to_string() + " becomes " +
                           tracked->tuple.to_string());
      p.tuple = tracked->tuple;
      cost += profile_.nat_rewrite.ps();
      ++(tracked->direction == net::Direction::Reply ? counters_.nat.reverse : counters_.nat.dnat);
    }
  }
  if (t)
    t->notes.push_back("bridge forwarding database: " + p.l2_next.to_string() + " is behind port " +
                       cluster_.device_name(it->second));
  forward_to(p, device, it->second);
  return cost;
}

std::int64_t Network::serve_nic(DeviceId device, const cluster::Device& d, Packet& p) {
  const cluster::Node& node = cluster_.nodes()[d.node];
  forward_to(p, device, links_[p.in_link].from == node.stack ? cluster_.vnet_router() : node.stack);
  return 0;
}

std::int64_t Network::serve_external(DeviceId device, const cluster::Device& d, Packet& p) {
  if (p.in_link != kNone) {
    if (p.tuple.dst == cluster_.externals()[d.pod].ip) {
      p.verdict = Verdict::Deliver;
    } else {
      set_drop(p, DropReason::NotForUs);
    }
    return 0;
  }
  forward_to(p, device, cluster_.vnet_router());
  return 0;
}

std::int64_t Network::serve_vnet_router(Packet& p, TraceHop* t) {
  const net::RouteTable& table = cluster_.azure_route_table();
  const net::LookupResult r = net::find_route(table, p.tuple.dst);
  ++p.lookups[static_cast<std::size_t>(TableKind::Azure)];
  const std::int64_t cost = lookup_cost(TableKind::Azure, r.work);
  if (!r.found()) {
    if (t) t->notes.push_back("Azure route table: no route to " + p.tuple.dst.to_string());
    set_drop(p, DropReason::NoRoute);
    return cost;
  }
  const net::Route& route = table.route(r.route);
  // Who the route delivers to: the VirtualAppliance's address, else the destination itself.
  net::Ipv4 target = p.tuple.dst;
  switch (route.next_hop.type) {
    case net::NextHopType::VirtualAppliance:
      target = route.next_hop.ip;
      break;
    case net::NextHopType::VnetLocal:
    case net::NextHopType::Internet:
      break;
    case net::NextHopType::None:
    case net::NextHopType::Device:
      if (t) t->notes.push_back("Azure route table: " + route_text(route) + ": Azure drops the packet");
      set_drop(p, DropReason::NoRoute);
      return cost;
  }
  const auto owner = cluster_.owner_of(target);
  DeviceId next = kNone;
  std::string who;
  if (owner) {
    using Kind = cluster::Cluster::AddressOwner::Kind;
    const bool internet = route.next_hop.type == net::NextHopType::Internet;
    if (owner->kind == Kind::External) {
      const auto& ext = cluster_.externals()[owner->index];
      const bool is_internet_host = cluster_.devices()[ext.device].kind == DeviceKind::InternetHost;
      if (internet == is_internet_host) next = ext.device, who = ext.name;
    } else if (!internet) {
      const auto n = owner->kind == Kind::Node ? owner->index : cluster_.pods()[owner->index].node;
      next = cluster_.nodes()[n].nic;
      who = "node " + cluster_.nodes()[n].name;
    }
  }
  if (t) {
    std::string text = route.prefix.to_string() + " -> " +
                       (route.next_hop.type == net::NextHopType::VirtualAppliance
                            ? "next hop " + route.next_hop.ip.to_string() + " (VirtualAppliance)"
                            : std::string(net::to_string(route.next_hop.type))) +
                       " in the Azure route table (" + std::string(net::to_string(route.source)) +
                       (route.name.empty() ? "" : " route " + route.name) + ")";
    if (next == kNone) {
      text += ": nobody there owns " + target.to_string() + ", so Azure drops the packet";
    } else if (route.next_hop.type == net::NextHopType::VirtualAppliance) {
      text += ": the packet goes to " + who + ", which forwards it";
    } else {
      text += ": delivered straight to " + who + ", which owns " + target.to_string();
    }
    t->notes.push_back(std::move(text));
  }
  if (next == kNone) {
    set_drop(p, DropReason::NoRoute);
    return cost;
  }
  forward_to(p, cluster_.vnet_router(), next);
  return cost;
}

}  // namespace cnisim::dataplane
