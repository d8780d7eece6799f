// Time: an idle path costs exactly the sum of its hops, and a FIFO device behaves like M/M/1.
#include <catch2/catch.hpp>
#include <cmath>

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

// Only the VNet router costs anything: service = packet size x 1 ns, sizes exponential with mean
// 1000 bytes (mean service 1 us). Poisson arrivals from the VM to itself through the VNet (the
// shortest path through one FIFO device: VM -> VNet -> VM) at rate rho per us.
double vnet_mean_time_in_system_us(double rho, std::uint64_t packets) {
  auto p = scenario::load_profile("aks-accelerated");
  for (auto& d : p.devices) d = {};
  for (auto& l : p.links) l = {sim::DataRate{}, sim::Time::zero(), 1u << 24};
  p.lookup_constant = {};
  p.conntrack_lookup = p.conntrack_create = p.nat_rewrite = p.iptables_per_rule = p.service_map_lookup = p.bridge_hooks = {};
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
