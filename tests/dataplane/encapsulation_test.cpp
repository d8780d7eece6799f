// Bring-your-own CNIs (networkPlugin none + cluster.byoCni): the tunnel devices' encapsulation on the
// data path (outer header, bytes on the wire, the far node's decapsulation), the MSS it lowers, Azure's
// block on IPIP, and native routing through the user-defined routes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "models/capture/frame.hpp"
#include "models/dataplane/trace_call.hpp"
#include "models/scenario/byo_cni_facts.hpp"
#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using dataplane::DropReason;
using dataplane::HostRef;
using dataplane::testing::Bench;
using scenario::DeviceKind;
using scenario::Encapsulation;
using scenario::PluginKind;

namespace {

// Two nodes; a client and a server on different nodes (the server's anti-affinity: one per node with
// two replicas, the client's ordinal 0 on node 0 and the servers on both), a Service in front.
std::string scenario_text(std::string_view cni, std::string_view encapsulation, std::string_view extra = "") {
  return "cluster:\n  name: byo\n  networkProfile: {networkPlugin: none}\n  byoCni: {name: " + std::string(cni) +
         ", encapsulation: " + std::string(encapsulation) + std::string(extra) +
         "}\nnodePools: [{name: pool1, count: 2}]\n"
         "workloads:\n  - {kind: DaemonSet, name: server, labels: {app: server}}\n"
         "  - {kind: DaemonSet, name: client, labels: {app: client}}\n"
         "services:\n  - {name: server, selector: {app: server}, ports: [{port: 80, targetPort: 8080}]}\n";
}

scenario::ScenarioSpec spec_of(std::string_view cni, std::string_view encapsulation, std::string_view extra = "") {
  return scenario::load_scenario_string(scenario_text(cni, encapsulation, extra), "byo.yaml");
}

// The pod of a DaemonSet on node n.
cluster::PodIndex pod_on(const Bench& b, std::string_view workload, cluster::NodeIndex n) {
  for (cluster::PodIndex p = 0; p < b.cluster.pods().size(); ++p) {
    if (b.cluster.workload(p).name == workload && b.cluster.pods()[p].node == n) return p;
  }
  throw std::runtime_error("no pod");
}

// Records every packet's size and header as each device sees it.
struct Sizes : dataplane::PacketObserver {
  void seen(cluster::DeviceId device, cluster::DeviceId, std::int64_t, dataplane::PacketId, const dataplane::Packet& p) override {
    at.push_back({device, p});
  }
  std::vector<std::pair<cluster::DeviceId, dataplane::Packet>> at;
};

constexpr std::uint8_t kEcho = 1;

// Sends one traced TCP packet of 100 bytes from a pod to another's port 8080 (echoed back), and runs.
std::pair<dataplane::PacketId, net::FiveTuple> send_between(Bench& b, cluster::PodIndex from, cluster::PodIndex to) {
  const net::FiveTuple t{net::Protocol::Tcp, b.cluster.pods()[from].ip, 40000, b.cluster.pods()[to].ip, 8080};
  const auto id = b.network.send(HostRef{HostRef::Kind::Pod, from}, t, 100, kEcho, 0, true);
  b.sim.run();
  return {id, t};
}

struct Case {
  std::string_view cni, encapsulation;
  DeviceKind tunnel;
  std::uint16_t port;
};
const Case kTunnelled[] = {{"flannel", "vxlan", DeviceKind::VxlanDevice, 8472},
                           {"calico", "vxlan", DeviceKind::VxlanDevice, 4789},
                           {"cilium", "vxlan", DeviceKind::VxlanDevice, 8472}};

}  // namespace

