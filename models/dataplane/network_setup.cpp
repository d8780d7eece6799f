// Start-up work of the queueing core: each directed link's queue and wire, the VNet router's per-host
// servers, and the nodes' receive queues.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/dataplane/network.hpp"
#include "models/scenario/vm_sizes.hpp"

namespace cnisim::dataplane {

using cluster::DeviceId;
using scenario::DeviceKind;
using cluster::kNone;

std::uint32_t Network::add_server(DeviceId device) {
  const auto index = static_cast<std::uint32_t>(servers_.size());
  Server s;
  s.kind = cluster_.devices()[device].kind;
  servers_.push_back(s);
  extra_server_device_.push_back(device);
  return index;
}

void Network::build_links() {
  const auto& devices = cluster_.devices();
  device_count_ = static_cast<std::uint32_t>(devices.size());
  servers_.resize(devices.size());
  for (DeviceId d = 0; d < devices.size(); ++d) servers_[d].kind = devices[d].kind;
  // A node's NIC sends towards the VNet at its VM size's expected bandwidth when the scenario names the
  // size (Azure limits outbound traffic per VM; inbound is not metered), unless `costs` sets the rate;
  // otherwise at the profile's rate.
  const auto& spec = cluster_.spec();
  const bool rate_set_in_costs =
      spec.costs.overrides.links[static_cast<std::size_t>(scenario::LinkKind::NicToVnet)].rate.has_value();
  links_.resize(wiring_.size());
  for (std::uint32_t i = 0; i < wiring_.size(); ++i) {
    const Wiring::Link& w = wiring_.link(i);
    const LinkCost& c = profile_.link(w.kind);
    LinkClass cls{c.delay.ps(), c.rate.bps(), c.queue_packets};
    if (w.kind == scenario::LinkKind::NicToVnet && devices[w.from].kind == DeviceKind::Nic && !rate_set_in_costs) {
      const cluster::NodeIndex n = devices[w.from].node;
      if (spec.given("nodePools[" + std::to_string(cluster_.nodes()[n].pool) + "].vmSize")) {
        cls.rate_bps = node_vm_size(cluster_, n).bandwidth_mbps * 1000000;
      }
    }
    LinkHot& l = links_[i];
    l.to = w.to;
    l.kind = w.kind;
    auto found = static_cast<std::size_t>(std::find(link_classes_.begin(), link_classes_.end(), cls) - link_classes_.begin());
    if (found == link_classes_.size()) {
      // Classes are (kind, VM size) pairs at most: a few dozen.
      if (found > std::numeric_limits<std::uint16_t>::max()) throw std::length_error("too many link classes");
      link_classes_.push_back(cls);
    }
    l.cls = static_cast<std::uint16_t>(found);
    if (cls.rate_bps != 0 || cls.delay_ps != 0) {
      l.queue = static_cast<std::uint32_t>(timed_.size());
      timed_.emplace_back();
    }
  }
  // The VNet router's SDN work runs per host (each NIC's SmartNIC, ACCELNET): one server per inbound link.
  vnet_server_of_link_.assign(links_.size(), kNone);
  for (std::uint32_t i = 0; i < links_.size(); ++i) {
    if (links_[i].to != cluster_.vnet_router()) continue;
    vnet_server_of_link_[i] = add_server(cluster_.vnet_router());
  }
}

void Network::build_receive_queues() {
  const auto& devices = cluster_.devices();
  node_queues_.resize(cluster_.nodes().size());
  for (cluster::NodeIndex n = 0; n < node_queues_.size(); ++n) {
    node_queues_[n] = std::max<std::uint32_t>(1, std::min(node_vm_size(cluster_, n).vcpus, profile_.max_receive_queues));
  }
  queue_base_.assign(devices.size(), kNone);
  for (DeviceId d = 0; d < devices.size(); ++d) {
    const auto kind = devices[d].kind;
    if (kind != DeviceKind::Bridge && kind != DeviceKind::NodeStack && kind != DeviceKind::Nic) continue;
    const std::uint32_t queues = node_queues_[devices[d].node];
    if (queues < 2) continue;
    queue_base_[d] = static_cast<std::uint32_t>(servers_.size());
    for (std::uint32_t q = 1; q < queues; ++q) add_server(d);
  }
}

}  // namespace cnisim::dataplane
