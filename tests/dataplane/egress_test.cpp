// The cluster's way to the internet (outboundType): the load balancer's outbound rule and a NAT gateway
// SNAT to their public IPs, hand replies back, and run out of SNAT ports at the counts Azure documents.
#include <catch2/catch.hpp>

#include "models/scenario/aks_facts.hpp"
#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using dataplane::DropReason;
using dataplane::HostRef;
using dataplane::testing::Bench;
using scenario::OutboundType;
using scenario::PluginKind;

namespace {

constexpr std::uint8_t kEcho = 1;   // the Recorder answers these
constexpr std::uint8_t kOneWay = 3;  // and not these

scenario::ScenarioSpec spec_with(OutboundType type, std::uint32_t nodes = 2, PluginKind plugin = PluginKind::Kubenet) {
  auto spec = dataplane::testing::two_pods_spec(plugin);
  spec.cluster.networkProfile.outboundType = type;
  spec.nodePools[0].count = nodes;
  return spec;
}

HostRef internet(const Bench& b) {
  for (std::uint32_t e = 0; e < b.cluster.externals().size(); ++e) {
    if (b.cluster.devices()[b.cluster.externals()[e].device].kind == scenario::DeviceKind::InternetHost)
      return HostRef{HostRef::Kind::External, e};
  }
  throw std::runtime_error("no internet host");
}

HostRef vm(const Bench&) { return HostRef{HostRef::Kind::External, 0}; }  // the builder adds the VM first

std::size_t drops_of(const Bench& b, DropReason reason) {
  std::size_t n = 0;
  for (const auto& d : b.recorder.drops) n += d.second == reason;
  return n;
}

std::size_t arrivals_at(const Bench& b, HostRef at) {
  std::size_t n = 0;
  for (const auto& a : b.recorder.arrivals) n += a.at == at;
  return n;
}

// A TCP segment with these flags from a node to dst:port, from source port `sport`.
void segment(Bench& b, HostRef from, net::Ipv4 dst, std::uint16_t port, std::uint16_t sport, std::uint8_t flags) {
  transport::Segment s;
  s.flags = flags;
  b.network.send_segment(from, net::FiveTuple{net::Protocol::Tcp, b.network.address_of(from), sport, dst, port}, s,
                         kOneWay, 0, 0);
}

constexpr std::uint8_t kSyn = 0x02, kRst = 0x04;

}  // namespace

TEST_CASE("a pod's packet to the internet leaves through the load balancer with its frontend IP as source, and the reply comes back") {
  for (auto plugin : {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::AzureOverlay}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin, std::nullopt, spec_with(OutboundType::LoadBalancer, 2, plugin));
    const auto client = b.host("client");
    const auto net = internet(b);
    const auto id = b.network.send(client, b.tcp(client, b.network.address_of(net), 443), 100, kEcho, 0, true);
    b.sim.run();
    REQUIRE(b.recorder.arrivals.size() == 2);
    CHECK(b.recorder.arrivals[0].at == net);
    CHECK(b.recorder.arrivals[0].packet.tuple.src == b.cluster.egress().publicIps.front());
    CHECK(b.recorder.arrivals[0].packet.tuple.src_port >= scenario::aks::kSnatFirstPort);
    CHECK(b.recorder.arrivals[1].at == client);
    CHECK(b.recorder.arrivals[1].packet.tuple.src == b.network.address_of(net));
    CHECK(b.recorder.arrivals[1].packet.tuple.dst == b.network.address_of(client));
    const auto path = b.path(id);
    CHECK(std::count(path.begin(), path.end(), scenario::DeviceKind::LoadBalancer) == 1);
  }
}

TEST_CASE("an internet address nobody in the cluster owns is reached through the egress path") {
  Bench b(PluginKind::Kubenet, std::nullopt, spec_with(OutboundType::LoadBalancer));
  const auto client = b.host("client");
  const auto google = net::Ipv4::parse("8.8.8.8");
  b.network.send(client, b.tcp(client, google, 53), 100, kEcho, 0);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == 2);
  CHECK(b.recorder.arrivals[0].at == internet(b));
  CHECK(b.recorder.arrivals[0].packet.tuple.dst == google);
  CHECK(b.recorder.arrivals[1].at == client);
  CHECK(b.recorder.arrivals[1].packet.tuple.src == google);
}

