// Availability zones: a pool's nodes in its zones in turn, Deployments spread over zones first, and a
// packet between nodes of two zones crossing Azure's network between them (devices.zoneCrossing).
#include <catch2/catch.hpp>

#include <map>

#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using dataplane::HostRef;
using dataplane::testing::Bench;
using scenario::DeviceKind;
using scenario::PluginKind;

namespace {

constexpr const char* kScenario = R"(
cluster:
  name: zones
  networkProfile: {networkPlugin: azure}
nodePools:
  - {name: zoned, count: 6, availabilityZones: ["1", "2", "3"]}
  - {name: regional, count: 1, mode: User}
workloads:
  - {name: api, replicas: 5, labels: {app: api}}
  - {kind: DaemonSet, name: agent, labels: {app: agent}}
)";

scenario::ScenarioSpec spec_for(PluginKind plugin) {
  auto spec = scenario::load_scenario_string(kScenario, "zones.yaml");
  if (plugin != spec.plugin()) scenario::apply_plugin(spec, plugin);
  return spec;
}

cluster::PodIndex agent_on(const Bench& b, cluster::NodeIndex n) {
  for (cluster::PodIndex p = 0; p < b.cluster.pods().size(); ++p) {
    if (b.cluster.workload(p).name == "agent" && b.cluster.pods()[p].node == n) return p;
  }
  throw std::runtime_error("no agent pod");
}

// When a packet from agent(from) to agent(to) arrives, sent at time 0.
std::int64_t one_way_ps(Bench& b, cluster::NodeIndex from, cluster::NodeIndex to) {
  const auto src = agent_on(b, from), dst = agent_on(b, to);
  const net::FiveTuple t{net::Protocol::Tcp, b.cluster.pods()[src].ip, 40000, b.cluster.pods()[dst].ip, 8080};
  const std::int64_t start = b.sim.now().ps();
  const std::size_t before = b.recorder.arrivals.size();
  b.network.send(HostRef{HostRef::Kind::Pod, src}, t, 100, 3, 0, true);  // kind 3: not echoed
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == before + 1);
  return b.recorder.arrivals.back().time_ps - start;
}

}  // namespace

TEST_CASE("A zoned pool puts its nodes in its zones in turn and labels them, a regional pool in none") {
  Bench b(PluginKind::AzureNodeSubnet, std::nullopt, spec_for(PluginKind::AzureNodeSubnet));
  const auto& nodes = b.cluster.nodes();
  REQUIRE(nodes.size() == 7);
  for (cluster::NodeIndex n = 0; n < 6; ++n) CHECK(nodes[n].zone == n % 3 + 1);
  CHECK(nodes[6].zone == 0);
  // Crossing devices for the six ordered pairs of zones, none for the regional node.
  for (std::uint8_t a = 1; a < 4; ++a) {
    for (std::uint8_t c = 1; c < 4; ++c) CHECK((b.cluster.zone_crossing(a, c) != cluster::kNone) == (a != c));
  }
}

TEST_CASE("A Deployment's replicas go to the zone holding the fewest of them, then to its least loaded node") {
  Bench b(PluginKind::AzureNodeSubnet, std::nullopt, spec_for(PluginKind::AzureNodeSubnet));
  std::map<std::uint8_t, int> per_zone;
  for (cluster::PodIndex p = 0; p < b.cluster.pods().size(); ++p) {
    if (b.cluster.workload(p).name == "api") ++per_zone[b.cluster.nodes()[b.cluster.pods()[p].node].zone];
  }
  // Five replicas over zones 1-3 and the regional node (zone 0): no zone has two more than another.
  int most = 0, fewest = 5;
  for (std::uint8_t z = 0; z < 4; ++z) {
    most = std::max(most, per_zone[z]);
    fewest = std::min(fewest, per_zone[z]);
  }
  CHECK(most - fewest <= 1);
  CHECK(per_zone[1] + per_zone[2] + per_zone[3] + per_zone[0] == 5);
}

TEST_CASE("A packet between nodes of two zones takes exactly the zone crossing's delay longer than one within a zone") {
  for (const auto plugin : {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::AzureOverlay, PluginKind::Cilium}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin, std::nullopt, spec_for(plugin));
    const auto crossing = b.profile.device(DeviceKind::ZoneCrossing).fixed.ps();
    REQUIRE(crossing > 0);
    // Node 0 and node 3 share zone 1; node 1 is in zone 2. Each path crosses two nodes and the VNet.
    const auto within = one_way_ps(b, 0, 3);
    const auto across = one_way_ps(b, 0, 1);
    CHECK(across - within == crossing);
    // The trace says so at the VNet, and the crossing is a hop of its own.
    const auto& trace = b.network.trace();
    bool said = false, crossed = false;
    for (const auto& hop : trace) {
      for (const auto& f : hop.all<dataplane::facts::ZoneCrossed>()) said = said || (f.from == 1 && f.to == 2);
      crossed = crossed || b.cluster.devices()[hop.device].kind == DeviceKind::ZoneCrossing;
    }
    CHECK(said);
    CHECK(crossed);
    // The regional node is reached without a crossing.
    const auto regional = one_way_ps(b, 0, 6);
    CHECK(regional == within);
  }
}

TEST_CASE("Zone crossings are not queued: packets crossing at once are each delayed by the crossing alone") {
  Bench b(PluginKind::AzureNodeSubnet, std::nullopt, spec_for(PluginKind::AzureNodeSubnet));
  const auto alone = one_way_ps(b, 0, 1);
  // Two senders in zone 1 to two receivers in zone 2, at the same instant: neither waits for the other
  // in the crossing (their paths share no other device).
  const auto a = agent_on(b, 0), c = agent_on(b, 3), x = agent_on(b, 1), y = agent_on(b, 4);
  const std::int64_t start = b.sim.now().ps();
  const std::size_t before = b.recorder.arrivals.size();
  b.network.send(HostRef{HostRef::Kind::Pod, a}, {net::Protocol::Tcp, b.cluster.pods()[a].ip, 40001, b.cluster.pods()[x].ip, 8080}, 100, 3, 0);
  b.network.send(HostRef{HostRef::Kind::Pod, c}, {net::Protocol::Tcp, b.cluster.pods()[c].ip, 40002, b.cluster.pods()[y].ip, 8080}, 100, 3, 0);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == before + 2);
  // At most a VNet service time apart (each NIC's share of the VNet is a server), never the crossing's 1 ms.
  const auto vnet = b.profile.device(DeviceKind::VnetRouter).fixed.ps();
  for (std::size_t i = before; i < before + 2; ++i) CHECK(b.recorder.arrivals[i].time_ps - start <= alone + vnet);
}

TEST_CASE("Bad availability zones are refused with the zone and the expected values") {
  const auto load = [](const std::string& zones) {
    return scenario::load_scenario_string("cluster: {name: z}\nnodePools: [{name: p, count: 3, availabilityZones: " + zones + "}]\n",
                                          "z.yaml");
  };
  CHECK_THROWS_WITH(load("[\"4\"]"), Catch::Contains("nodePools[0].availabilityZones[0]: not an availability zone: '4'") ||
                                         Catch::Contains("nodePools[0].availabilityZones[0]: not an availability zone: \"4\""));
  CHECK_THROWS_WITH(load("[1, 1]"), Catch::Contains("zone 1 is listed twice"));
  CHECK_THROWS_WITH(load("[]"), Catch::Contains("an empty list of availability zones"));
  CHECK_NOTHROW(load("[1, \"2\"]"));
}
