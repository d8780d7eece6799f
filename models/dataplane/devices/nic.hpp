#pragma once
// A node's NIC (eth0): from the node's stack out to the VNet, from the VNet up to the stack.
#include <cstdint>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class Nics {
 public:
  Nics(const cluster::Cluster& cluster, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const;

 private:
  // Per node, the NIC's links to the VNet and to the stack, and the stack's link to it (a packet that
  // came in on it goes out), resolved once.
  std::vector<std::uint32_t> to_vnet_, to_stack_, from_stack_;
};

}  // namespace cnisim::dataplane::devices