TEST_CASE("under a NAT gateway the internet sees the gateway's public IP, and the VM in the VNet keeps its own way out") {
  for (auto type : {OutboundType::ManagedNATGateway, OutboundType::UserAssignedNATGateway}) {
    Bench b(PluginKind::Kubenet, std::nullopt, spec_with(type));
    REQUIRE(b.cluster.devices()[b.cluster.egress().device].kind == scenario::DeviceKind::NatGateway);
    const auto client = b.host("client");
    const auto net = internet(b);
    b.network.send(client, b.tcp(client, b.network.address_of(net), 443), 100, kEcho, 0);
    b.network.send(vm(b), b.tcp(vm(b), b.network.address_of(net), 443), 100, kEcho, 1);
    b.sim.run();
    REQUIRE(b.recorder.arrivals.size() == 4);
    std::size_t via_gateway = 0, direct = 0;
    for (const auto& a : b.recorder.arrivals) {
      if (!(a.at == net)) continue;
      via_gateway += a.packet.tuple.src == b.cluster.egress().publicIps.front();
      direct += a.packet.tuple.src == b.network.address_of(vm(b));
    }
    CHECK(via_gateway == 1);
    CHECK(direct == 1);
  }
}

TEST_CASE("with outboundType none the cluster's packets to the internet are dropped as noOutbound") {
  Bench b(PluginKind::Kubenet, std::nullopt, spec_with(OutboundType::None));
  const auto client = b.host("client");
  const auto net = internet(b);
  b.network.send(client, b.tcp(client, b.network.address_of(net), 443), 100, kEcho, 0);
  b.network.send(vm(b), b.tcp(vm(b), b.network.address_of(net), 443), 100, kOneWay, 1);
  b.sim.run();
  CHECK(drops_of(b, DropReason::NoOutbound) == 1);
  CHECK(arrivals_at(b, net) == 1);  // the VM's
}

TEST_CASE("SNAT ports run out at the count of Azure's default allocation table, per destination") {
  // LBDOCS default port allocation: 1-50 VMs 1,024 ports each, 51-100 512, 101-200 256.
  const auto [nodes, ports] = GENERATE(table<std::uint32_t, std::uint32_t>({{3, 1024}, {60, 512}, {150, 256}}));
  CAPTURE(nodes, ports);
  Bench b(PluginKind::Kubenet, std::nullopt, spec_with(OutboundType::LoadBalancer, nodes));
  REQUIRE(b.cluster.egress().portsPerNode == ports);
  const HostRef node{HostRef::Kind::Node, 0};
  const auto net = b.network.address_of(internet(b));
  for (std::uint32_t i = 0; i <= ports; ++i) segment(b, node, net, 443, static_cast<std::uint16_t>(20000 + i), kSyn);
  b.sim.run();
  CHECK(arrivals_at(b, internet(b)) == ports);
  CHECK(drops_of(b, DropReason::SnatPortsExhausted) == 1);
  // Another destination port reuses the same SNAT ports; another node has its own block.
  segment(b, node, net, 444, 20000, kSyn);
  segment(b, HostRef{HostRef::Kind::Node, 1}, net, 443, 20000, kSyn);
  b.sim.run();
  CHECK(arrivals_at(b, internet(b)) == ports + 2);
  CHECK(drops_of(b, DropReason::SnatPortsExhausted) == 1);
}

TEST_CASE("allocatedOutboundPorts gives every node exactly that many ports, on blocks that do not overlap") {
  auto spec = spec_with(OutboundType::LoadBalancer, 3);
  spec.cluster.networkProfile.loadBalancerProfile.allocatedOutboundPorts = 25000;
  spec.cluster.networkProfile.loadBalancerProfile.managedOutboundIPs = 2;
  Bench b(PluginKind::Kubenet, std::nullopt, spec);
  const auto& e = b.cluster.egress();
  REQUIRE(e.portsPerNode == 25000);
  // Node 0: ports 1024-26023 of IP 0; node 2 straddles IPs 0 and 1 (the last 14,000 of IP 0, the first 11,000 of IP 1).
  std::uint32_t total = 0;
  for (std::uint32_t n = 0; n < 3; ++n) {
    std::uint32_t mine = 0;
    for (std::uint32_t k = 0; k < e.blocksPerNode; ++k) {
      const auto& blk = e.blocks[n * e.blocksPerNode + k];
      if (blk.ip != cluster::kNone) mine += blk.last - blk.first + 1u;
    }
    CHECK(mine == 25000);
    total += mine;
  }
  CHECK(total == 75000);
  CHECK(e.blocks[2 * e.blocksPerNode + 1].ip == 1);
  const HostRef node{HostRef::Kind::Node, 2};
  const auto net = b.network.address_of(internet(b));
  for (std::uint32_t i = 0; i <= 25000; ++i) segment(b, node, net, 443, static_cast<std::uint16_t>(10000 + i), kSyn);
  b.sim.run();
  CHECK(arrivals_at(b, internet(b)) == 25000);
  CHECK(drops_of(b, DropReason::SnatPortsExhausted) == 1);
}

