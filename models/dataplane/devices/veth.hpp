#pragma once
// A veth pair's two ends (eth0 in the pod, the host's end): what enters one end leaves the other.
// Under the cilium dataplane the host end is Cilium's lxc device, whose bpf_lxc programs look every
// packet up in Cilium's eBPF conntrack (leaving and entering the pod), and every packet from the pod up
// in its service map (socket-level load balancing is off on AKS, so per packet; a miss unless the
// destination is a Service address).
#include <cstdint>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class Veths {
 public:
  Veths(const cluster::Cluster& cluster, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const;

 private:
  // Per pod, resolved once: for each end, the link a packet arrives on from the pod's side, and the
  // links onwards. The pod end: in from the pod's namespace, on to the host end, back to the namespace;
  // the host end: in from the pod end, on to the node's attachment (bridge or stack), back to the pod
  // end. A packet's way is told by the link it came in on, so serving a veth reads this record alone.
  struct End {
    std::uint32_t in_from_pod_side = cluster::kNone;
    std::uint32_t onwards = cluster::kNone;  // away from the pod
    std::uint32_t back = cluster::kNone;     // towards the pod
  };
  struct Links {
    End pod_end, host_end;
  };
  std::vector<Links> links_;
  bool cilium_ = false;
  net::Cidr service_cidr_;
};

}  // namespace cnisim::dataplane::devices