TEST_CASE("A pod packet to another node's pod crosses the VNet in VXLAN between the two nodes and arrives unchanged") {
  for (const auto& c : kTunnelled) {
    CAPTURE(c.cni);
    Bench b(PluginKind::None, std::nullopt, spec_of(c.cni, c.encapsulation));
    Sizes seen;
    b.network.set_observer(&seen);
    const auto client = pod_on(b, "client", 0), server = pod_on(b, "server", 1);
    [[maybe_unused]] const auto [id, t] = send_between(b, client, server);
    REQUIRE(b.recorder.arrivals.size() == 2);  // the request at the server, the echo back
    const auto& arrived = b.recorder.arrivals[0].packet;
    CHECK(arrived.tuple == t);
    CHECK(arrived.size == 100);
    CHECK(arrived.encap == Encapsulation::None);
    CHECK(arrived.ttl == 62);  // forwarded by both nodes, as without a tunnel; the outer header has its own
    // The path: pod, veth, (bridge), stack, tunnel, stack, NIC, VNet, NIC, stack, tunnel, stack, ..., pod.
    const auto path = b.path(id);
    CHECK(std::count(path.begin(), path.end(), c.tunnel) == 2);
    CHECK(std::count(path.begin(), path.end(), DeviceKind::NodeStack) == 4);
    // On the wire (the NICs and the VNet): the outer UDP header between the nodes' addresses, 50 bytes more.
    std::size_t on_wire = 0;
    for (const auto& [device, p] : seen.at) {
      const auto kind = b.cluster.devices()[device].kind;
      if (p.tag != 0 || p.kind != kEcho || (kind != DeviceKind::Nic && kind != DeviceKind::VnetRouter)) continue;
      ++on_wire;
      CHECK(p.encap == Encapsulation::Vxlan);
      CHECK(p.size == 100 + scenario::byo::kVxlanOverhead);
      CHECK(p.tuple.protocol == net::Protocol::Udp);
      CHECK(p.tuple.src == b.cluster.nodes()[0].ip);
      CHECK(p.tuple.dst == b.cluster.nodes()[1].ip);
      CHECK(p.tuple.dst_port == c.port);
      CHECK((p.tuple.src_port >= 32768 && p.tuple.src_port <= 60999));
      CHECK(p.inner == t);
    }
    CHECK(on_wire == 3);  // node 0's NIC, the VNet, node 1's NIC
    // The trace names both ends of the tunnel.
    std::size_t encapsulated = 0, decapsulated = 0;
    for (const auto& hop : b.network.trace()) {
      if (hop.packet != id) continue;
      for (const auto& e : hop.all<dataplane::facts::Encapsulated>()) {
        ++encapsulated;
        CHECK(e.peer == 1);
        CHECK(e.overhead == 50);
      }
      decapsulated += hop.all<dataplane::facts::Decapsulated>().size();
    }
    CHECK(encapsulated == 1);
    CHECK(decapsulated == 1);
  }
}

TEST_CASE("Pods on one node talk without encapsulation") {
  for (const auto& c : kTunnelled) {
    CAPTURE(c.cni);
    Bench b(PluginKind::None, std::nullopt, spec_of(c.cni, c.encapsulation));
    const auto client = pod_on(b, "client", 1), server = pod_on(b, "server", 1);
    [[maybe_unused]] const auto [id, t] = send_between(b, client, server);
    REQUIRE(b.recorder.arrivals.size() == 2);
    const auto path = b.path(id);
    CHECK(std::count(path.begin(), path.end(), c.tunnel) == 0);
    CHECK(std::count(path.begin(), path.end(), DeviceKind::Nic) == 0);
  }
}

TEST_CASE("A Service call from a pod is DNATed before the tunnel and reaches a pod on either node") {
  Bench b(PluginKind::None, std::nullopt, spec_of("flannel", "vxlan"));
  const auto client = pod_on(b, "client", 0);
  const auto svc = *b.cluster.find_service("default", "server");
  std::set<cluster::NodeIndex> reached;
  for (std::uint16_t k = 0; k < 16; ++k) {
    const std::size_t before = b.recorder.arrivals.size();
    const net::FiveTuple t{net::Protocol::Tcp, b.cluster.pods()[client].ip, static_cast<std::uint16_t>(41000 + k),
                           b.cluster.services()[svc].clusterIP, 80};
    b.network.send(HostRef{HostRef::Kind::Pod, client}, t, 100, kEcho, 0);
    b.sim.run();
    REQUIRE(b.recorder.arrivals.size() == before + 2);
    const auto& at = b.recorder.arrivals[before];
    reached.insert(b.cluster.pods()[at.at.index].node);
    CHECK(at.packet.tuple.dst_port == 8080);
    // The echo comes back from the Service's address (conntrack's reverse NAT on the client's node).
    CHECK(b.recorder.arrivals[before + 1].packet.tuple.src == b.cluster.services()[svc].clusterIP);
  }
  CHECK(reached.size() == 2);
}

