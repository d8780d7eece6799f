// The queueing core: FIFO servers for devices, serializer + pipe for each link direction, and the one
// dispatch of a packet to its device kind's serve step (devices/).
// At most one pending event per server, serializer and pipe; states are checked (CNISIM_CHECK, on in
// the sanitizer builds).
#include "models/dataplane/network.hpp"

#include <algorithm>

#include "models/scenario/spec_enum_names.hpp"
#include "sim/check.hpp"

namespace cnisim::dataplane {

using scenario::DeviceKind;
using cluster::kNone;

namespace {
// Served as an infinite server, without a queue: the world outside the cluster (many machines),
// Azure's egress SNAT, which runs distributed over its hosts rather than in one box, and a virtual
// appliance (Azure Firewall scales out; its queueing is not modelled), and the network between zones
// (its cost is a propagation delay).
bool is_infinite_server(DeviceKind k) {
  return k == DeviceKind::ExternalVm || k == DeviceKind::InternetHost || k == DeviceKind::LoadBalancer ||
         k == DeviceKind::NatGateway || k == DeviceKind::VirtualAppliance || k == DeviceKind::ZoneCrossing;
}
std::size_t index(DeviceKind k) { return static_cast<std::size_t>(k); }
}  // namespace

Network::Network(const cluster::Cluster& cluster, const CostProfile& profile, sim::Simulator& sim,
                 NetworkOptions options)
    : cluster_(cluster),
      profile_(profile),
      sim_(sim),
      options_(options),
      wiring_(cluster),
      lookups_(cluster, profile_, options.seed, options.measure_host),
      devices_(cluster, profile_, wiring_, options.seed),
      serve_context_{cluster, profile_, wiring_, lookups_, counters_} {
  counters_.policy.engine = std::string(
      scenario::name_of<scenario::NetworkPolicy>(cluster.spec().cluster.networkProfile.networkPolicy,
                                                 scenario::kNetworkPolicyNames));
  build_links();
  build_receive_queues();
}

std::int64_t Network::serve(cluster::DeviceId device, PacketId id) {
  const cluster::Device& d = cluster_.devices()[device];
  Packet& p = pool_[id];
  ServeContext& cx = serve_context_;
  cx.now_ps = sim_.now().ps();
  cx.trace = nullptr;
  if (p.traced) [[unlikely]] {
    TraceHop hop;
    hop.packet = id;
    hop.device = device;
    hop.arrive_ps = p.stage_ps;
    hop.start_ps = cx.now_ps;
    hop.ttl_in = p.ttl;
    hop.before = p.tuple;
    trace_.push_back(std::move(hop));
    cx.trace = &trace_.back();
  }
  if (observer_ && scenario::info(d.kind).captured) [[unlikely]] {
    observer_->seen(device, p.in_link == kNone ? kNone : wiring_.link(p.in_link).from, p.stage_ps, id, p);
  }
  const DeviceCost& c = profile_.device(d.kind);
  std::int64_t cost = c.fixed.ps() + c.per_byte.ps() * p.size;
  p.verdict = Verdict::Forward;
  devices::Devices& devs = devices_;
  switch (d.kind) {
    case DeviceKind::PodNamespace:
      cost += devs.pods.serve(cx, d, p);
      break;
    case DeviceKind::VethPodEnd:
    case DeviceKind::VethHostEnd:
      cost += devs.veths.serve(cx, d, p);
      break;
    case DeviceKind::Bridge:
      cost += devs.bridges.serve(cx, d, p, devs.stacks.conntrack(d.node), devs.policies);
      break;
    case DeviceKind::NodeStack:
      cost += devs.stacks.serve(cx, d, p);
      break;
    case DeviceKind::Nic:
      cost += devs.nics.serve(cx, d, p);
      break;
    case DeviceKind::VnetRouter:
      cost += devs.vnet.serve(cx, p);
      break;
    case DeviceKind::ExternalVm:
    case DeviceKind::InternetHost:
      cost += devs.externals.serve(cx, device, d, p);
      break;
    case DeviceKind::LoadBalancer:
    case DeviceKind::NatGateway:
      cost += devs.egress.serve(cx, p);
      break;
    case DeviceKind::VirtualAppliance:
      cost += devs.appliances.serve(cx, device, d, p);
      break;
    case DeviceKind::VxlanDevice:
    case DeviceKind::IpipDevice:
      cost += devs.tunnels.serve(cx, d, p);
      break;
    case DeviceKind::ZoneCrossing:
      cost += devs.vnet.serve_crossing(cx, device, p);
      break;
  }
  if (TraceHop* t = cx.trace) [[unlikely]] {
    t->end_ps = t->start_ps + cost;
    t->ttl_out = p.ttl;
    t->after = p.tuple;
    t->verdict = p.verdict;
    t->reason = p.drop_reason;
    if (p.verdict != Verdict::Forward) t->next_device = kNone;
    cx.trace = nullptr;
  }
  return cost;
}

Network::~Network() = default;

net::Ipv4 Network::address_of(HostRef host) const {
  switch (host.kind) {
    case HostRef::Kind::Pod:
      return cluster_.pods()[host.index].ip;
    case HostRef::Kind::Node:
      return cluster_.nodes()[host.index].ip;
    case HostRef::Kind::External:
      return cluster_.externals()[host.index].ip;
  }
  return {};
}

PacketId Network::send_segment(HostRef from, const net::FiveTuple& tuple, const transport::Segment& segment,
                               std::uint8_t kind, std::uint32_t tag, std::uint32_t tag_generation, bool traced) {
  const PacketId id = pool_.allocate();
  Packet& p = pool_[id];
  p.tag_generation = tag_generation;
  p.tcp_flags = segment.flags;
  p.tcp_retransmission = segment.retransmission;
  p.tcp_seq = segment.seq;
  p.tcp_ack = segment.ack;
  p.tcp_window = segment.window;
  launch(from, id, tuple, segment.wire_bytes(), kind, tag, traced);
  return id;
}

PacketId Network::send(HostRef from, const net::FiveTuple& tuple, std::uint32_t size, std::uint8_t kind,
                       std::uint32_t tag, bool traced, std::uint32_t tag_generation) {
  const PacketId id = pool_.allocate();
  pool_[id].tag_generation = tag_generation;
  launch(from, id, tuple, size, kind, tag, traced);
  return id;
}

void Network::launch(HostRef from, PacketId id, const net::FiveTuple& tuple, std::uint32_t size, std::uint8_t kind,
                     std::uint32_t tag, bool traced) {
  Packet& p = pool_[id];
  p.tuple = tuple;
  p.size = size;
  p.ttl = static_cast<std::uint8_t>(profile_.initial_ttl);
  p.kind = kind;
  p.tag = tag;
  p.traced = traced;
  ++counters_.packets_sent;
  cluster::DeviceId device = kNone;
  switch (from.kind) {
    case HostRef::Kind::Pod:
      device = cluster_.pods()[from.index].netns;
      break;  // hostNetwork: the node stack
    case HostRef::Kind::Node:
      device = cluster_.nodes()[from.index].stack;
      break;
    case HostRef::Kind::External:
      device = cluster_.externals()[from.index].device;
      break;
  }
  arrive(server_for(device, kNone, p), id);
}

void Network::fifo_push(Fifo& q, PacketId id) {
  pool_[id].next = kNoPacket;
  if (q.tail == kNoPacket) {
    q.head = id;
  } else {
    pool_[q.tail].next = id;
  }
  q.tail = id;
  ++q.length;
}

PacketId Network::fifo_pop(Fifo& q) {
  const PacketId id = q.head;
  CNISIM_CHECK(id != kNoPacket);
  q.head = pool_[id].next;
  if (q.head == kNoPacket) q.tail = kNoPacket;
  --q.length;
  return id;
}

std::uint32_t Network::server_for(cluster::DeviceId device, std::uint32_t in_link, const Packet& p) const {
  if (device == cluster_.vnet_router()) return vnet_server_of_link_[in_link];
  const std::uint32_t base = queue_base_[device];
  if (base == kNone) return device;
  const auto queue = static_cast<std::uint32_t>(std::hash<net::FiveTuple>{}(p.tuple) %
                                                node_queues_[cluster_.devices()[device].node]);
  return queue == 0 ? device : base + queue - 1;
}

void Network::arrive(std::uint32_t server, PacketId id) {
  Server& s = servers_[server];
  Packet& p = pool_[id];
  p.stage_ps = sim_.now().ps();
  if (p.in_link != kNone && s.queue.length >= link_classes_[links_[p.in_link].cls].limit) {
    drop(id, DropReason::QueueFull);
    return;
  }
  const DeviceKind kind = s.kind;
  if (is_infinite_server(kind)) [[unlikely]] {
    // An infinite-server delay, one event per packet (see is_infinite_server).
    const cluster::DeviceId device = device_of(server);
    const std::int64_t service = serve(device, id);
    counters_.devices[index(kind)].service_ps += service;
    sim_.schedule_in(sim::ps(service), [this, device, kind, id] {
      Packet& q = pool_[id];
      ++q.hops;
      ++counters_.packet_hops;
      ++counters_.devices[index(kind)].traversals;
      if (q.verdict == Verdict::Forward) {
        link_send(q.out_link, id);
      } else if (q.verdict == Verdict::Deliver) {
        deliver(id, HostRef{HostRef::Kind::External, cluster_.devices()[device].pod});
      } else {
        drop(id, q.drop_reason);
      }
    });
    return;
  }
  fifo_push(s.queue, id);
  if (s.state == State::Idle) start_service(server);
}

void Network::start_service(std::uint32_t server) {
  Server& s = servers_[server];
  CNISIM_CHECK(s.state == State::Idle && s.queue.length > 0);
  s.state = State::Busy;
  const PacketId id = s.queue.head;
  const std::int64_t now = sim_.now().ps();
  auto& times = counters_.devices[index(s.kind)];
  times.queueing_ps += now - pool_[id].stage_ps;
  const std::int64_t service = serve(device_of(server), id);
  times.service_ps += service;
  sim_.schedule_in(sim::ps(service), [this, server] { finish_service(server); });
}

void Network::finish_service(std::uint32_t server) {
  Server& s = servers_[server];
  CNISIM_CHECK(s.state == State::Busy);
  const PacketId id = fifo_pop(s.queue);
  s.state = State::Idle;
  ++counters_.devices[index(s.kind)].traversals;
  ++counters_.packet_hops;
  Packet& p = pool_[id];
  ++p.hops;
  switch (p.verdict) {
    case Verdict::Forward:
      link_send(p.out_link, id);
      break;
    case Verdict::Deliver: {
      const cluster::Device& d = cluster_.devices()[device_of(server)];
      const HostRef at = d.kind == DeviceKind::PodNamespace ? HostRef{HostRef::Kind::Pod, d.pod}
                                                            : HostRef{HostRef::Kind::Node, d.node};
      deliver(id, at);
      break;
    }
    case Verdict::Drop:
      drop(id, p.drop_reason);
      break;
  }
  // Acting may have queued more here (a reply sent from this very namespace); start the next one.
  if (s.state == State::Idle && s.queue.length > 0) start_service(server);
}

void Network::link_send(std::uint32_t link, PacketId id) {
  const LinkHot& l = links_[link];
  if (l.queue == kNone) {  // neither a rate nor a delay: the packet is there at once
    link_deliver(link, id);
    return;
  }
  const LinkClass& c = link_classes_[l.cls];
  TimedLink& q = timed_[l.queue];
  if (c.rate_bps == 0) {
    counters_.links[static_cast<std::size_t>(l.kind)].wire_ps += c.delay_ps;
    pipe_push(link, id, sim_.now().ps() + c.delay_ps);
    return;
  }
  if (q.serializer.length >= c.limit) {
    drop(id, DropReason::QueueFull);
    return;
  }
  pool_[id].stage_ps = sim_.now().ps();
  fifo_push(q.serializer, id);
  if (q.serializer_state == State::Idle) start_transmission(link);
}

void Network::start_transmission(std::uint32_t link) {
  const LinkHot& l = links_[link];
  const LinkClass& c = link_classes_[l.cls];
  TimedLink& q = timed_[l.queue];
  CNISIM_CHECK(q.serializer_state == State::Idle && q.serializer.length > 0);
  q.serializer_state = State::Busy;
  const Packet& p = pool_[q.serializer.head];
  const std::int64_t now = sim_.now().ps();
  const sim::Time tx = sim::serialization_time(p.size, sim::bps(c.rate_bps));
  auto& times = counters_.links[static_cast<std::size_t>(l.kind)];
  times.queueing_ps += now - p.stage_ps;
  times.wire_ps += tx.ps() + c.delay_ps;
  sim_.schedule_in(tx, [this, link] { finish_transmission(link); });
}

void Network::finish_transmission(std::uint32_t link) {
  const LinkHot& l = links_[link];
  const std::int64_t delay_ps = link_classes_[l.cls].delay_ps;
  TimedLink& q = timed_[l.queue];
  CNISIM_CHECK(q.serializer_state == State::Busy);
  const PacketId id = fifo_pop(q.serializer);
  q.serializer_state = State::Idle;
  if (q.serializer.length > 0) start_transmission(link);
  if (delay_ps == 0) {
    link_deliver(link, id);
  } else {
    pipe_push(link, id, sim_.now().ps() + delay_ps);
  }
}

void Network::pipe_push(std::uint32_t link, PacketId id, std::int64_t arrival_ps) {
  TimedLink& q = timed_[links_[link].queue];
  pool_[id].stage_ps = arrival_ps;
  fifo_push(q.pipe, id);
  if (q.pipe_state == State::Idle) {
    q.pipe_state = State::Busy;
    sim_.schedule_at(sim::ps(arrival_ps), [this, link] { pipe_arrive(link); });
  }
}

void Network::pipe_arrive(std::uint32_t link) {
  TimedLink& q = timed_[links_[link].queue];
  CNISIM_CHECK(q.pipe_state == State::Busy);
  const PacketId id = fifo_pop(q.pipe);
  if (q.pipe.length > 0) {
    sim_.schedule_at(sim::ps(pool_[q.pipe.head].stage_ps), [this, link] { pipe_arrive(link); });
  } else {
    q.pipe_state = State::Idle;
  }
  link_deliver(link, id);
}

void Network::link_deliver(std::uint32_t link, PacketId id) {
  const LinkHot& l = links_[link];
  ++counters_.links[static_cast<std::size_t>(l.kind)].traversals;
  ++counters_.packet_hops;
  Packet& p = pool_[id];
  ++p.hops;
  p.in_link = link;
  arrive(server_for(l.to, link, p), id);
}

void Network::drop(PacketId id, DropReason reason) {
  Packet& p = pool_[id];
  ++counters_.packets_dropped;
  ++counters_.drops[static_cast<std::size_t>(reason)];
  for (std::size_t t = 0; t < kTableKindCount; ++t) counters_.lookups[t] += p.lookups[t];
  if (handler_) handler_->dropped(id, p, reason);
  pool_.release(id);
}

void Network::deliver(PacketId id, HostRef at) {
  Packet& p = pool_[id];
  ++counters_.packets_delivered;
  if (counters_.hops_histogram.size() <= p.hops) counters_.hops_histogram.resize(p.hops + 1u, 0);
  ++counters_.hops_histogram[p.hops];
  for (std::size_t t = 0; t < kTableKindCount; ++t) counters_.lookups[t] += p.lookups[t];
  if (handler_) handler_->delivered(id, p, at);
  pool_.release(id);
}


void Network::add_to(Results& r) const {
  const Results& c = counters_;
  r.packets_sent += c.packets_sent;
  r.packets_delivered += c.packets_delivered;
  r.packets_dropped += c.packets_dropped;
  r.packet_hops += c.packet_hops;
  if (r.hops_histogram.size() < c.hops_histogram.size()) r.hops_histogram.resize(c.hops_histogram.size(), 0);
  for (std::size_t h = 0; h < c.hops_histogram.size(); ++h) r.hops_histogram[h] += c.hops_histogram[h];
  for (std::size_t t = 0; t < kTableKindCount; ++t) r.lookups[t] += c.lookups[t];
  r.iptables_rules_walked += c.iptables_rules_walked;
  r.bpf_conntrack_lookups += c.bpf_conntrack_lookups;
  r.nat.snat += c.nat.snat;
  r.nat.dnat += c.nat.dnat;
  r.nat.reverse += c.nat.reverse;
  r.nat.conntrack_created += c.nat.conntrack_created;
  r.policy.engine = c.policy.engine;
  r.policy.connections_checked += c.policy.connections_checked;
  r.policy.denied += c.policy.denied;
  r.policy.rules_walked += c.policy.rules_walked;
  r.policy.set_lookups += c.policy.set_lookups;
  r.policy.map_lookups += c.policy.map_lookups;
  devices_.stacks.add_to(r);
  for (std::size_t d = 0; d < kDropReasonCount; ++d) r.drops[d] += c.drops[d];
  auto add = [](HopTime& to, const HopTime& from) {
    to.traversals += from.traversals;
    to.queueing_ps += from.queueing_ps;
    to.service_ps += from.service_ps;
    to.wire_ps += from.wire_ps;
  };
  for (std::size_t k = 0; k < kDeviceKindCount; ++k) add(r.devices[k], c.devices[k]);
  for (std::size_t k = 0; k < kLinkKindCount; ++k) add(r.links[k], c.links[k]);
}

}  // namespace cnisim::dataplane
