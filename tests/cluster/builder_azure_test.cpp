#include <catch2/catch.hpp>

#include "models/cluster/builder.hpp"
#include "tests/cluster/builder_fixture.hpp"

using namespace cnisim;
using namespace cnisim::cluster;

namespace {
const Cluster& azure() {
  static const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::AzureNodeSubnet));
  return c;
}
}  // namespace

TEST_CASE("Azure CNI nodes each consume maxPods + 1 subnet addresses: .4, .35, .66 with maxPods 30") {
  const Cluster& c = azure();
  CHECK(c.nodes()[0].ip == net::Ipv4(10, 224, 0, 4));
  CHECK(c.nodes()[1].ip == net::Ipv4(10, 224, 0, 35));
  CHECK(c.nodes()[2].ip == net::Ipv4(10, 224, 0, 66));
  for (const auto& n : c.nodes()) CHECK_FALSE(n.podCidr);
}

TEST_CASE("Azure CNI pods take their node's pre-allocated VNet addresses in scheduling order") {
  const Cluster& c = azure();
  std::vector<std::uint32_t> next(c.nodes().size(), 1);
  for (PodIndex p = 0; p < c.pods().size(); ++p) {
    const auto& pod = c.pods()[p];
    const auto& node = c.nodes()[pod.node];
    CHECK(pod.ip == (c.host_network(p) ? node.ip : node.ip + next[pod.node]++));
  }
}

TEST_CASE("Azure CNI adds no user routes and reaches pods through the VNet's own route") {
  const Cluster& c = azure();
  const auto& table = c.azure_route_table();
  for (auto id : table.ids()) CHECK(table.route(id).source == net::RouteSource::System);
  PodIndex p = 0;
  while (c.host_network(p)) ++p;
  CHECK(table.route(table.lookup(c.pods()[p].ip).route).next_hop.type == net::NextHopType::VnetLocal);
}

TEST_CASE("an Azure CNI node has a /32 host route per pod to its azv veth, and pods route via 169.254.1.1") {
  const Cluster& c = azure();
  for (NodeIndex n = 0; n < c.nodes().size(); ++n) {
    const auto& table = c.node_route_table(n);
    std::size_t host_routes = 0;
    for (PodIndex p : c.pods_on(n)) {
      if (c.host_network(p)) continue;
      const auto& r = table.route(table.lookup(c.pods()[p].ip).route);
      CHECK(r.prefix == net::Cidr(c.pods()[p].ip, 32));
      CHECK(r.next_hop.device.rfind("azv", 0) == 0);
      CHECK(r.next_hop.device.size() == 14);
      ++host_routes;
    }
    CHECK(table.size() == 4 + host_routes);  // default, subnet, wire server, IMDS
  }
  PodIndex p = 0;
  while (c.host_network(p)) ++p;
  const auto& in_pod = c.pod_route_table(p);
  CHECK(in_pod.route(in_pod.lookup(net::Ipv4(10, 224, 0, 90)).route).next_hop.ip == net::Ipv4(169, 254, 1, 1));
}

TEST_CASE("Azure CNI keeps the pod IP inside the VNet and SNATs to the node IP when leaving it") {
  const Cluster& c = azure();
  CHECK(c.masquerade().match(c.externals()[0].ip).action == SnatAction::KeepPodIp);
  CHECK(c.masquerade().match(c.externals()[1].ip).action == SnatAction::ToNodeIp);
}

TEST_CASE("Azure CNI veths attach straight to the node stack (no bridge)") {
  const Cluster& c = azure();
  for (const auto& n : c.nodes()) CHECK(n.podAttach == n.stack);
  for (const auto& d : c.devices()) CHECK(d.kind != DeviceKind::Bridge);
}

TEST_CASE("Azure CNI with a pod subnet hands out pod addresses in batches of 16 per node") {
  auto spec = testing::walkthrough_spec(PluginKind::AzureNodeSubnet);
  spec.cluster.vnet.podSubnet = net::Cidr::parse("10.225.0.0/16");
  const Cluster c = build_cluster(spec);
  CHECK(c.nodes()[1].ip == net::Ipv4(10, 224, 0, 5));
  // Node 0 took the first batch (.4 to .19), node 1 the second (.20 ...).
  for (PodIndex p = 0; p < c.pods().size(); ++p) {
    if (c.host_network(p)) continue;
    const auto host = c.pods()[p].ip.value - net::Ipv4(10, 225, 0, 0).value;
    CHECK((host - 4) / 16 == c.pods()[p].node);
  }
}
