#pragma once
// Which server pod a kept-alive chatty connection reached: in the model, the server it drew or the
// endpoint its node's kube-proxy DNATed it to; in the emulation, the endpoint the kernel chose. The
// emulation can be told to keep only connections that reach given servers (emulation::TrafficOptions::
// pins), so that both sides carry the calls of a client over the same paths.
#include <compare>
#include <cstdint>

#include "models/cluster/cluster.hpp"

namespace cnisim::dataplane {

struct KeptConnection {
  std::uint32_t chatty = 0;     // index in spec.traffic.chatty
  cluster::PodIndex client = 0;  // the calling pod
  std::uint32_t slot = 0;       // 0 .. the entry's concurrency - 1
  cluster::PodIndex server = 0;  // the pod that answered
  auto operator<=>(const KeptConnection&) const = default;
};

}  // namespace cnisim::dataplane