TEST_CASE("VXLAN lowers the MSS by its 50 bytes and IPIP by its 20, and a larger message takes more segments") {
  const auto data_lengths = [](const dataplane::TraceOutcome& out) {
    std::vector<std::uint32_t> lens;
    const std::regex len(" len ([0-9]+)");
    for (const auto& line : out.lines) {
      std::smatch m;
      if (line.find("server -> client") != std::string::npos && std::regex_search(line, m, len) && std::stoul(m[1]) > 0) {
        lens.push_back(static_cast<std::uint32_t>(std::stoul(m[1])));
      }
    }
    return lens;
  };
  const auto call = [&](const Bench& b) {
    const auto client = pod_on(b, "client", 0), server = pod_on(b, "server", 1);
    return dataplane::trace_call(b.cluster, b.profile, "pod/default/" + b.cluster.pod_name(client),
                                 "pod/default/" + b.cluster.pod_name(server), dataplane::CallTraceOptions{200, 20000, true, 8080});
  };
  Bench plain(PluginKind::Kubenet, std::nullopt, [] {
    auto s = spec_of("flannel", "vxlan");
    scenario::apply_plugin(s, PluginKind::Kubenet);
    return s;
  }());
  const std::uint32_t base_mss = plain.profile.tcp.mss();  // 1448: 1500 less IPv4, TCP and timestamps
  REQUIRE(base_mss == 1448);
  const auto plain_lens = data_lengths(call(plain));
  REQUIRE(!plain_lens.empty());
  CHECK(*std::max_element(plain_lens.begin(), plain_lens.end()) == base_mss);

  Bench vxlan(PluginKind::None, std::nullopt, spec_of("calico", "vxlan"));
  const auto out = call(vxlan);
  CHECK(out.answered);
  CHECK_THAT(out.lines[1], Catch::Contains("MSS 1398 (the pods' MTU 1450)"));
  const auto lens = data_lengths(out);
  CHECK(*std::max_element(lens.begin(), lens.end()) == base_mss - scenario::byo::kVxlanOverhead);
  // 20000 bytes: 14 segments of 1448 (13.8), 15 of 1398 (14.3).
  CHECK(plain_lens.size() == 14);
  CHECK(lens.size() == 15);

  // IPIP's pods have 1480 (their packets between nodes are dropped on Azure, so the MSS is read from the
  // call between two pods of one node).
  Bench ipip(PluginKind::None, std::nullopt, spec_of("calico", "ipip"));
  const auto same_node = dataplane::trace_call(ipip.cluster, ipip.profile,
                                               "pod/default/" + ipip.cluster.pod_name(pod_on(ipip, "client", 1)),
                                               "pod/default/" + ipip.cluster.pod_name(pod_on(ipip, "server", 1)),
                                               dataplane::CallTraceOptions{200, 20000, true, 8080});
  CHECK(same_node.answered);
  CHECK_THAT(same_node.lines[1], Catch::Contains("MSS " + std::to_string(base_mss - scenario::byo::kIpipOverhead)));
  // A connection between two nodes' own addresses does not cross a tunnel: the NIC's MTU.
  CHECK(ipip.cluster.connection_mtu(ipip.cluster.nodes()[0].ip, ipip.cluster.nodes()[1].ip, 22) == 1500);
  // A VM calling a pod: the pod's MSS is the smaller, so it is the connection's.
  CHECK(ipip.cluster.connection_mtu(ipip.cluster.externals()[cluster::kVnetVm].ip,
                                    ipip.cluster.pods()[pod_on(ipip, "server", 0)].ip, 8080) == 1480);
}

