// Time: an idle path costs exactly the sum of its hops, and a FIFO device behaves like M/M/1.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sim/random.hpp"
#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using scenario::DeviceKind;
using scenario::LinkKind;
using scenario::PluginKind;
using dataplane::testing::Bench;

namespace {

// A profile in which every device and link costs something different, so a hop counted twice or
// missed shows up in the sum.
dataplane::CostProfile distinct_profile() {
  auto p = scenario::load_profile("aks-accelerated");
  for (std::size_t k = 0; k < p.devices.size(); ++k) {
    p.devices[k].fixed = sim::ns(100 + 17 * static_cast<std::int64_t>(k));
    p.devices[k].per_byte = sim::ps(3 + static_cast<std::int64_t>(k));
  }
  for (std::size_t k = 0; k < p.links.size(); ++k) {
    p.links[k].delay = sim::ns(7 * static_cast<std::int64_t>(k));
    p.links[k].rate = k % 2 ? sim::gbps(10 + k) : sim::DataRate{};
  }
  return p;
}

}  // namespace

TEST_CASE("one packet over an idle kubenet path takes exactly the sum of its hop costs in picoseconds") {
  const auto p = distinct_profile();
  Bench b(PluginKind::Kubenet, p);
  const auto client = b.host("client");
  const auto server = b.host("server");
  constexpr std::uint32_t kSize = 321;
  b.network.send(client, b.tcp(client, b.network.address_of(server), 8080), kSize, 0, 0);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == 1);

  auto dev = [&](DeviceKind k) { return p.device(k).fixed.ps() + p.device(k).per_byte.ps() * kSize; };
  auto link = [&](LinkKind k) {
    const auto& l = p.link(k);
    return l.delay.ps() + (l.rate.bps() ? sim::serialization_time(kSize, l.rate).ps() : 0);
  };
  auto lookup = [&](dataplane::TableKind t) { return p.lookup_constant[static_cast<std::size_t>(t)].ps(); };
  // A new TCP connection at a node stack: conntrack miss, the whole KUBE-SERVICES chain (no Service
  // matches a pod IP), the kernel lookup, a new conntrack entry; no NAT.
  const auto rules = static_cast<std::int64_t>(b.cluster.service_dnat().rules.size());
  const auto stack = dev(DeviceKind::NodeStack) + p.conntrack_lookup.ps() + rules * p.iptables_per_rule.ps() +
                     lookup(dataplane::TableKind::Node) + p.conntrack_create.ps();
  const std::int64_t expected =
      dev(DeviceKind::PodNamespace) + lookup(dataplane::TableKind::Pod) + link(LinkKind::PodInterface) +
      dev(DeviceKind::VethPodEnd) + link(LinkKind::VethPair) + dev(DeviceKind::VethHostEnd) +
      link(LinkKind::BridgePort) + dev(DeviceKind::Bridge) + link(LinkKind::BridgeToHost) + stack +
      link(LinkKind::NodeNic) + dev(DeviceKind::Nic) + link(LinkKind::NicToVnet) +
      dev(DeviceKind::VnetRouter) + lookup(dataplane::TableKind::Azure) + link(LinkKind::NicToVnet) +
      dev(DeviceKind::Nic) + link(LinkKind::NodeNic) + stack + link(LinkKind::BridgeToHost) +
      dev(DeviceKind::Bridge) + link(LinkKind::BridgePort) + dev(DeviceKind::VethHostEnd) +
      link(LinkKind::VethPair) + dev(DeviceKind::VethPodEnd) + link(LinkKind::PodInterface) +
      dev(DeviceKind::PodNamespace);
  CHECK(b.recorder.arrivals[0].time_ps == expected);
  // Idle: no queueing anywhere.
  dataplane::Results r;
  b.network.add_to(r);
  for (const auto& d : r.devices) CHECK(d.queueing_ps == 0);
  for (const auto& l : r.links) CHECK(l.queueing_ps == 0);
}

namespace {

// A profile in which nothing costs anything and no queue is ever full.
dataplane::CostProfile free_profile() {
  auto p = scenario::load_profile("aks-accelerated");
  for (auto& d : p.devices) d = {};
  for (auto& l : p.links) l = {sim::DataRate{}, sim::Time::zero(), 1u << 24};
  p.lookup_constant = {};
  p.conntrack_lookup = p.conntrack_create = p.nat_rewrite = p.iptables_per_rule = p.service_map_lookup = p.bridge_hooks = {};
  return p;
}

// Only the VNet router costs anything: service = packet size x 1 ns, sizes exponential with mean
// 1000 bytes (mean service 1 us). Poisson arrivals from the VM to itself through the VNet (the
// shortest path through one FIFO device: VM -> VNet -> VM) at rate rho per us.
double vnet_mean_time_in_system_us(double rho, std::uint64_t packets) {
  auto p = free_profile();
  p.devices[static_cast<std::size_t>(DeviceKind::VnetRouter)].per_byte = sim::ns(1);
  Bench b(PluginKind::Kubenet, p);
  b.network.set_handler(nullptr);
  std::uint32_t vm = 0;
  while (b.cluster.devices()[b.cluster.externals()[vm].device].kind != DeviceKind::ExternalVm) ++vm;
  const dataplane::HostRef from{dataplane::HostRef::Kind::External, vm};
  const net::FiveTuple tuple{net::Protocol::Udp, b.network.address_of(from), 5000,
                             b.cluster.externals()[vm].ip, 5001};
  sim::RandomStreams streams(2024);
  sim::RandomStream arrivals = streams.stream("arrivals");
  sim::RandomStream sizes = streams.stream("sizes");
  const double mean_gap_ps = 1e6 / rho;
  std::uint64_t sent = 0;
  struct Source {
    Bench& b;
    sim::RandomStream& arrivals;
    sim::RandomStream& sizes;
    dataplane::HostRef from;
    net::FiveTuple tuple;
    double mean_gap_ps;
    std::uint64_t& sent;
    std::uint64_t limit;
    void next() {
      const auto size = std::max<std::int64_t>(1, std::llround(sizes.exponential(1000.0)));
      b.network.send(from, tuple, static_cast<std::uint32_t>(size), 0, 0);
      if (++sent < limit) {
        b.sim.schedule_in(sim::ps(std::llround(arrivals.exponential(mean_gap_ps))), [this] { next(); });
      }
    }
  } source{b, arrivals, sizes, from, tuple, mean_gap_ps, sent, packets};
  source.next();
  b.sim.run();
  dataplane::Results r;
  b.network.add_to(r);
  const auto& vnet = r.devices[static_cast<std::size_t>(DeviceKind::VnetRouter)];
  REQUIRE(vnet.traversals == packets);
  REQUIRE(r.packets_delivered == packets);
  return static_cast<double>(vnet.queueing_ps + vnet.service_ps) / static_cast<double>(packets) / 1e6;
}

}  // namespace

