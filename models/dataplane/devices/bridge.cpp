#include "models/dataplane/devices/bridge.hpp"

#include <algorithm>

#include "models/dataplane/devices/node_stack.hpp"
#include "models/dataplane/devices/policy_engine.hpp"

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

std::int64_t Bridges::serve(const ServeContext& cx, const cluster::Device& d, Packet& p, net::ConntrackTable& conntrack,
                            const cluster::NetworkPolicies& policies) const {
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
    const net::FiveTuple arrived = p.tuple;
    if (auto tracked = conntrack.lookup(p.tuple, cx.now_ps, p.tcp_flags)) {
      cost += enforce_established(cx, policies, d.node, arrived, tracked->direction == net::Direction::Reply);
      if (tracked->tuple != p.tuple) {
        if (cx.trace) {
          cx.note(facts::ConntrackTranslated{true, tracked->direction, p.tuple, tracked->tuple,
                                             conntrack.connection(tracked->connection).state});
        }
        p.tuple = tracked->tuple;
        cost += cx.profile.nat_rewrite.ps();
        ++(tracked->direction == net::Direction::Reply ? cx.counters.nat.reverse : cx.counters.nat.dnat);
      }
    } else {
      // A new bridged flow: the policy engine's filter rules, then its own conntrack entry.
      cost += enforce_new(cx, policies, d.node, p);
      if (p.verdict == Verdict::Drop) return cost;
      cost += create_connection(cx, conntrack, p, p.tuple, net::NatAction{});
      if (p.verdict == Verdict::Drop) return cost;
    }
  }
  if (cx.trace) cx.note(facts::FdbLookup{p.l2_next, it->port});
  cx.forward_on(p, it->link, it->port);
  return cost;
}

}  // namespace cnisim::dataplane::devices
