#include "models/dataplane/devices/veth.hpp"

namespace cnisim::dataplane::devices {

Veths::Veths(const cluster::Cluster& cluster, const Wiring& wiring)
    : cilium_(cluster.plugin_kind() == cluster::PluginKind::Cilium),
      service_cidr_(cluster.spec().cluster.networkProfile.serviceCidr) {
  links_.reserve(cluster.pods().size());
  for (const auto& pod : cluster.pods()) {
    Links l;
    if (pod.vethPod != cluster::kNone) {
      const cluster::DeviceId attach = cluster.nodes()[pod.node].podAttach;
      l.pod_end = {wiring.between(pod.netns, pod.vethPod), wiring.between(pod.vethPod, pod.vethHost),
                   wiring.between(pod.vethPod, pod.netns)};
      l.host_end = {wiring.between(pod.vethPod, pod.vethHost), wiring.between(pod.vethHost, attach),
                    wiring.between(pod.vethHost, pod.vethPod)};
    }
    links_.push_back(l);
  }
}

std::int64_t Veths::serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const {
  const Links& l = links_[d.pod];
  const bool host = d.kind == scenario::DeviceKind::VethHostEnd;
  const End& end = host ? l.host_end : l.pod_end;
  const bool from_pod = p.in_link == end.in_from_pod_side;
  std::int64_t cost = 0;
  if (cilium_ && host) {
    // bpf_lxc: from-container (lb4_lookup_service on every packet, a miss unless it is for a Service
    // address, then ct_lookup4) or the endpoint's ingress program (ct_lookup4).
    cost += cx.profile.bpf_conntrack_lookup.ps() + (from_pod ? cx.profile.service_map_lookup.ps() : 0);
    ++cx.counters.bpf_conntrack_lookups;
    if (cx.trace) cx.note(facts::BpfLxc{from_pod, from_pod && service_cidr_.contains(p.tuple.dst)});
  }
  // From the pod's side it goes on (the host end leads to whatever the pod is attached to on the node:
  // its bridge, or its stack when routed); from the other side, back towards the pod.
  cx.forward_on(p, from_pod ? end.onwards : end.back);
  return cost;
}

}  // namespace cnisim::dataplane::devices
