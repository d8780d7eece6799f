// Start-up work of the Network: directed links and adjacency, route-device resolution, the bridges'
// forwarding databases, and (on request) timing the real route lookups on this machine.
#include <algorithm>
#include <chrono>
#include <map>

#include "models/dataplane/network.hpp"
#include "models/scenario/vm_sizes.hpp"

namespace cnisim::dataplane {

using cluster::DeviceId;
using scenario::DeviceKind;
using cluster::kNone;

namespace {

// The node's VM size: its pool's vmSize (AKS's default size when the scenario gives none).
const scenario::VmSize& vm_size(const cluster::Cluster& c, cluster::NodeIndex n) {
  const auto& pool = c.spec().nodePools[c.nodes()[n].pool];
  const scenario::VmSize* size = scenario::find_vm_size(pool.vmSize);
  if (!size) {
    throw std::logic_error("node pool " + pool.name + " has VM size '" + pool.vmSize +
                           "', which is not in the size table; scenario validation should have refused it");
  }
  return *size;
}

}  // namespace

void Network::build_links() {
  const auto& g = cluster_.topology();
  const auto& devices = cluster_.devices();
  servers_.resize(devices.size());
  for (DeviceId d = 0; d < devices.size(); ++d) servers_[d].device = d;
  // A node's NIC sends towards the VNet at its VM size's expected bandwidth when the scenario names the
  // size (Azure limits outbound traffic per VM; inbound is not metered), unless `costs` sets the rate;
  // otherwise at the profile's rate.
  const auto& spec = cluster_.spec();
  const bool rate_set_in_costs =
      spec.costs.overrides.links[static_cast<std::size_t>(scenario::LinkKind::NicToVnet)].rate.has_value();
  auto add = [&](DeviceId from, DeviceId to, scenario::LinkKind kind) {
    const LinkCost& c = profile_.link(kind);
    LinkState l;
    l.from = from;
    l.to = to;
    l.kind = kind;
    l.delay_ps = c.delay.ps();
    l.rate_bps = c.rate.bps();
    l.limit = c.queue_packets;
    if (kind == scenario::LinkKind::NicToVnet && devices[from].kind == DeviceKind::Nic && !rate_set_in_costs) {
      const cluster::NodeIndex n = devices[from].node;
      if (spec.given("nodePools[" + std::to_string(cluster_.nodes()[n].pool) + "].vmSize")) {
        l.rate_bps = vm_size(cluster_, n).bandwidth_mbps * 1000000;
      }
    }
    links_.push_back(l);
  };
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const auto u = static_cast<DeviceId>(boost::source(*it, g));
    const auto v = static_cast<DeviceId>(boost::target(*it, g));
    add(u, v, g[*it].kind);
    add(v, u, g[*it].kind);
  }
  // Adjacency (CSR), neighbours sorted by device id for a binary search.
  adjacency_start_.assign(devices.size() + 1, 0);
  for (const auto& l : links_) ++adjacency_start_[l.from + 1];
  for (std::size_t d = 0; d < devices.size(); ++d) adjacency_start_[d + 1] += adjacency_start_[d];
  adjacency_.resize(links_.size());
  std::vector<std::uint32_t> fill(adjacency_start_.begin(), adjacency_start_.end() - 1);
  for (std::uint32_t i = 0; i < links_.size(); ++i) adjacency_[fill[links_[i].from]++] = {links_[i].to, i};
  for (std::size_t d = 0; d < devices.size(); ++d) {
    std::sort(adjacency_.begin() + adjacency_start_[d], adjacency_.begin() + adjacency_start_[d + 1],
              [](const Neighbour& a, const Neighbour& b) { return a.device < b.device; });
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
    node_queues_[n] = std::max<std::uint32_t>(1, std::min(vm_size(cluster_, n).vcpus, profile_.max_receive_queues));
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

std::uint32_t Network::link_between(DeviceId from, DeviceId to) const {
  const auto first = adjacency_.begin() + adjacency_start_[from];
  const auto last = adjacency_.begin() + adjacency_start_[from + 1];
  const auto it =
      std::lower_bound(first, last, to, [](const Neighbour& n, DeviceId d) { return n.device < d; });
  return it != last && it->device == to ? it->link : kNone;
}

void Network::build_route_devices() {
  const auto& nodes = cluster_.nodes();
  node_route_device_.resize(nodes.size());
  pod_route_device_.resize(nodes.size());
  for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
    // Interface names of the node stack's neighbours ("<node>:eth0" -> "eth0"), like the kernel's ifindex.
    std::map<std::string, DeviceId, std::less<>> ifaces;
    const std::string prefix = nodes[n].name + ":";
    for (auto i = adjacency_start_[nodes[n].stack]; i < adjacency_start_[nodes[n].stack + 1]; ++i) {
      const std::string name = cluster_.device_name(adjacency_[i].device);
      if (name.starts_with(prefix)) ifaces.emplace(name.substr(prefix.size()), adjacency_[i].device);
    }
    // Host veths behind a bridge are the bridge's ports, not the stack's interfaces: not routable here.
    const auto& kernel = cluster_.node_route_table(n);
    auto& devs = node_route_device_[n];
    for (std::uint32_t id : kernel.ids()) {
      if (devs.size() <= id) devs.resize(id + 1, kNone);
      const auto it = ifaces.find(kernel.route(id).next_hop.device);
      devs[id] = it == ifaces.end() ? kNone : it->second;
    }
    // Pod tables are shared by the node's pods; their one interface is eth0 (the pod's veth end).
    const auto pods = cluster_.pods_on(n);
    auto& pod_devs = pod_route_device_[n];
    for (cluster::PodIndex p : pods) {
      if (cluster_.host_network(p)) continue;
      const auto& table = cluster_.pod_route_table(p);
      for (std::uint32_t id : table.ids()) {
        if (pod_devs.size() <= id) pod_devs.resize(id + 1, kNone);
        pod_devs[id] = table.route(id).next_hop.device == "eth0" ? kPodEth0 : kNone;
      }
      break;
    }
  }
}

void Network::build_conntrack() {
  // kube-proxy sets nf_conntrack_max = max(maxPerCore x vCPUs, min) on each node.
  const scenario::ConntrackSettings& s = profile_.conntrack;
  net::ConntrackConfig config;
  config.tcp_syn_sent_ps = s.tcp_syn_sent.ps();
  config.tcp_established_ps = s.tcp_established.ps();
  config.tcp_time_wait_ps = s.tcp_time_wait.ps();
  config.udp_ps = s.udp.ps();
  config.udp_stream_ps = s.udp_stream.ps();
  config.udp_stream_after_ps = s.udp_stream_after.ps();
  config.icmp_ps = s.icmp.ps();
  config.generic_ps = s.generic.ps();
  conntrack_.reserve(cluster_.nodes().size());
  for (cluster::NodeIndex n = 0; n < cluster_.nodes().size(); ++n) {
    config.max_entries = std::max<std::size_t>(std::size_t{s.max_per_core} * vm_size(cluster_, n).vcpus, s.min);
    conntrack_.emplace_back(net::PortRange{}, config);
  }
}

void Network::build_service_pickers() {
  // One net::EndpointPicker per Service port, over its endpoints in the Service's order; the random
  // draw comes from the node's own stream, the round-robin position is each node's (IPVS rr).
  const auto& dnat = cluster_.service_dnat();
  const auto policy = dnat.mode == cluster::ServiceProxyMode::Ipvs ? net::PickPolicy::RoundRobin : net::PickPolicy::Random;
  service_pickers_.reserve(dnat.rules.size());
  for (const auto& rule : dnat.rules) {
    std::vector<net::Endpoint> endpoints;
    for (cluster::PodIndex p : cluster_.services()[rule.service].endpoints) {
      endpoints.push_back(net::Endpoint{cluster_.pods()[p].ip, rule.targetPort});
    }
    service_pickers_.emplace_back(std::move(endpoints), policy);
  }
  const sim::RandomStreams streams(options_.seed);
  for (std::uint32_t n = 0; n < cluster_.nodes().size(); ++n) {
    endpoint_random_.push_back(streams.stream("service-endpoint", n));
  }
  if (policy == net::PickPolicy::RoundRobin) round_robin_.assign(cluster_.nodes().size() * dnat.rules.size(), 0);
}

void Network::build_bridge_ports() {
  const auto& nodes = cluster_.nodes();
  bridge_fdb_.resize(nodes.size());
  for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
    if (cluster_.devices()[nodes[n].podAttach].kind != DeviceKind::Bridge) continue;
    // What the bridge learns (ARP + FDB): each pod's address behind its host veth port.
    auto& fdb = bridge_fdb_[n];
    for (cluster::PodIndex p : cluster_.pods_on(n)) {
      const auto& pod = cluster_.pods()[p];
      if (pod.vethHost == kNone) continue;
      fdb.emplace_back(pod.ip.value, pod.vethHost);
    }
    std::sort(fdb.begin(), fdb.end());
  }
}