TEST_CASE("a NAT gateway's 64,512 ports per public IP are shared by all nodes") {
  Bench b(PluginKind::Kubenet, std::nullopt, spec_with(OutboundType::ManagedNATGateway, 2));
  const auto net = b.network.address_of(internet(b));
  const std::uint32_t ports = scenario::aks::kNatGatewayPortsPerIp;
  for (std::uint32_t i = 0; i <= ports; ++i) {
    const HostRef node{HostRef::Kind::Node, i % 2};
    segment(b, node, net, 443, static_cast<std::uint16_t>(1024 + i / 2), kSyn);
  }
  b.sim.run();
  CHECK(arrivals_at(b, internet(b)) == ports);
  CHECK(drops_of(b, DropReason::SnatPortsExhausted) == 1);
}

TEST_CASE("a port comes back after the flow's idle timeout, and a reset connection's after the hold time") {
  auto spec = spec_with(OutboundType::LoadBalancer, 3);
  spec.cluster.networkProfile.loadBalancerProfile.idleTimeoutInMinutes = 4;
  auto profile = scenario::load_profile(std::string(scenario::kDefaultProfile));
  profile.egress.port_hold_after_close = sim::seconds(2);
  Bench b(PluginKind::Kubenet, profile, spec);
  const HostRef node{HostRef::Kind::Node, 0};
  const auto net = b.network.address_of(internet(b));
  for (std::uint32_t i = 0; i < 1024; ++i) segment(b, node, net, 443, static_cast<std::uint16_t>(20000 + i), kSyn);
  b.sim.run();
  REQUIRE(arrivals_at(b, internet(b)) == 1024);
  auto at = [&](sim::Time t, std::uint16_t sport, std::uint8_t flags) {
    b.sim.schedule_at(t, [&b, node, net, sport, flags] { segment(b, node, net, 443, sport, flags); });
  };
  // One connection is reset at 1 s: its port is free 2 s later, not before.
  at(sim::seconds(1), 20000, kRst);
  at(sim::ms(2500), 30000, kSyn);
  at(sim::ms(3500), 30001, kSyn);
  b.sim.run();
  CHECK(drops_of(b, DropReason::SnatPortsExhausted) == 1);  // the one at 2.5 s
  CHECK(arrivals_at(b, internet(b)) == 1024 + 1 + 1);        // the reset, and the SYN at 3.5 s
  // Every other flow has been idle since 0 s: after 4 minutes their ports are free.
  at(sim::seconds(239), 30002, kSyn);
  at(sim::seconds(241), 30003, kSyn);
  b.sim.run();
  CHECK(drops_of(b, DropReason::SnatPortsExhausted) == 2);
  CHECK(arrivals_at(b, internet(b)) == 1024 + 3);
}

TEST_CASE("the cluster's UDRs belong to the node subnet: a VM in another subnet does not reach kubenet's pods, azure's it does") {
  for (auto plugin : {PluginKind::Kubenet, PluginKind::AzureNodeSubnet}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin);
    const auto server = b.host("server");
    const auto id = b.network.send(vm(b), b.tcp(vm(b), b.network.address_of(server), 80), 100, kOneWay, 0, true);
    // From the node subnet, the same address is routed (kubenet: its UDR to the server's node).
    const auto client = b.host("client");
    b.network.send(client, b.tcp(client, b.network.address_of(server), 80), 100, kOneWay, 1);
    b.sim.run();
    const bool kubenet = plugin == PluginKind::Kubenet;
    CHECK(arrivals_at(b, server) == (kubenet ? 1u : 2u));
    CHECK(drops_of(b, DropReason::NoRoute) == (kubenet ? 1u : 0u));
    if (kubenet) {
      // The VM's subnet's table: Azure's 10.0.0.0/8 system route, next hop None.
      const auto& hop = b.network.trace().back();
      CHECK(hop.packet == id);
      const auto facts = hop.all<dataplane::facts::AzureRoute>();
      REQUIRE(facts.size() == 1);
      CHECK(facts[0].other_subnet);
      CHECK(b.cluster.other_subnet_route_table().route(facts[0].route).next_hop.type == net::NextHopType::None);
    }
  }
}

