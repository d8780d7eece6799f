#include "models/dataplane/devices/tunnel.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "models/scenario/byo_cni_facts.hpp"

namespace cnisim::dataplane::devices {

using cluster::kNone;
using scenario::Encapsulation;

Tunnels::Tunnels(const cluster::Cluster& cluster, const Wiring& wiring) {
  const auto& byo = cluster.spec().cluster.byoCni;
  if (!byo || byo->encapsulation == Encapsulation::None) return;
  const auto& facts = scenario::byo::facts(byo->name);
  encap_ = byo->encapsulation;
  port_ = facts.vxlan_port;
  vni_ = facts.vni;
  identity_vni_ = byo->name == scenario::ByoCni::Cilium;
  const auto& nodes = cluster.nodes();
  for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
    to_stack_.push_back(wiring.between(nodes[n].tunnel, nodes[n].stack));
    from_stack_.push_back(wiring.between(nodes[n].stack, nodes[n].tunnel));
    if (nodes[n].podCidr) {
      const net::Cidr c = *nodes[n].podCidr;
      ranges_.push_back({c.network().value, c.last().value, n});
    }
  }
  std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return a.first < b.first; });
  if (identity_vni_) {
    // Cilium gives each distinct set of labels (with the namespace) an identity, from 256 up; in the
    // order the workloads are listed here (Cilium's order is its allocator's: modelled).
    std::map<std::pair<std::string, std::map<std::string, std::string>>, std::uint32_t> seen;
    for (const auto& w : cluster.spec().workloads) {
      const auto [it, added] = seen.try_emplace({w.namespace_, w.labels},
                                                scenario::byo::kCiliumFirstPodIdentity + static_cast<std::uint32_t>(seen.size()));
      identity_.push_back(it->second);
    }
  }
}

cluster::NodeIndex Tunnels::peer_of(const cluster::Cluster& cluster, net::Ipv4 gateway) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), gateway.value,
                             [](std::uint32_t v, const Range& r) { return v < r.first; });
  if (it != ranges_.begin() && gateway.value <= (it - 1)->last) return (it - 1)->node;
  const auto owner = cluster.owner_of(gateway);
  if (owner && owner->kind == cluster::Cluster::AddressOwner::Kind::Node) return owner->index;
  return kNone;
}

std::uint32_t Tunnels::vni_of(const cluster::Cluster& cluster, net::Ipv4 source) const {
  if (!identity_vni_) return vni_;
  const auto owner = cluster.owner_of(source);
  if (!owner) return scenario::byo::kCiliumIdentityWorld;
  if (owner->kind == cluster::Cluster::AddressOwner::Kind::Pod && !cluster.host_network(owner->index)) {
    return identity_[cluster.pods()[owner->index].workload];
  }
  if (owner->kind == cluster::Cluster::AddressOwner::Kind::Pod || owner->kind == cluster::Cluster::AddressOwner::Kind::Node) {
    return scenario::byo::kCiliumIdentityHost;
  }
  return scenario::byo::kCiliumIdentityWorld;
}

std::int64_t Tunnels::serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const {
  const cluster::NodeIndex n = d.node;
  const std::uint32_t overhead = scenario::byo::overhead(encap_);
  if (p.encap != Encapsulation::None) {
    // Decapsulation: the pod packet goes back up the device into the stack, to be routed to the pod.
    if (cx.trace) cx.note(facts::Decapsulated{p.encap, p.tuple, p.inner});
    p.tuple = p.inner;
    p.ttl = p.inner_ttl;
    p.size -= overhead;
    p.encap = Encapsulation::None;
    cx.forward_on(p, to_stack_[n]);
    return 0;
  }
  const cluster::NodeIndex peer = peer_of(cx.cluster, p.l2_next);
  if (peer == kNone || peer == n) {
    // No FDB / neighbour entry for the gateway (no node holds it): the kernel drops the packet.
    if (cx.trace) cx.note(facts::NoTunnelPeer{p.l2_next});
    ServeContext::drop(p, DropReason::NoNeighbour);
    return 0;
  }
  const cluster::Node& self = cx.cluster.nodes()[n];
  net::FiveTuple outer;
  outer.src = self.ip;
  outer.dst = cx.cluster.nodes()[peer].ip;
  if (encap_ == Encapsulation::Vxlan) {
    outer.protocol = net::Protocol::Udp;
    // udp_flow_src_port: the inner flow's hash over the local port range, so one flow keeps one port.
    const std::uint32_t span = scenario::byo::kVxlanSourcePortMax - scenario::byo::kVxlanSourcePortMin + 1;
    outer.src_port = static_cast<std::uint16_t>(scenario::byo::kVxlanSourcePortMin +
                                                std::hash<net::FiveTuple>{}(p.tuple) % span);
    outer.dst_port = port_;
    p.vni = vni_of(cx.cluster, p.tuple.src);
  } else {
    outer.protocol = net::Protocol::Ipip;
    p.vni = 0;
  }
  p.inner = p.tuple;
  p.inner_ttl = p.ttl;
  p.tuple = outer;
  p.ttl = static_cast<std::uint8_t>(cx.profile.initial_ttl);
  p.size += overhead;
  p.encap = encap_;
  if (cx.trace) cx.note(facts::Encapsulated{encap_, p.inner, outer, p.vni, peer, overhead});
  cx.forward_on(p, to_stack_[n]);
  return 0;
}

}  // namespace cnisim::dataplane::devices
