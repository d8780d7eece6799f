#include "models/dataplane/devices/bridge.hpp"

#include <algorithm>

namespace cnisim::dataplane::devices {

using cluster::DeviceId;
using cluster::kNone;

Bridges::Bridges(const cluster::Cluster& cluster, const Wiring& wiring)
    : fdb_(cluster.nodes().size()), to_stack_(cluster.nodes().size(), kNone), from_stack_(cluster.nodes().size(), kNone) {
  const auto& nodes = cluster.nodes();
  for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
    const DeviceId bridge = nodes[n].podAttach;
    if (cluster.devices()[bridge].kind != scenario::DeviceKind::Bridge) continue;
    to_stack_[n] = wiring.between(bridge, nodes[n].stack);
    from_stack_[n] = wiring.between(nodes[n].stack, bridge);
    auto& fdb = fdb_[n];
    for (cluster::PodIndex p : cluster.pods_on(n)) {
      const auto& pod = cluster.pods()[p];
      if (pod.vethHost == kNone) continue;
      fdb.push_back({pod.ip.value, pod.vethHost, wiring.between(bridge, pod.vethHost)});
    }
    std::sort(fdb.begin(), fdb.end(), [](const Entry& a, const Entry& b) { return a.ip < b.ip; });
  }
}

std::int64_t Bridges::serve(const ServeContext& cx, const cluster::Device& d, Packet& p,
                            net::ConntrackTable& conntrack) const {
  const cluster::Node& node = cx.cluster.nodes()[d.node];
  const bool from_port = p.in_link != from_stack_[d.node];
  if (from_port && p.l2_next == node.podGateway) {
    if (cx.trace) cx.note(facts::ToBridgeAddress{node.podGateway});
    cx.forward_on(p, to_stack_[d.node], node.stack);
    return 0;
  }
  const auto& fdb = fdb_[d.node];
  const auto it = std::lower_bound(fdb.begin(), fdb.end(), p.l2_next.value,
                                   [](const Entry& e, std::uint32_t ip) { return e.ip < ip; });
  if (it == fdb.end() || it->ip != p.l2_next.value) {
    if (cx.trace) cx.note(facts::FdbLookup{p.l2_next, kNone});
    ServeContext::drop(p, DropReason::NoNeighbour);
    return 0;
  }
  std::int64_t cost = 0;
  if (from_port) {
    cost += cx.profile.conntrack_lookup.ps() + cx.profile.bridge_hooks.ps();
    if (auto tracked = conntrack.lookup(p.tuple, cx.now_ps, p.tcp_flags); tracked && tracked->tuple != p.tuple) {
      if (cx.trace) {
        cx.note(facts::ConntrackTranslated{true, tracked->direction, p.tuple, tracked->tuple,
                                           conntrack.connection(tracked->connection).state});
      }
      p.tuple = tracked->tuple;
      cost += cx.profile.nat_rewrite.ps();
      ++(tracked->direction == net::Direction::Reply ? cx.counters.nat.reverse : cx.counters.nat.dnat);
    }
  }
  if (cx.trace) cx.note(facts::FdbLookup{p.l2_next, it->port});
  cx.forward_on(p, it->link, it->port);
  return cost;
}

}  // namespace cnisim::dataplane::devices
