// NodePort Services, externalTrafficPolicy and internalTrafficPolicy, sessionAffinity ClientIP: what
// kube-proxy does with them (and Cilium's kube-proxy replacement alike), checked on the data path.
#include <catch2/catch.hpp>

#include <set>

#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using dataplane::DropReason;
using dataplane::HostRef;
using dataplane::testing::Bench;
using scenario::PluginKind;

namespace {

// web runs on every node (a DaemonSet); api has one replica; the VM in the VNet calls from outside.
constexpr const char* kScenario = R"(
cluster:
  name: svc
  networkProfile: {networkPlugin: azure}
nodePools: [{name: pool1, count: 3}]
workloads:
  - {kind: DaemonSet, name: web, labels: {app: web}}
  - {name: api, replicas: 1, labels: {app: api}}
  - {name: client, replicas: 2, labels: {app: client}}
services:
  - {name: web-cluster, type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}
  - {name: web-local, type: NodePort, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80, targetPort: 8080, nodePort: 30081}]}
  - {name: api-local, type: NodePort, externalTrafficPolicy: Local, selector: {app: api}, ports: [{port: 80, targetPort: 9090, nodePort: 30082}]}
  - {name: api-internal, internalTrafficPolicy: Local, selector: {app: api}, ports: [{port: 80, targetPort: 9090}]}
  - name: web-sticky
    selector: {app: web}
    sessionAffinity: ClientIP
    sessionAffinityConfig: {clientIP: {timeoutSeconds: 10}}
    ports: [{port: 80, targetPort: 8080}]
  - {name: web-any, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
  - {name: auto, type: NodePort, selector: {app: web}, ports: [{port: 81}]}
)";

scenario::ScenarioSpec spec_for(PluginKind plugin) {
  auto spec = scenario::load_scenario_string(kScenario, "svc.yaml");
  if (plugin != spec.plugin()) scenario::apply_plugin(spec, plugin);
  return spec;
}

const PluginKind kPlugins[] = {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::AzureOverlay,
                               PluginKind::Cilium};

constexpr std::uint8_t kEcho = 1;
const HostRef kVm{HostRef::Kind::External, cluster::kVnetVm};

// Sends one TCP packet from `from` to ip:port (source port `sport`), echoed back on arrival, and runs.
void send(Bench& b, HostRef from, net::Ipv4 ip, std::uint16_t port, std::uint16_t sport = 40000) {
  net::FiveTuple t{net::Protocol::Tcp, b.network.address_of(from), sport, ip, port};
  b.network.send(from, t, 100, kEcho, 0, true);
  b.sim.run();
}

cluster::ServiceIndex service(const Bench& b, std::string_view name) { return *b.cluster.find_service("default", name); }

std::size_t drops_of(const Bench& b, DropReason reason) {
  std::size_t n = 0;
  for (const auto& d : b.recorder.drops) n += d.second == reason;
  return n;
}

}  // namespace

TEST_CASE("a NodePort is reached at every node's address, and under externalTrafficPolicy Cluster the endpoint sees the node") {
  for (auto plugin : kPlugins) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin, std::nullopt, spec_for(plugin));
    std::set<cluster::NodeIndex> served_on;
    for (cluster::NodeIndex n = 0; n < b.cluster.nodes().size(); ++n) {
      for (std::uint16_t k = 0; k < 12; ++k) {
        const std::size_t before = b.recorder.arrivals.size();
        send(b, kVm, b.cluster.nodes()[n].ip, 30080, static_cast<std::uint16_t>(41000 + 16 * n + k));
        REQUIRE(b.recorder.arrivals.size() == before + 2);  // the request at a web pod, the echo back at the VM
        const auto& at = b.recorder.arrivals[before];
        REQUIRE(at.at.kind == HostRef::Kind::Pod);
        CHECK(b.cluster.workload(at.at.index).name == "web");
        CHECK(at.packet.tuple.dst_port == 8080);
        // Masqueraded by the node it entered: to the address of the interface it leaves by (cbr0's when
        // kubenet bridges it to a pod of this node).
        const bool bridged = plugin == PluginKind::Kubenet && b.cluster.pods()[at.at.index].node == n;
        CHECK(at.packet.tuple.src == (bridged ? b.cluster.nodes()[n].podGateway : b.cluster.nodes()[n].ip));
        served_on.insert(b.cluster.pods()[at.at.index].node);
        CHECK(b.recorder.arrivals[before + 1].at == kVm);
        CHECK(b.recorder.arrivals[before + 1].packet.tuple.src == b.cluster.nodes()[n].ip);  // un-DNATed reply
      }
    }
    CHECK(served_on.size() == 3);  // any endpoint: other nodes too
  }
}

