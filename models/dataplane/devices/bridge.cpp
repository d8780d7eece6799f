#include "models/dataplane/devices/bridge.hpp"

#include <algorithm>

namespace cnisim::dataplane::devices {

using cluster::DeviceId;
using cluster::kNone;

Bridges::Bridges(const cluster::Cluster& cluster) : fdb_(cluster.nodes().size()) {
  const auto& nodes = cluster.nodes();
  for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
    if (cluster.devices()[nodes[n].podAttach].kind != scenario::DeviceKind::Bridge) continue;
    auto& fdb = fdb_[n];
    for (cluster::PodIndex p : cluster.pods_on(n)) {
      const auto& pod = cluster.pods()[p];
      if (pod.vethHost == kNone) continue;
      fdb.emplace_back(pod.ip.value, pod.vethHost);
    }
    std::sort(fdb.begin(), fdb.end());
  }
}

std::int64_t Bridges::serve(const ServeContext& cx, DeviceId device, const cluster::Device& d, Packet& p,
                            net::ConntrackTable& conntrack) const {
  const cluster::Node& node = cx.cluster.nodes()[d.node];
  const bool from_port = cx.came_from(p) != node.stack;
  if (from_port && p.l2_next == node.podGateway) {
    if (cx.trace) cx.note(facts::ToBridgeAddress{node.podGateway});
    cx.forward(p, device, node.stack);
    return 0;
  }
  const auto& fdb = fdb_[d.node];
  const auto it = std::lower_bound(fdb.begin(), fdb.end(), std::make_pair(p.l2_next.value, DeviceId{0}));
  if (it == fdb.end() || it->first != p.l2_next.value) {
    if (cx.trace) cx.note(facts::FdbLookup{p.l2_next, kNone});
    ServeContext::drop(p, DropReason::NoNeighbour);
    return 0;
  }
  std::int64_t cost = 0;
  if (from_port) {
    cost += cx.profile.conntrack_lookup.ps() + cx.profile.bridge_hooks.ps();
    if (auto tracked = conntrack.lookup(p.tuple, cx.now_ps, p.opens); tracked && tracked->tuple != p.tuple) {
      if (cx.trace) {
        cx.note(facts::ConntrackTranslated{true, tracked->direction, p.tuple, tracked->tuple,
                                           conntrack.connection(tracked->connection).state});
      }
      p.tuple = tracked->tuple;
      cost += cx.profile.nat_rewrite.ps();
      ++(tracked->direction == net::Direction::Reply ? cx.counters.nat.reverse : cx.counters.nat.dnat);
    }
  }
  if (cx.trace) cx.note(facts::FdbLookup{p.l2_next, it->second});
  cx.forward(p, device, it->second);
  return cost;
}

}  // namespace cnisim::dataplane::devices
