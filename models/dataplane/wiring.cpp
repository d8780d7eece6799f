#include "models/dataplane/wiring.hpp"

#include <algorithm>

namespace cnisim::dataplane {

Wiring::Wiring(const cluster::Cluster& cluster) {
  const auto& g = cluster.topology();
  const std::size_t devices = cluster.devices().size();
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const auto u = static_cast<cluster::DeviceId>(boost::source(*it, g));
    const auto v = static_cast<cluster::DeviceId>(boost::target(*it, g));
    links_.push_back({u, v, g[*it].kind});
    links_.push_back({v, u, g[*it].kind});
  }
  start_.assign(devices + 1, 0);
  for (const auto& l : links_) ++start_[l.from + 1];
  for (std::size_t d = 0; d < devices; ++d) start_[d + 1] += start_[d];
  adjacency_.resize(links_.size());
  std::vector<std::uint32_t> fill(start_.begin(), start_.end() - 1);
  for (std::uint32_t i = 0; i < links_.size(); ++i) adjacency_[fill[links_[i].from]++] = {links_[i].to, i};
  for (std::size_t d = 0; d < devices; ++d) {
    std::sort(adjacency_.begin() + start_[d], adjacency_.begin() + start_[d + 1],
              [](const Neighbour& a, const Neighbour& b) { return a.device < b.device; });
  }
}

std::uint32_t Wiring::between(cluster::DeviceId from, cluster::DeviceId to) const {
  const auto first = adjacency_.begin() + start_[from];
  const auto last = adjacency_.begin() + start_[from + 1];
  const auto it = std::lower_bound(first, last, to, [](const Neighbour& n, cluster::DeviceId d) { return n.device < d; });
  return it != last && it->device == to ? it->link : cluster::kNone;
}

}  // namespace cnisim::dataplane
