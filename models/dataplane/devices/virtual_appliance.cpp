#include "models/dataplane/devices/virtual_appliance.hpp"

#include "models/dataplane/devices/node_stack.hpp"

#include <algorithm>

namespace cnisim::dataplane::devices {

using cluster::kNone;

VirtualAppliances::VirtualAppliances(const cluster::Cluster& cluster, const scenario::CostProfile& profile,
                                     const Wiring& wiring)
    : appliance_of_external_(cluster.externals().size(), kNone) {
  // Its SNAT flows last as the kernel's conntrack does (an appliance is a Linux-like router): the
  // profile's conntrack timeouts.
  const net::ConntrackConfig config = conntrack_config(profile.conntrack);
  for (std::uint32_t a = 0; a < cluster.appliances().size(); ++a) {
    const auto& appliance = cluster.appliances()[a];
    appliance_of_external_[appliance.external] = a;
    State s;
    s.to_vnet = wiring.between(cluster.externals()[appliance.external].device, cluster.vnet_router());
    s.snat = std::make_unique<net::ConntrackTable>(net::PortRange{appliance.firstPort, appliance.lastPort, true}, config);
    state_.push_back(std::move(s));
  }
}

std::int64_t VirtualAppliances::serve(const ServeContext& cx, cluster::DeviceId, const cluster::Device& d, Packet& p) {
  const cluster::Cluster& c = cx.cluster;
  const std::uint32_t a = appliance_of_external_[d.pod];
  const cluster::Appliance& appliance = c.appliances()[a];
  State& s = state_[a];
  if (p.tuple.dst == c.externals()[appliance.external].ip) {
    p.verdict = Verdict::Deliver;  // addressed to the appliance itself
    return 0;
  }
  if (p.ttl <= 1) {
    if (cx.trace) [[unlikely]] cx.note(facts::TtlExpired{});
    ServeContext::drop(p, DropReason::TtlExpired);
    return 0;
  }
  --p.ttl;
  const net::Endpoint before{p.tuple.src, p.tuple.src_port};
  // A reply from the internet to its public IP: translated back to the flow's source.
  if (p.tuple.dst == appliance.publicIp) {
    const auto t = s.snat->lookup(p.tuple, cx.now_ps, p.tcp_flags);
    if (!t || t->direction != net::Direction::Reply) {
      if (cx.trace) [[unlikely]]
        cx.note(facts::EgressSnat{net::Direction::Reply, false, {p.tuple.dst, p.tuple.dst_port}, {}, 0, 0, 0, false, true});
      ServeContext::drop(p, DropReason::NotForUs);
      return 0;
    }
    const net::Endpoint public_end{p.tuple.dst, p.tuple.dst_port};
    p.tuple = t->tuple;
    if (cx.trace) [[unlikely]]
      cx.note(facts::EgressSnat{net::Direction::Reply, false, public_end, {p.tuple.dst, p.tuple.dst_port}, 0, 0, 0, false, false});
    cx.forward_on(p, s.to_vnet);
    return 0;
  }
  // Where it goes: into the VNet's address space, forwarded as it is; elsewhere the internet, SNATed.
  const auto& spaces = c.spec().cluster.vnet.addressSpace;
  const auto owner = c.owner_of(p.tuple.dst);
  const bool internet_host =
      owner && owner->kind == cluster::Cluster::AddressOwner::Kind::External && owner->index == cluster::kInternetHost;
  const bool vnet = (owner && !internet_host) ||
                    std::any_of(spaces.begin(), spaces.end(), [&](const net::Cidr& s2) { return s2.contains(p.tuple.dst); });
  if (!vnet) {
    net::Tracked t;
    try {
      net::NatAction action;
      action.snat = appliance.publicIp;
      t = s.snat->track(p.tuple, action, cx.now_ps, p.tcp_flags);
    } catch (const net::PortExhaustedError&) {
      if (cx.trace) [[unlikely]]
        cx.note(facts::EgressSnat{net::Direction::Original, false, before, {}, appliance.firstPort, appliance.lastPort, 0,
                                  true, false});
      ServeContext::drop(p, DropReason::SnatPortsExhausted);
      return 0;
    }
    p.tuple = t.tuple;
    if (cx.trace) [[unlikely]] {
      const net::Endpoint destination{p.tuple.dst, p.tuple.dst_port};
      cx.note(facts::EgressSnat{net::Direction::Original, t.created, before, {p.tuple.src, p.tuple.src_port},
                                appliance.firstPort, appliance.lastPort,
                                s.snat->snat_ports_in_use(appliance.publicIp, p.tuple.protocol, destination), false, false});
    }
  }
  cx.forward_on(p, s.to_vnet);
  return 0;
}

}  // namespace cnisim::dataplane::devices
