#pragma once
// Which device is wired to which: every link of the topology as two directed links (each with its
// integer id, the index of its queue in the network), and each device's neighbours sorted by device id
// (CSR), so a serve step finds the link to the device its tables chose with a binary search.
#include <cstdint>
#include <span>
#include <vector>

#include "models/cluster/cluster.hpp"

namespace cnisim::dataplane {

class Wiring {
 public:
  struct Link {
    cluster::DeviceId from = cluster::kNone;
    cluster::DeviceId to = cluster::kNone;
    scenario::LinkKind kind = scenario::LinkKind::NodeNic;
  };
  struct Neighbour {
    cluster::DeviceId device;
    std::uint32_t link;
  };

  explicit Wiring(const cluster::Cluster& cluster);

  std::size_t size() const { return links_.size(); }
  const Link& link(std::uint32_t id) const { return links_[id]; }
  // The directed link from one device to another (kNone: they are not wired together).
  std::uint32_t between(cluster::DeviceId from, cluster::DeviceId to) const;
  std::span<const Neighbour> neighbours(cluster::DeviceId device) const {
    return {adjacency_.data() + start_[device], adjacency_.data() + start_[device + 1]};
  }

 private:
  std::vector<Link> links_;
  std::vector<std::uint32_t> start_;  // CSR over devices
  std::vector<Neighbour> adjacency_;
};

}  // namespace cnisim::dataplane
