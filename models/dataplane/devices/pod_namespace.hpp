#pragma once
// A pod's network namespace: sends by its own route table out of its eth0, and takes in what is
// addressed to the pod.
#include <cstdint>
#include <vector>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class PodNamespaces {
 public:
  PodNamespaces(const cluster::Cluster& cluster, const Wiring& wiring);
  std::int64_t serve(const ServeContext& cx, const cluster::Device& d, Packet& p) const;

 private:
  // [node][route id]: the route leaves by the pod's eth0 (a pod's one interface). The node's pods share
  // one table, so this is resolved once per node, as the kernel resolves a route's device to an ifindex.
  std::vector<std::vector<bool>> out_of_eth0_;
  std::vector<std::uint32_t> eth0_link_;  // [pod]: its namespace's link to its eth0 (resolved once)
};

}  // namespace cnisim::dataplane::devices