TEST_CASE("An mtu set for the CNI is the pods' and one too large for the encapsulation is refused") {
  Bench b(PluginKind::None, std::nullopt, spec_of("flannel", "vxlan", ", mtu: 1400"));
  CHECK(b.cluster.connection_mtu(b.cluster.pods()[pod_on(b, "client", 0)].ip, b.cluster.pods()[pod_on(b, "server", 1)].ip,
                                 8080) == 1400);
  CHECK_THROWS_WITH(spec_of("flannel", "vxlan", ", mtu: 1460"),
                    Catch::Contains("cluster.byoCni.mtu") && Catch::Contains("mtu at most 1450"));
  CHECK_THROWS_WITH(spec_of("flannel", "ipip"), Catch::Contains("cluster.byoCni.encapsulation") &&
                                                    Catch::Contains("encapsulation: vxlan with flannel"));
  CHECK_THROWS_WITH(spec_of("cilium", "ipip"), Catch::Contains("vxlan or none with cilium"));
}

TEST_CASE("Azure's fabric drops IPIP between nodes and counts it, and the scenario warns") {
  const auto spec = spec_of("calico", "ipip");
  REQUIRE(std::any_of(spec.warnings.begin(), spec.warnings.end(), [](const scenario::Diagnostic& d) {
    return d.message.find("IPIP packets are blocked by the Azure network fabric") != std::string::npos;
  }));
  Bench b(PluginKind::None, std::nullopt, spec);
  const auto client = pod_on(b, "client", 0), server = pod_on(b, "server", 1);
  [[maybe_unused]] const auto [id, t] = send_between(b, client, server);
  CHECK(b.recorder.arrivals.empty());
  REQUIRE(b.recorder.drops.size() == 1);
  CHECK(b.recorder.drops[0].second == DropReason::IpipBlocked);
  CHECK(b.recorder.drops[0].first.tuple.protocol == net::Protocol::Ipip);
  CHECK(b.recorder.drops[0].first.size == 120);
  const auto path = b.path(id);
  CHECK(std::count(path.begin(), path.end(), DeviceKind::IpipDevice) == 1);
  CHECK(path.back() == DeviceKind::VnetRouter);
  CHECK(!b.network.trace().back().all<dataplane::facts::IpipBlocked>().empty());
}

TEST_CASE("Without encapsulation pod packets leave as they are and Azure delivers them by a user-defined route per node") {
  for (std::string_view cni : {"calico", "cilium"}) {
    CAPTURE(cni);
    Bench b(PluginKind::None, std::nullopt, spec_of(cni, "none"));
    std::size_t udrs = 0;
    const auto& azure = b.cluster.azure_route_table();
    for (std::uint32_t id : azure.ids()) udrs += azure.route(id).name.starts_with("byo-");
    CHECK(udrs == 2);
    const auto client = pod_on(b, "client", 0), server = pod_on(b, "server", 1);
    [[maybe_unused]] const auto [id, t] = send_between(b, client, server);
    REQUIRE(b.recorder.arrivals.size() == 2);
    const auto path = b.path(id);
    CHECK(std::count(path.begin(), path.end(), DeviceKind::NodeStack) == 2);
    CHECK(std::none_of(path.begin(), path.end(),
                       [](DeviceKind k) { return k == DeviceKind::VxlanDevice || k == DeviceKind::IpipDevice; }));
  }
}

TEST_CASE("Each CNI lays out its own devices names and routes") {
  struct Expect {
    std::string_view cni, encapsulation, tunnel, veth_prefix;
    bool bridged;
  };
  for (const auto& e : {Expect{"flannel", "vxlan", "flannel.1", "veth", true}, Expect{"calico", "vxlan", "vxlan.calico", "cali", false},
                        Expect{"calico", "ipip", "tunl0", "cali", false}, Expect{"cilium", "vxlan", "cilium_vxlan", "lxc", false}}) {
    CAPTURE(e.cni, e.encapsulation);
    Bench b(PluginKind::None, std::nullopt, spec_of(e.cni, e.encapsulation));
    const auto& node = b.cluster.nodes()[0];
    REQUIRE(node.tunnel != cluster::kNone);
    CHECK(b.cluster.device_name(node.tunnel) == node.name + ":" + std::string(e.tunnel));
    const auto pod = pod_on(b, "client", 0);
    const std::string veth = b.cluster.device_name(b.cluster.pods()[pod].vethHost);
    CHECK(veth.substr(node.name.size() + 1).starts_with(e.veth_prefix));
    CHECK((b.cluster.devices()[node.podAttach].kind == DeviceKind::Bridge) == e.bridged);
    // The other node's pods: through the tunnel, by the kernel table.
    const auto r = net::find_route(b.cluster.node_route_table(0), b.cluster.pods()[pod_on(b, "server", 1)].ip);
    REQUIRE(r.found());
    CHECK(b.cluster.node_route_table(0).route(r.route).next_hop.device == e.tunnel);
    CHECK_THAT(b.cluster.plugin_label(), Catch::Contains(std::string(e.cni)));
  }
}

