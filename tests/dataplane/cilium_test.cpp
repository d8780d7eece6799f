// The cilium dataplane as AKS runs it: bpf_lxc's eBPF conntrack lookup for every packet out of and
// into a pod, its service-map lookup for every packet from a pod to a Service address, legacy host
// routing through the node's stack, and masquerading by ip-masq-agent rather than Cilium.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using dataplane::HostRef;
using dataplane::testing::Bench;
using scenario::DeviceKind;
using scenario::PluginKind;

TEST_CASE("Under cilium each lxc crossing costs its bpf_lxc lookups on top of the veth and is counted") {
  Bench b(PluginKind::Cilium);
  const auto client = b.host("client"), server = b.host("server");
  const auto id = b.network.send(client, b.tcp(client, b.network.address_of(server), 8080), 100, 3, 0, true);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == 1);
  const auto veth = b.profile.device(DeviceKind::VethHostEnd).fixed.ps();
  const auto ct = b.profile.bpf_conntrack_lookup.ps(), lb = b.profile.service_map_lookup.ps();
  REQUIRE(ct > 0);
  std::vector<std::int64_t> lxc;
  for (const auto& hop : b.network.trace()) {
    if (hop.packet == id && b.cluster.devices()[hop.device].kind == DeviceKind::VethHostEnd) lxc.push_back(hop.end_ps - hop.start_ps);
  }
  REQUIRE(lxc.size() == 2);
  CHECK(lxc[0] == veth + lb + ct);  // from the client: service map (a miss), then conntrack
  CHECK(lxc[1] == veth + ct);       // into the server: conntrack
  dataplane::Results counted;
  b.network.add_to(counted);
  CHECK(counted.bpf_conntrack_lookups == 2);
  // Legacy host routing: the packet still crosses both nodes' stacks.
  const auto path = b.path(id);
  CHECK(std::count(path.begin(), path.end(), DeviceKind::NodeStack) == 2);
  // Under overlay the same veths cost the veth alone.
  Bench o(PluginKind::AzureOverlay);
  const auto oc = o.host("client"), os = o.host("server");
  o.network.send(oc, o.tcp(oc, o.network.address_of(os), 8080), 100, 3, 0, true);
  o.sim.run();
  for (const auto& hop : o.network.trace()) {
    if (o.cluster.devices()[hop.device].kind == DeviceKind::VethHostEnd) CHECK(hop.end_ps - hop.start_ps == veth);
  }
}

TEST_CASE("Under cilium every packet from a pod to a Service address is looked up in the service map at its lxc") {
  Bench b(PluginKind::Cilium);
  const auto client = b.host("client");
  const auto svc = *b.cluster.find_service("default", "server");
  const auto vip = b.cluster.services()[svc].clusterIP;
  const auto port = b.cluster.service_spec(svc).ports.front().port;
  // Three packets of one flow: each is looked up at the lxc; the stack translates by conntrack.
  for (int k = 0; k < 3; ++k) {
    const std::size_t before = b.network.trace().size();
    b.network.send(client, b.tcp(client, vip, port), 100, 3, 0, true);
    b.sim.run();
    std::size_t service_lookups = 0;
    for (std::size_t h = before; h < b.network.trace().size(); ++h) {
      for (const auto& f : b.network.trace()[h].all<dataplane::facts::BpfLxc>()) service_lookups += f.service;
    }
    CHECK(service_lookups == 1);
  }
  CHECK(b.recorder.arrivals.size() == 3);
}

TEST_CASE("Under cilium ip-masq-agent masquerades, as AKS turns Cilium's own masquerading off") {
  Bench b(PluginKind::Cilium);
  CHECK_THAT(b.cluster.masquerade().enforcedBy, Catch::Contains("ip-masq-agent") && Catch::Contains("off"));
}