TEST_CASE("externalTrafficPolicy Local keeps the client's address and the node's own endpoint, and drops where there is none") {
  for (auto plugin : kPlugins) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin, std::nullopt, spec_for(plugin));
    const net::Ipv4 vm = b.network.address_of(kVm);
    for (cluster::NodeIndex n = 0; n < b.cluster.nodes().size(); ++n) {
      for (std::uint16_t k = 0; k < 6; ++k) {
        const std::size_t before = b.recorder.arrivals.size();
        send(b, kVm, b.cluster.nodes()[n].ip, 30081, static_cast<std::uint16_t>(42000 + 16 * n + k));
        REQUIRE(b.recorder.arrivals.size() == before + 2);
        const auto& at = b.recorder.arrivals[before];
        CHECK(at.packet.tuple.src == vm);
        CHECK(b.cluster.pods()[at.at.index].node == n);
      }
    }
    // api has one pod: the other nodes drop a NodePort packet for it; its own node serves it.
    const auto api = b.pod("api");
    const auto api_node = b.cluster.pods()[api].node;
    const cluster::NodeIndex other = api_node == 0 ? 1 : 0;
    send(b, kVm, b.cluster.nodes()[other].ip, 30082);
    CHECK(drops_of(b, DropReason::NoLocalEndpoint) == 1);
    const std::size_t before = b.recorder.arrivals.size();
    send(b, kVm, b.cluster.nodes()[api_node].ip, 30082);
    REQUIRE(b.recorder.arrivals.size() == before + 2);
    CHECK(b.recorder.arrivals[before].at == HostRef{HostRef::Kind::Pod, api});
    // A pod calling that NodePort on a node without the endpoint is sent to the Service's endpoints
    // (kube-proxy short-circuits pods' traffic to external destinations), without SNAT. Under overlay
    // (Azure CNI's or Cilium's) the pod's packet reaches the other node masqueraded to its own node's
    // address (outside the pod CIDR), so kube-proxy there sees an outside client and drops it too.
    cluster::PodIndex caller = b.pod("client");
    if (b.cluster.pods()[caller].node == other) caller = b.pod("client", 1);
    const auto client = HostRef{HostRef::Kind::Pod, caller};
    const std::size_t again = b.recorder.arrivals.size();
    send(b, client, b.cluster.nodes()[other].ip, 30082);
    const bool masqueraded = plugin == PluginKind::AzureOverlay || plugin == PluginKind::Cilium;  // overlay addresses
    if (masqueraded && b.cluster.pods()[caller].node != other) {
      CHECK(drops_of(b, DropReason::NoLocalEndpoint) == 2);
    } else {
      REQUIRE(b.recorder.arrivals.size() == again + 2);
      CHECK(b.recorder.arrivals[again].at == HostRef{HostRef::Kind::Pod, api});
      CHECK(b.recorder.arrivals[again].packet.tuple.src == b.network.address_of(client));
    }
  }
}

TEST_CASE("internalTrafficPolicy Local sends a pod's connection to its own node's endpoint, or drops it") {
  for (auto plugin : kPlugins) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin, std::nullopt, spec_for(plugin));
    const auto& svc = b.cluster.services()[service(b, "api-internal")];
    const auto api_node = b.cluster.pods()[b.pod("api")].node;
    std::size_t served_here = 0, dropped = 0;
    for (std::uint32_t ordinal = 0; ordinal < 2; ++ordinal) {
      const HostRef client{HostRef::Kind::Pod, b.pod("client", ordinal)};
      const bool local = b.cluster.pods()[client.index].node == api_node;
      const std::size_t before = b.recorder.arrivals.size();
      send(b, client, svc.clusterIP, 80);
      if (local) {
        REQUIRE(b.recorder.arrivals.size() == before + 2);
        CHECK(b.recorder.arrivals[before].at == HostRef{HostRef::Kind::Pod, b.pod("api")});
        ++served_here;
      } else {
        ++dropped;
      }
    }
    CHECK(drops_of(b, DropReason::NoLocalEndpoint) == dropped);
    CHECK(served_here + dropped == 2);
  }
}

