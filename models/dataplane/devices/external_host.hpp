#pragma once
// A host outside the cluster (a VM in the VNet, a host on the internet): sends into the VNet, and
// takes in what is addressed to it. The queueing core serves these as an infinite server (many
// machines), not a FIFO.
#include <cstdint>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class ExternalHosts {
 public:
  std::int64_t serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d, Packet& p) const;
};

}  // namespace cnisim::dataplane::devices
