#pragma once
// A node's NIC (eth0): from the node's stack out to the VNet, from the VNet up to the stack.
#include <cstdint>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class Nics {
 public:
  std::int64_t serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d, Packet& p) const;
};

}  // namespace cnisim::dataplane::devices
