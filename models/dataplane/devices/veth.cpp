#include "models/dataplane/devices/veth.hpp"

namespace cnisim::dataplane::devices {

Veths::Veths(const cluster::Cluster& cluster, const Wiring& wiring) {
  for (const auto& pod : cluster.pods()) {
    Links l;
    if (pod.vethPod != cluster::kNone) {
      const cluster::DeviceId attach = cluster.nodes()[pod.node].podAttach;
      l = {wiring.between(pod.vethPod, pod.vethHost), wiring.between(pod.vethPod, pod.netns),
           wiring.between(pod.vethHost, attach), wiring.between(pod.vethHost, pod.vethPod)};
    }
    links_.push_back(l);
  }
}

std::int64_t Veths::serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const {
  const cluster::Pod& pod = cx.cluster.pods()[d.pod];
  const Links& l = links_[d.pod];
  const cluster::DeviceId from = cx.came_from(p);
  if (d.kind == scenario::DeviceKind::VethPodEnd) {
    if (from == pod.netns) {
      cx.forward_on(p, l.pod_to_host, pod.vethHost);
    } else {
      cx.forward_on(p, l.pod_to_netns, pod.netns);
    }
  } else if (from == pod.vethPod) {
    // The host end leads to whatever the pod is attached to on the node: its bridge, or its stack (routed).
    cx.forward_on(p, l.host_to_attach, cx.cluster.nodes()[d.node].podAttach);
  } else {
    cx.forward_on(p, l.host_to_pod, pod.vethPod);
  }
  return 0;
}

}  // namespace cnisim::dataplane::devices
