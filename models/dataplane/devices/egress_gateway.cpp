#include "models/dataplane/devices/egress_gateway.hpp"

#include <functional>

namespace cnisim::dataplane::devices {

using cluster::kNone;

EgressGateway::EgressGateway(const cluster::Cluster& cluster, const scenario::CostProfile& profile,
                             const Wiring& wiring)
    : egress_(&cluster.egress()) {
  const cluster::DeviceId device = egress_->device;
  if (device == kNone) return;
  to_vnet_ = wiring.between(device, cluster.vnet_router());
  from_vnet_ = wiring.between(cluster.vnet_router(), device);
  to_internet_ = wiring.between(device, cluster.externals()[cluster::kInternetHost].device);
  // A flow holds its port until it has been idle for the idle timeout, whatever its state; a closed
  // TCP connection's port is held for the hold time after its last packet.
  const std::int64_t idle = egress_->idleTimeoutPs;
  const std::int64_t hold = profile.egress.port_hold_after_close.ps();
  config_.tcp_syn_sent_ps = config_.tcp_syn_recv_ps = config_.tcp_established_ps = idle;
  config_.tcp_fin_wait_ps = config_.tcp_close_wait_ps = config_.tcp_last_ack_ps = idle;
  config_.tcp_time_wait_ps = config_.tcp_close_ps = hold;
  config_.udp_ps = config_.udp_stream_ps = config_.icmp_ps = config_.generic_ps = idle;
  tables_.resize(egress_->blocks.size());
}

net::ConntrackTable& EgressGateway::table(std::uint32_t block) {
  auto& t = tables_[block];
  if (!t) {
    const auto& b = egress_->blocks[block];
    t = std::make_unique<net::ConntrackTable>(net::PortRange{b.first, b.last, true}, config_);
  }
  return *t;
}

std::uint32_t EgressGateway::ports_in_use(std::uint32_t block, net::Protocol protocol,
                                          net::Endpoint destination) const {
  const auto& t = tables_.at(block);
  if (!t) return 0;
  return t->snat_ports_in_use(egress_->publicIps[egress_->blocks[block].ip], protocol, destination);
}

std::uint32_t EgressGateway::block_of(net::Ipv4 ip, std::uint16_t port) const {
  for (std::uint32_t b = 0; b < egress_->blocks.size(); ++b) {
    const auto& block = egress_->blocks[b];
    if (block.ip != kNone && egress_->publicIps[block.ip] == ip && port >= block.first && port <= block.last) return b;
  }
  return kNone;
}

std::int64_t EgressGateway::serve(const ServeContext& cx, Packet& p) {
  return p.in_link == from_vnet_ ? outbound(cx, p) : inbound(cx, p);
}

std::int64_t EgressGateway::outbound(const ServeContext& cx, Packet& p) {
  const cluster::Cluster& c = cx.cluster;
  // The node the packet leaves from: its source is the node's address (or a pod's, without masquerade).
  const auto owner = c.owner_of(p.tuple.src);
  using Kind = cluster::Cluster::AddressOwner::Kind;
  if (!owner || owner->kind == Kind::External) {
    ServeContext::drop(p, DropReason::NotForUs);
    return 0;
  }
  const cluster::NodeIndex node = owner->kind == Kind::Node ? owner->index : c.pods()[owner->index].node;
  // The blocks the node may use, in the order it uses them: the load balancer's preallocated ones; a
  // NAT gateway's public IPs, starting at one chosen by the flow's hash (it picks among its IPs).
  std::uint32_t first = 0, count = 0;
  if (egress_->kind == cluster::Egress::Kind::LoadBalancer) {
    first = node * egress_->blocksPerNode;
    count = egress_->blocksPerNode;
  } else {
    count = static_cast<std::uint32_t>(egress_->blocks.size());
    first = count == 0 ? 0 : static_cast<std::uint32_t>(std::hash<net::FiveTuple>{}(p.tuple) % count);
  }
  auto block_at = [&](std::uint32_t i) {
    return egress_->kind == cluster::Egress::Kind::LoadBalancer ? first + i : (first + i) % count;
  };
  const net::Endpoint before{p.tuple.src, p.tuple.src_port};
  const bool per_node = egress_->kind == cluster::Egress::Kind::LoadBalancer;
  auto done = [&](const net::Tracked& t, std::uint32_t block, bool created) {
    p.tuple = t.tuple;
    if (cx.trace) [[unlikely]] {
      const auto& b = egress_->blocks[block];
      const net::Endpoint destination{p.tuple.dst, p.tuple.dst_port};
      cx.note(facts::EgressSnat{net::Direction::Original, created, before, {p.tuple.src, p.tuple.src_port}, b.first,
                                b.last, ports_in_use(block, p.tuple.protocol, destination), false, false, per_node});
    }
    cx.forward_on(p, to_internet_);
    return std::int64_t{0};
  };
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t block = block_at(i);
    if (egress_->blocks[block].ip == kNone || !tables_[block]) continue;
    if (const auto t = tables_[block]->lookup(p.tuple, cx.now_ps, p.tcp_flags)) return done(*t, block, false);
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t block = block_at(i);
    const auto& b = egress_->blocks[block];
    if (b.ip == kNone) continue;
    try {
      net::NatAction action;
      action.snat = egress_->publicIps[b.ip];
      return done(table(block).create(p.tuple, action, cx.now_ps), block, true);
    } catch (const net::PortExhaustedError&) {
      continue;  // this block has no port left towards the destination: the next one, if any
    }
  }
  if (cx.trace) [[unlikely]] {
    const auto& b = count > 0 ? egress_->blocks[block_at(0)] : cluster::SnatPortBlock{};
    cx.note(facts::EgressSnat{net::Direction::Original, false, before, {}, b.first, b.last, 0, true, false, per_node});
  }
  ServeContext::drop(p, DropReason::SnatPortsExhausted);
  return 0;
}

std::int64_t EgressGateway::inbound(const ServeContext& cx, Packet& p) {
  const net::Endpoint before{p.tuple.dst, p.tuple.dst_port};
  const std::uint32_t block = block_of(p.tuple.dst, p.tuple.dst_port);
  std::optional<net::Tracked> t;
  if (block != kNone && tables_[block]) t = tables_[block]->lookup(p.tuple, cx.now_ps, p.tcp_flags);
  if (!t || t->direction != net::Direction::Reply) {
    if (cx.trace) [[unlikely]]
      cx.note(facts::EgressSnat{net::Direction::Reply, false, before, {}, 0, 0, 0, false, true});
    ServeContext::drop(p, DropReason::NotForUs);
    return 0;
  }
  p.tuple = t->tuple;
  if (cx.trace) [[unlikely]]
    cx.note(facts::EgressSnat{net::Direction::Reply, false, before, {p.tuple.dst, p.tuple.dst_port}, 0, 0, 0, false, false});
  cx.forward_on(p, to_vnet_);
  return 0;
}

}  // namespace cnisim::dataplane::devices
