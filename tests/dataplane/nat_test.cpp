// Who sees which address: masquerade per plugin, Service DNAT to a backend, and replies translated back.
#include <catch2/catch.hpp>

#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using scenario::PluginKind;
using dataplane::HostRef;
using dataplane::testing::Bench;

namespace {

constexpr std::uint8_t kEcho = 1;  // the Recorder answers these
constexpr std::uint8_t kReply = 2;

HostRef vm(const Bench& b) {
  for (std::uint32_t e = 0; e < b.cluster.externals().size(); ++e) {
    if (b.cluster.devices()[b.cluster.externals()[e].device].kind == scenario::DeviceKind::ExternalVm) {
      return HostRef{HostRef::Kind::External, e};
    }
  }
  throw std::runtime_error("no VM");
}

}  // namespace

TEST_CASE("kubenet pod-to-pod traffic across nodes keeps the pod's source address") {
  Bench b(PluginKind::Kubenet);
  const auto client = b.host("client");
  const auto server = b.host("server");
  b.network.send(client, b.tcp(client, b.network.address_of(server), 8080), 100, kEcho, 0);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == 2);
  CHECK(b.recorder.arrivals[0].at == server);
  CHECK(b.recorder.arrivals[0].packet.tuple.src == b.network.address_of(client));
  dataplane::Results r;
  b.network.add_to(r);
  CHECK(r.nat.snat == 0);
  CHECK(r.nat.dnat == 0);
}

TEST_CASE(
    "a pod's traffic to a VM in the VNet is masqueraded to the node IP under kubenet and overlay, not "
    "azure") {
  for (auto plugin : {PluginKind::Kubenet, PluginKind::AzureOverlay, PluginKind::AzureNodeSubnet}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin);
    const auto client = b.host("client");
    const auto client_ip = b.network.address_of(client);
    const auto node_ip = b.cluster.nodes()[b.cluster.pods()[client.index].node].ip;
    const auto target = vm(b);
    b.network.send(client, b.tcp(client, b.network.address_of(target), 443), 100, kEcho, 0);
    b.sim.run();
    REQUIRE(b.recorder.arrivals.size() == 2);
    const auto& at_vm = b.recorder.arrivals[0];
    CHECK(at_vm.at == target);
    const bool masqueraded = plugin != PluginKind::AzureNodeSubnet;
    CHECK(at_vm.packet.tuple.src == (masqueraded ? node_ip : client_ip));
    // The reply, addressed to what the VM saw, reaches the pod reverse-translated.
    const auto& back = b.recorder.arrivals[1];
    CHECK(back.packet.kind == kReply);
    CHECK(back.at == client);
    CHECK(back.packet.tuple.dst == client_ip);
    CHECK(back.packet.tuple.dst_port == 40000);
    CHECK(back.packet.tuple.src == b.network.address_of(target));
    dataplane::Results r;
    b.network.add_to(r);
    CHECK(r.nat.snat == (masqueraded ? 1u : 0u));
    CHECK(r.nat.reverse == (masqueraded ? 1u : 0u));
  }
}

TEST_CASE("traffic to a Service's ClusterIP is DNATed to a backend and the reply comes from the ClusterIP") {
  for (auto plugin : {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::Cilium}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin);
    const auto client = b.host("client");
    const auto server = b.host("server");
    const auto svc = b.cluster.find_service("default", "server");
    REQUIRE(svc);
    const auto cluster_ip = b.cluster.services()[*svc].clusterIP;
    b.network.send(client, b.tcp(client, cluster_ip, 80), 100, kEcho, 0);
    b.sim.run();
    REQUIRE(b.recorder.arrivals.size() == 2);
    CHECK(b.recorder.arrivals[0].at == server);
    CHECK(b.recorder.arrivals[0].packet.tuple.dst == b.network.address_of(server));
    CHECK(b.recorder.arrivals[0].packet.tuple.dst_port == 8080);
    const auto& back = b.recorder.arrivals[1];
    CHECK(back.at == client);
    CHECK(back.packet.tuple.src == cluster_ip);
    CHECK(back.packet.tuple.src_port == 80);
    dataplane::Results r;
    b.network.add_to(r);
    CHECK(r.nat.dnat == 1);
    CHECK(r.nat.reverse == 1);
  }
}

TEST_CASE("a Service without endpoints drops the packet") {
  auto spec = dataplane::testing::two_pods_spec(PluginKind::Kubenet);
  for (auto& s : spec.services) {
    if (s.name == "server") s.selector = {{"app", "nobody"}};
  }
  Bench b(PluginKind::Kubenet, std::nullopt, spec);
  const auto client = b.host("client");
  const auto svc = b.cluster.find_service("default", "server");
  b.network.send(client, b.tcp(client, b.cluster.services()[*svc].clusterIP, 80), 100, kEcho, 0);
  b.sim.run();
  REQUIRE(b.recorder.drops.size() == 1);
  CHECK(b.recorder.drops[0].second == dataplane::DropReason::NoServiceEndpoint);
}

TEST_CASE("a pod calling its own Service is masqueraded as kube-proxy's hairpin rule does and the reply comes back") {
  for (auto plugin : {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::AzureOverlay}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin);
    const auto server = b.host("server");  // the Service's only endpoint calls the Service
    const auto svc = b.cluster.find_service("default", "server");
    REQUIRE(svc);
    const auto cluster_ip = b.cluster.services()[*svc].clusterIP;
    const auto& node = b.cluster.nodes()[b.cluster.pods()[server.index].node];
    b.network.send(server, b.tcp(server, cluster_ip, 80), 100, kEcho, 0, true);
    b.sim.run();
    REQUIRE(b.recorder.arrivals.size() == 2);
    const auto& at_server = b.recorder.arrivals[0];
    CHECK(at_server.at == server);
    CHECK(at_server.packet.tuple.dst == b.network.address_of(server));
    CHECK(at_server.packet.tuple.dst_port == 8080);
    // Not its own address: cbr0's under kubenet, the node's where the pod's veth is routed.
    CHECK(at_server.packet.tuple.src == (plugin == PluginKind::Kubenet ? node.podGateway : node.ip));
    const auto& back = b.recorder.arrivals[1];
    CHECK(back.at == server);
    CHECK(back.packet.tuple.src == cluster_ip);
    CHECK(back.packet.tuple.src_port == 80);
    CHECK(back.packet.tuple.dst == b.network.address_of(server));
    dataplane::Results r;
    b.network.add_to(r);
    CHECK(r.nat.dnat == 1);
    CHECK(r.nat.snat == 1);
  }
}
