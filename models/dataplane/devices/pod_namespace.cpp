#include "models/dataplane/devices/pod_namespace.hpp"


namespace cnisim::dataplane::devices {

using cluster::kNone;

PodNamespaces::PodNamespaces(const cluster::Cluster& cluster, const Wiring& wiring) : out_of_eth0_(cluster.nodes().size()) {
  for (const auto& pod : cluster.pods()) eth0_link_.push_back(pod.vethPod == kNone ? kNone : wiring.between(pod.netns, pod.vethPod));
  for (cluster::NodeIndex n = 0; n < cluster.nodes().size(); ++n) {
    for (cluster::PodIndex pod : cluster.pods_on(n)) {
      if (cluster.host_network(pod)) continue;
      const auto& table = cluster.pod_route_table(pod);
      auto& eth0 = out_of_eth0_[n];
      for (std::uint32_t id : table.ids()) {
        if (eth0.size() <= id) eth0.resize(id + 1, false);
        eth0[id] = table.route(id).next_hop.device == "eth0";
      }
      break;
    }
  }
}

std::int64_t PodNamespaces::serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const {
  const cluster::Pod& pod = cx.cluster.pods()[d.pod];
  if (p.in_link != kNone) {  // arrived on the pod's eth0
    if (p.tuple.dst == pod.ip) {
      p.verdict = Verdict::Deliver;
      return cx.connection_setup(p, false);
    }
    ServeContext::drop(p, DropReason::NotForUs);
    return 0;
  }
  const net::RouteTable& table = cx.cluster.pod_route_table(d.pod);
  std::int64_t cost = cx.connection_setup(p, true);
  const net::LookupResult r = cx.look_up(TableKind::Pod, table, p, cost);
  if (!r.found()) {
    cx.no_route(TableKind::Pod, p);
    return cost;
  }
  const auto& eth0 = out_of_eth0_[pod.node];
  const bool leaves_by_eth0 = r.route < eth0.size() && eth0[r.route];
  if (cx.trace) {
    cx.note(facts::RouteMatched{TableKind::Pod, pod.node, d.pod, r.route, p.tuple.dst,
                                leaves_by_eth0 ? pod.vethPod : kNone});
  }
  const net::Route& route = table.route(r.route);
  p.l2_next = route.next_hop.ip.value ? route.next_hop.ip : p.tuple.dst;
  if (!leaves_by_eth0) {
    ServeContext::drop(p, DropReason::NoRoute);
    return cost;
  }
  cx.forward_on(p, eth0_link_[d.pod], pod.vethPod);
  return cost;
}

}  // namespace cnisim::dataplane::devices
