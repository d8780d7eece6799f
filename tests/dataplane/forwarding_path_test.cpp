// Which devices a packet crosses is decided by the tables: kubenet goes through the bridge and the
// Azure UDR, Azure CNI goes straight through the VNet, same-node traffic stays on the node, and a
// broken table gives a wrong path or a drop.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using scenario::DeviceKind;
using scenario::PluginKind;
using dataplane::testing::Bench;

namespace {

using K = DeviceKind;

// The next-hop type of each Azure route the packet matched, in order (the trace's facts).
std::vector<net::NextHopType> azure_next_hops(const Bench& b, dataplane::PacketId id) {
  std::vector<net::NextHopType> types;
  for (const auto& hop : b.network.trace()) {
    if (hop.packet != id) continue;
    for (const auto& f : hop.all<dataplane::facts::AzureRoute>()) {
      const auto& table = f.other_subnet ? b.cluster.other_subnet_route_table() : b.cluster.azure_route_table();
      types.push_back(table.route(f.route).next_hop.type);
    }
  }
  return types;
}

// A pod (not hostNetwork) on the same node as `pod`, other than it.
cluster::PodIndex neighbour_of(const Bench& b, cluster::PodIndex pod) {
  for (cluster::PodIndex p : b.cluster.pods_on(b.cluster.pods()[pod].node)) {
    if (p != pod && !b.cluster.host_network(p)) return p;
  }
  throw std::runtime_error("no other pod on the node");
}

net::FiveTuple echo(const Bench& b, dataplane::HostRef from, net::Ipv4 to) {
  return net::FiveTuple{net::Protocol::Icmp, b.network.address_of(from), 7, to, 0};
}

}  // namespace

TEST_CASE("the test scenario puts the client and the server on different nodes") {
  Bench b(PluginKind::Kubenet);
  REQUIRE(b.cluster.pods()[b.pod("client")].node != b.cluster.pods()[b.pod("server")].node);
}

TEST_CASE("kubenet cross-node pod-to-pod crosses the bridge and one VirtualAppliance route each way") {
  Bench b(PluginKind::Kubenet);
  const auto client = b.host("client");
  const auto server_ip = b.cluster.pods()[b.pod("server")].ip;
  const auto id = b.network.send(client, echo(b, client, server_ip), 64, 1, 0, true);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == 2);
  const std::vector<K> expected{K::PodNamespace, K::VethPodEnd, K::VethHostEnd, K::Bridge,    K::NodeStack,
                                K::Nic,          K::VnetRouter, K::Nic,         K::NodeStack, K::Bridge,
                                K::VethHostEnd,  K::VethPodEnd, K::PodNamespace};
  CHECK(b.path(id) == expected);
  CHECK(azure_next_hops(b, id) == std::vector{net::NextHopType::VirtualAppliance});
  // 13 devices and 12 links.
  CHECK(b.recorder.arrivals[0].packet.hops == 25);
  CHECK(b.recorder.arrivals[0].packet.lookups == std::array<std::uint8_t, 3>{1, 2, 1});
  CHECK(b.recorder.arrivals[0].packet.ttl == 62);  // forwarded by two node stacks
}

TEST_CASE("azure cross-node pod-to-pod crosses neither a bridge nor a VirtualAppliance route") {
  Bench b(PluginKind::AzureNodeSubnet);
  const auto client = b.host("client");
  const auto server_ip = b.cluster.pods()[b.pod("server")].ip;
  const auto id = b.network.send(client, echo(b, client, server_ip), 64, 1, 0, true);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == 2);
  const std::vector<K> expected{K::PodNamespace, K::VethPodEnd, K::VethHostEnd, K::NodeStack,
                                K::Nic,          K::VnetRouter, K::Nic,         K::NodeStack,
                                K::VethHostEnd,  K::VethPodEnd, K::PodNamespace};
  CHECK(b.path(id) == expected);
  CHECK(azure_next_hops(b, id) == std::vector{net::NextHopType::VnetLocal});
}

TEST_CASE("same-node pod-to-pod traffic never leaves the node under every plugin") {
  for (auto plugin :
       {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::AzureOverlay, PluginKind::Cilium}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin);
    const auto client = b.host("client");
    const auto other = neighbour_of(b, b.pod("client"));
    const auto id = b.network.send(client, echo(b, client, b.cluster.pods()[other].ip), 64, 1, 0, true);
    b.sim.run();
    REQUIRE(b.recorder.arrivals.size() == 2);
    const auto path = b.path(id);
    CHECK(std::count(path.begin(), path.end(), K::Nic) == 0);
    CHECK(std::count(path.begin(), path.end(), K::VnetRouter) == 0);
    // kubenet: the bridge switches it between two ports without the node's stack.
    CHECK(std::count(path.begin(), path.end(), K::NodeStack) == (plugin == PluginKind::Kubenet ? 0 : 1));
  }
}

TEST_CASE(
    "without the node's UDR in the Azure route table, kubenet cross-node traffic is dropped for want of a "
    "route") {
  // The server's node's UDR removed as the cluster is built, as a misconfigured route table would lack it.
  cluster::BuildOptions broken;
  bool removed = false;
  broken.edit = [&](cluster::ClusterState& s) {
    for (const auto& pod : s.pods) {
      if (s.spec.workloads[pod.workload].name == "server") {
        removed = s.azureRoutes->remove(*s.nodes[pod.node].podCidr, net::RouteSource::User);
      }
    }
  };
  Bench b(PluginKind::Kubenet, std::nullopt, std::nullopt, broken);
  REQUIRE(removed);
  const auto server = b.pod("server");
  const auto client = b.host("client");
  const auto id = b.network.send(client, echo(b, client, b.cluster.pods()[server].ip), 64, 1, 0, true);
  b.sim.run();
  CHECK(b.recorder.arrivals.empty());
  REQUIRE(b.recorder.drops.size() == 1);
  CHECK(b.recorder.drops[0].second == dataplane::DropReason::NoRoute);
  CHECK(b.path(id).back() == K::VnetRouter);
  // What matches instead is Azure's system route for 10.0.0.0/8, next hop None.
  CHECK(azure_next_hops(b, id) == std::vector{net::NextHopType::None});
}

TEST_CASE(
    "without the node's pod CIDR route on cbr0, kubenet traffic loops between node and VNet until TTL "
    "expires") {
  // The server's node's own pod CIDR route (on cbr0) removed as the cluster is built.
  cluster::BuildOptions broken;
  bool removed = false;
  broken.edit = [&](cluster::ClusterState& s) {
    for (const auto& pod : s.pods) {
      if (s.spec.workloads[pod.workload].name == "server") {
        removed = s.nodeRoutes[pod.node]->remove(*s.nodes[pod.node].podCidr, net::RouteSource::System);
      }
    }
  };
  Bench b(PluginKind::Kubenet, std::nullopt, std::nullopt, broken);
  REQUIRE(removed);
  const auto server = b.pod("server");
  const auto client = b.host("client");
  b.network.send(client, echo(b, client, b.cluster.pods()[server].ip), 64, 1, 0);
  b.sim.run();
  CHECK(b.recorder.arrivals.empty());
  REQUIRE(b.recorder.drops.size() == 1);
  CHECK(b.recorder.drops[0].second == dataplane::DropReason::TtlExpired);
  // Each lap is node stack -> eth0 -> VNet (UDR back to the same node) -> eth0 -> node stack.
  CHECK(b.recorder.drops[0].first.lookups[2] >= 60);
}