TEST_CASE("a FIFO device with Poisson arrivals and exponential service has the M/M/1 mean time in system") {
  // 1/(mu - lambda) with mu = 1 per us: 2 us at rho 0.5, 5 us at rho 0.8. Enough packets for the
  // batch-mean error to be well under 2% (the rho 0.8 queue relaxes slowly, so it needs more).
  CHECK(vnet_mean_time_in_system_us(0.5, 400000) == Approx(2.0).epsilon(0.02));
  CHECK(vnet_mean_time_in_system_us(0.8, 1500000) == Approx(5.0).epsilon(0.02));
}

namespace {

// K packets of K different flows sent at once from the client pod to the server pod (two nodes),
// where only the node stack costs anything (1 us a packet): the time the last one arrives, in us.
// The nodes have `vcpus`-vCPU VM sizes and the profile allows max_queues receive queues.
double last_arrival_us(const std::string& vm_size, std::uint32_t max_queues, std::uint32_t flows) {
  auto p = free_profile();
  p.devices[static_cast<std::size_t>(DeviceKind::NodeStack)].fixed = sim::us(1);
  p.max_receive_queues = max_queues;
  auto spec = dataplane::testing::two_pods_spec(PluginKind::Kubenet);
  for (auto& pool : spec.nodePools) pool.vmSize = vm_size;
  Bench b(PluginKind::Kubenet, p, spec);
  const auto client = b.host("client");
  const auto server = b.host("server");
  for (std::uint32_t i = 0; i < flows; ++i) {
    auto tuple = b.tcp(client, b.network.address_of(server), 8080);
    tuple.src_port = static_cast<std::uint16_t>(40000 + i);
    b.network.send(client, tuple, 100, 0, 0);
  }
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == flows);
  std::int64_t last = 0;
  for (const auto& a : b.recorder.arrivals) last = std::max(last, a.time_ps);
  return static_cast<double>(last) / 1e6;
}

// The same, by hand: the flows' hashes spread them over the queues; each queue of the first node
// serves its n packets back to back, and the second node's same queue (the same tuple, the same hash)
// takes each a microsecond later, so the last arrives (the largest n + 1) us after the start.
double expected_last_arrival_us(std::uint32_t queues, std::uint32_t flows) {
  const auto spec = dataplane::testing::two_pods_spec(PluginKind::Kubenet);
  Bench b(PluginKind::Kubenet, std::nullopt, spec);
  const auto client = b.host("client");
  const auto server = b.host("server");
  std::vector<std::uint32_t> per_queue(queues, 0);
  for (std::uint32_t i = 0; i < flows; ++i) {
    auto tuple = b.tcp(client, b.network.address_of(server), 8080);
    tuple.src_port = static_cast<std::uint16_t>(40000 + i);
    ++per_queue[std::hash<net::FiveTuple>{}(tuple) % queues];
  }
  return *std::max_element(per_queue.begin(), per_queue.end()) + 1.0;
}

}  // namespace

TEST_CASE("a node's stack serves different flows on min(vCPUs and maxReceiveQueues) receive queues chosen by flow hash") {
  constexpr std::uint32_t kFlows = 64;
  // One queue: the 64 packets wait for each other at the first node's stack.
  CHECK(last_arrival_us("Standard_D8s_v5", 1, kFlows) == Approx(kFlows + 1.0));
  // Eight vCPUs and four queues allowed: four queues. Two vCPUs and eight allowed: two.
  CHECK(last_arrival_us("Standard_D8s_v5", 4, kFlows) == Approx(expected_last_arrival_us(4, kFlows)));
  CHECK(last_arrival_us("Standard_DS2_v2", 8, kFlows) == Approx(expected_last_arrival_us(2, kFlows)));
  CHECK(expected_last_arrival_us(4, kFlows) < kFlows / 2.0);
  // One flow stays on one queue: its packets keep their order and wait for each other.
  CHECK(expected_last_arrival_us(4, 1) == 2.0);
}
