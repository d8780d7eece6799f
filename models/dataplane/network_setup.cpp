// Start-up work of the queueing core: each directed link's queue and wire, the VNet router's per-host
// servers, and the nodes' receive queues.
#include <algorithm>
#include <string>

#include "models/dataplane/network.hpp"
#include "models/scenario/vm_sizes.hpp"

namespace cnisim::dataplane {

using cluster::DeviceId;
using scenario::DeviceKind;
using cluster::kNone;

void Network::build_links() {
  const auto& devices = cluster_.devices();
  servers_.resize(devices.size());
  for (DeviceId d = 0; d < devices.size(); ++d) servers_[d].device = d;
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
    LinkState& l = links_[i];
    l.to = w.to;
    l.kind = w.kind;
    l.delay_ps = c.delay.ps();
    l.rate_bps = c.rate.bps();
    l.limit = c.queue_packets;
    if (w.kind == scenario::LinkKind::NicToVnet && devices[w.from].kind == DeviceKind::Nic && !rate_set_in_costs) {
      const cluster::NodeIndex n = devices[w.from].node;
      if (spec.given("nodePools[" + std::to_string(cluster_.nodes()[n].pool) + "].vmSize")) {
        l.rate_bps = node_vm_size(cluster_, n).bandwidth_mbps * 1000000;
      }
    }
  }
  // The VNet router's SDN work runs per host (each NIC's SmartNIC, ACCELNET): one server per inbound link.
  vnet_server_of_link_.assign(links_.size(), kNone);
  for (std::uint32_t i = 0; i < links_.size(); ++i) {
    if (links_[i].to != cluster_.vnet_router()) continue;
    vnet_server_of_link_[i] = static_cast<std::uint32_t>(servers_.size());
    Server s;
    s.device = cluster_.vnet_router();
    servers_.push_back(s);
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
    for (std::uint32_t q = 1; q < queues; ++q) {
      Server s;
      s.device = d;
      servers_.push_back(s);
    }
  }
}

}  // namespace cnisim::dataplane
