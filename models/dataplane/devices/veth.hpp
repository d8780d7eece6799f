#pragma once
// A veth pair's two ends (eth0 in the pod, the host's end): what enters one end leaves the other.
#include <cstdint>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class Veths {
 public:
  std::int64_t serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d, Packet& p) const;
};

}  // namespace cnisim::dataplane::devices
