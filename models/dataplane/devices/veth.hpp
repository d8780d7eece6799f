#pragma once
// A veth pair's two ends (eth0 in the pod, the host's end): what enters one end leaves the other.
#include <cstdint>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class Veths {
 public:
  Veths(const cluster::Cluster& cluster, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const;

 private:
  // Per pod, each end's link onwards, resolved once: the pod end's to the host end and to the pod's
  // namespace, the host end's to the node's attachment (bridge or stack) and to the pod end.
  struct Links {
    std::uint32_t pod_to_host = cluster::kNone, pod_to_netns = cluster::kNone;
    std::uint32_t host_to_attach = cluster::kNone, host_to_pod = cluster::kNone;
  };
  std::vector<Links> links_;
};

}  // namespace cnisim::dataplane::devices