TEST_CASE("A pcap of an encapsulated packet holds the outer headers, the VXLAN header with its VNI, and the inner frame") {
  Bench b(PluginKind::None, std::nullopt, spec_of("calico", "vxlan"));
  Sizes seen;
  b.network.set_observer(&seen);
  const auto client = pod_on(b, "client", 0), server = pod_on(b, "server", 1);
  const net::FiveTuple t{net::Protocol::Tcp, b.cluster.pods()[client].ip, 40000, b.cluster.pods()[server].ip, 8080};
  b.network.send(HostRef{HostRef::Kind::Pod, client}, t, 100, kEcho, 0);
  b.sim.run();
  const auto it = std::find_if(seen.at.begin(), seen.at.end(), [&](const auto& s) {
    return b.cluster.devices()[s.first].kind == DeviceKind::Nic && s.second.encap == Encapsulation::Vxlan;
  });
  REQUIRE(it != seen.at.end());
  const auto f = capture::build_frame(it->second, 7, capture::mac_of(1), capture::mac_of(2), 262144);
  REQUIRE(f.length == 14 + 150);
  REQUIRE(f.bytes.size() == f.length);
  const auto* ip = &f.bytes[14];
  CHECK(ip[9] == 17);                                                     // outer UDP
  CHECK((ip[22] << 8 | ip[23]) == 4789);                                  // Calico's VXLAN port
  CHECK((ip[24] << 8 | ip[25]) == 130);                                   // UDP length: 150 - 20
  CHECK(ip[28] == 0x08);                                                  // VXLAN flags: VNI valid
  CHECK((ip[32] << 16 | ip[33] << 8 | ip[34]) == 4096);                   // Calico's VNI
  const auto* inner_ip = ip + 20 + 8 + 8 + 14;                            // after the inner Ethernet header
  CHECK(inner_ip[0] == 0x45);
  CHECK(inner_ip[9] == 6);                                                // inner TCP
  CHECK((inner_ip[2] << 8 | inner_ip[3]) == 100);                         // inner total length
  CHECK(capture::internet_checksum({ip, 20}) == 0);                       // outer header checksum valid
  CHECK(capture::internet_checksum({inner_ip, 20}) == 0);                 // inner too
}

TEST_CASE("Cilium's VXLAN header carries the source pod's security identity") {
  Bench b(PluginKind::None, std::nullopt, spec_of("cilium", "vxlan"));
  Sizes seen;
  b.network.set_observer(&seen);
  // The VNI each pod's packets to the other node carry.
  const auto vni_from = [&](cluster::PodIndex src, cluster::PodIndex dst) {
    seen.at.clear();
    const net::FiveTuple t{net::Protocol::Tcp, b.cluster.pods()[src].ip, 40000, b.cluster.pods()[dst].ip, 8080};
    b.network.send(HostRef{HostRef::Kind::Pod, src}, t, 100, 3, 0);  // kind 3: not echoed
    b.sim.run();
    for (const auto& [device, p] : seen.at) {
      if (p.encap == Encapsulation::Vxlan && p.inner.src == t.src) return p.vni;
    }
    FAIL("no VXLAN packet seen");
    return 0u;
  };
  const auto client0 = vni_from(pod_on(b, "client", 0), pod_on(b, "server", 1));
  const auto client1 = vni_from(pod_on(b, "client", 1), pod_on(b, "server", 0));
  const auto server0 = vni_from(pod_on(b, "server", 0), pod_on(b, "client", 1));
  CHECK(client0 == client1);  // one label set, one identity, on every node
  CHECK(client0 != server0);
  CHECK(client0 >= scenario::byo::kCiliumFirstPodIdentity);
  CHECK(server0 >= scenario::byo::kCiliumFirstPodIdentity);
}
