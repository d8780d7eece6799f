#include "models/dataplane/devices/veth.hpp"

namespace cnisim::dataplane::devices {

Veths::Veths(const cluster::Cluster& cluster, const Wiring& wiring) {
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
  const End& end = d.kind == scenario::DeviceKind::VethPodEnd ? l.pod_end : l.host_end;
  // From the pod's side it goes on (the host end leads to whatever the pod is attached to on the node:
  // its bridge, or its stack when routed); from the other side, back towards the pod.
  cx.forward_on(p, p.in_link == end.in_from_pod_side ? end.onwards : end.back);
  return 0;
}

}  // namespace cnisim::dataplane::devices