namespace {

// userDefinedRouting: the node subnet's route table sends everything else to a firewall at 10.226.0.4.
scenario::ScenarioSpec udr_spec(PluginKind plugin) {
  auto spec = spec_with(OutboundType::UserDefinedRouting, 2, plugin);
  spec.cluster.vnet.routes.push_back(
      {"to-firewall", net::Cidr::parse("0.0.0.0/0"), net::NextHopType::VirtualAppliance, net::Ipv4::parse("10.226.0.4")});
  return spec;
}

}  // namespace

TEST_CASE("under userDefinedRouting a pod's packet to the internet goes through the firewall, SNATed to its public IP, and back") {
  for (auto plugin : {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::AzureOverlay}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin, std::nullopt, udr_spec(plugin));
    REQUIRE(b.cluster.appliances().size() == 1);
    REQUIRE(b.cluster.egress().device == cluster::kNone);
    const auto& firewall = b.cluster.appliances().front();
    const auto client = b.host("client");
    const auto net = internet(b);
    const auto id = b.network.send(client, b.tcp(client, b.network.address_of(net), 443), 100, kEcho, 0, true);
    b.sim.run();
    REQUIRE(b.recorder.arrivals.size() == 2);
    const auto& there = b.recorder.arrivals[0];
    CHECK(there.at == net);
    CHECK(there.packet.tuple.src == firewall.publicIp);
    CHECK(there.packet.tuple.src_port >= firewall.firstPort);
    CHECK(there.packet.tuple.src_port <= firewall.lastPort);
    CHECK(there.packet.ttl == 62);  // the node and the firewall route it; Azure's SDN does not count
    CHECK(b.recorder.arrivals[1].at == client);
    CHECK(b.recorder.arrivals[1].packet.tuple.src == b.network.address_of(net));
    const auto path = b.path(id);
    CHECK(std::count(path.begin(), path.end(), scenario::DeviceKind::VirtualAppliance) == 1);
    CHECK(std::count(path.begin(), path.end(), scenario::DeviceKind::VnetRouter) == 2);
  }
}

TEST_CASE("a firewall's SNAT ports are Azure Firewall's, shared by every node, per destination") {
  Bench b(PluginKind::Kubenet, std::nullopt, udr_spec(PluginKind::Kubenet));
  const auto& firewall = b.cluster.appliances().front();
  const std::uint32_t ports = firewall.lastPort - firewall.firstPort + 1u;
  CHECK(ports == scenario::aks::kFirewallSnatPortsPerIpPerInstance * scenario::aks::kFirewallMinInstances);
  const auto net = b.network.address_of(internet(b));
  for (std::uint32_t i = 0; i <= ports; ++i) {
    segment(b, HostRef{HostRef::Kind::Node, i % 2}, net, 443, static_cast<std::uint16_t>(20000 + i / 2), kSyn);
  }
  b.sim.run();
  CHECK(arrivals_at(b, internet(b)) == ports);
  CHECK(drops_of(b, DropReason::SnatPortsExhausted) == 1);
}

TEST_CASE("traffic inside the VNet that a user route sends to the firewall comes back to its destination unchanged") {
  // Pod to VM through the firewall: a route for the VM's /24 next to the default one.
  auto spec = udr_spec(PluginKind::AzureNodeSubnet);
  spec.cluster.vnet.routes.push_back(
      {"vms-via-firewall", net::Cidr::parse("10.225.0.0/24"), net::NextHopType::VirtualAppliance, net::Ipv4::parse("10.226.0.4")});
  Bench b(PluginKind::AzureNodeSubnet, std::nullopt, spec);
  const auto client = b.host("client");
  const auto id = b.network.send(client, b.tcp(client, b.network.address_of(vm(b)), 22), 100, kEcho, 0, true);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == 2);
  CHECK(b.recorder.arrivals[0].at == vm(b));
  CHECK(b.recorder.arrivals[0].packet.tuple.src == b.network.address_of(client));  // azure: the pod's own address
  const auto path = b.path(id);
  CHECK(std::count(path.begin(), path.end(), scenario::DeviceKind::VirtualAppliance) == 1);
}
