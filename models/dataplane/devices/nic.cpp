#include "models/dataplane/devices/nic.hpp"

namespace cnisim::dataplane::devices {

std::int64_t Nics::serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d, Packet& p) const {
  const cluster::Node& node = cx.cluster.nodes()[d.node];
  cx.forward(p, device, cx.came_from(p) == node.stack ? cx.cluster.vnet_router() : node.stack);
  return 0;
}

}  // namespace cnisim::dataplane::devices
