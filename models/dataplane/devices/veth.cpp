#include "models/dataplane/devices/veth.hpp"

namespace cnisim::dataplane::devices {

std::int64_t Veths::serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d, Packet& p) const {
  const cluster::Pod& pod = cx.cluster.pods()[d.pod];
  const cluster::DeviceId from = cx.came_from(p);
  if (d.kind == scenario::DeviceKind::VethPodEnd) {
    cx.forward(p, device, from == pod.netns ? pod.vethHost : pod.netns);
  } else {
    // The host end leads to whatever the pod is attached to on the node: its bridge, or its stack (routed).
    cx.forward(p, device, from == pod.vethPod ? cx.cluster.nodes()[d.node].podAttach : pod.vethPod);
  }
  return 0;
}

}  // namespace cnisim::dataplane::devices
