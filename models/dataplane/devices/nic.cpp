#include "models/dataplane/devices/nic.hpp"

namespace cnisim::dataplane::devices {

Nics::Nics(const cluster::Cluster& cluster, const Wiring& wiring) {
  for (const auto& node : cluster.nodes()) {
    to_vnet_.push_back(wiring.between(node.nic, cluster.vnet_router()));
    to_stack_.push_back(wiring.between(node.nic, node.stack));
    from_stack_.push_back(wiring.between(node.stack, node.nic));
  }
}

std::int64_t Nics::serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const {
  if (p.in_link == from_stack_[d.node]) {
    cx.forward_on(p, to_vnet_[d.node]);
  } else {
    cx.forward_on(p, to_stack_[d.node]);
  }
  return 0;
}

}  // namespace cnisim::dataplane::devices