void Network::measure_lookups() {
  // Times the real lookup of each table over addresses that hit its routes and random ones; the
  // median of several rounds keeps one preempted round from skewing the figure.
  const net::RouteTable* tables[kTableKindCount] = {nullptr, &cluster_.node_route_table(0),
                                                    &cluster_.azure_route_table()};
  for (cluster::PodIndex p = 0; p < cluster_.pods().size(); ++p) {
    if (!cluster_.host_network(p)) {
      tables[0] = &cluster_.pod_route_table(p);
      break;
    }
  }
  sim::RandomStream random = sim::RandomStreams(options_.seed).stream("lookup-timing");
  constexpr std::size_t kAddresses = 4096;
  constexpr int kRounds = 7;
  constexpr int kRepeat = 16;
  for (std::size_t t = 0; t < kTableKindCount; ++t) {
    if (!tables[t]) continue;
    const auto& table = *tables[t];
    const auto ids = table.ids();
    std::vector<net::Ipv4> addresses(kAddresses);
    for (auto& a : addresses) {
      if (!ids.empty() && random.bernoulli(0.5)) {
        const auto& prefix = table.route(ids[random.uniform_below(ids.size())]).prefix;
        a = prefix.nth(random.uniform_below(prefix.size()));
      } else {
        a = net::Ipv4(static_cast<std::uint32_t>(random.next_u64()));
      }
    }
    std::vector<double> rounds;
    std::uint64_t sink = 0;
    for (int round = 0; round < kRounds; ++round) {
      const auto start = std::chrono::steady_clock::now();
      for (int r = 0; r < kRepeat; ++r) {
        for (const auto& a : addresses) sink += net::find_route(table, a).route;
      }
      const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
      rounds.push_back(took.count() / (kAddresses * kRepeat));
    }
    std::sort(rounds.begin(), rounds.end());
    host_lookup_ns_[t] = rounds[rounds.size() / 2] + static_cast<double>(sink & 1) * 0.0;
    measured_lookup_ps_[t] = static_cast<std::int64_t>(host_lookup_ns_[t] * 1000.0 + 0.5);
  }
}

}  // namespace cnisim::dataplane
