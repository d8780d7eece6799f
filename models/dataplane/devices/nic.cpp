#include "models/dataplane/devices/nic.hpp"

namespace cnisim::dataplane::devices {

Nics::Nics(const cluster::Cluster& cluster, const Wiring& wiring) {
  for (const auto& node : cluster.nodes()) {
    to_vnet_.push_back(wiring.between(node.nic, cluster.vnet_router()));
    to_stack_.push_back(wiring.between(node.nic, node.stack));
  }
}

std::int64_t Nics::serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const {
  const cluster::Node& node = cx.cluster.nodes()[d.node];
  if (cx.came_from(p) == node.stack) {
    cx.forward_on(p, to_vnet_[d.node], cx.cluster.vnet_router());
  } else {
    cx.forward_on(p, to_stack_[d.node], node.stack);
  }
  return 0;
}

}  // namespace cnisim::dataplane::devices