TEST_CASE("sessionAffinity ClientIP keeps a client's new connections on one endpoint until its timeout") {
  for (auto plugin : kPlugins) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin, std::nullopt, spec_for(plugin));
    const HostRef client{HostRef::Kind::Pod, b.pod("client")};
    const net::Ipv4 sticky = b.cluster.services()[service(b, "web-sticky")].clusterIP;
    const net::Ipv4 any = b.cluster.services()[service(b, "web-any")].clusterIP;
    std::set<cluster::PodIndex> sticky_pods, any_pods;
    for (std::uint16_t k = 0; k < 30; ++k) {
      std::size_t before = b.recorder.arrivals.size();
      send(b, client, sticky, 80, static_cast<std::uint16_t>(43000 + k));
      REQUIRE(b.recorder.arrivals.size() == before + 2);
      sticky_pods.insert(b.recorder.arrivals[before].at.index);
      before = b.recorder.arrivals.size();
      send(b, client, any, 80, static_cast<std::uint16_t>(44000 + k));
      REQUIRE(b.recorder.arrivals.size() == before + 2);
      any_pods.insert(b.recorder.arrivals[before].at.index);
    }
    CHECK(sticky_pods.size() == 1);
    CHECK(any_pods.size() == 3);
    // After the 10 s timeout the choice is made again: over 30 spaced-out connections, more than one pod.
    std::set<cluster::PodIndex> later;
    for (std::uint16_t k = 0; k < 30; ++k) {
      b.sim.schedule_in(sim::seconds(11), [] {});
      b.sim.run();
      const std::size_t before = b.recorder.arrivals.size();
      send(b, client, sticky, 80, static_cast<std::uint16_t>(45000 + k));
      REQUIRE(b.recorder.arrivals.size() == before + 2);
      later.insert(b.recorder.arrivals[before].at.index);
    }
    CHECK(later.size() > 1);
  }
}

TEST_CASE("node ports are allocated from the upper band as kube-apiserver does, the same for the same seed") {
  const auto a = cluster::build_cluster(spec_for(PluginKind::AzureNodeSubnet));
  const auto b = cluster::build_cluster(spec_for(PluginKind::AzureNodeSubnet));
  const auto& auto_svc = a.services()[*a.find_service("default", "auto")];
  REQUIRE(auto_svc.nodePorts.size() == 1);
  CHECK(auto_svc.nodePorts[0] >= 30000 + 86);  // above the static band, min(max(16, 2768 / 32), 128) = 86 ports
  CHECK(auto_svc.nodePorts[0] <= 32767);
  CHECK(auto_svc.nodePorts == b.services()[*b.find_service("default", "auto")].nodePorts);
  CHECK(a.services()[*a.find_service("default", "web-cluster")].nodePorts == std::vector<std::uint16_t>{30080});
  CHECK(a.services()[*a.find_service("default", "web-any")].nodePorts.empty());
}

TEST_CASE("kube-proxy's iptables walk reaches a NodePort rule after every ClusterIP rule") {
  const auto c = cluster::build_cluster(spec_for(PluginKind::AzureNodeSubnet));
  const auto& dnat = c.service_dnat();
  std::size_t cluster_ip = 0;
  for (const auto& r : dnat.rules) cluster_ip += r.kind == cluster::ServicePortRule::Kind::ClusterIP;
  const auto first = dnat.find_node_port(30080, cluster::Protocol::Tcp);
  REQUIRE(first.rule);
  CHECK(first.rulesWalked == cluster_ip + 1);
  const auto second = dnat.find_node_port(30081, cluster::Protocol::Tcp);
  CHECK(second.rulesWalked == cluster_ip + 2);
  const auto none = dnat.find_node_port(31999, cluster::Protocol::Tcp);
  CHECK_FALSE(none.rule);
  CHECK(none.rulesWalked == dnat.rules.size());
  CHECK(dnat.find(net::Ipv4::parse("10.9.9.9"), 80, cluster::Protocol::Tcp).rulesWalked == cluster_ip);
}
