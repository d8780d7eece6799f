#include <catch2/catch.hpp>

#include "models/cluster/builder.hpp"
#include "models/cluster/plugin.hpp"
#include "tests/cluster/builder_fixture.hpp"

using namespace cnisim;
using namespace cnisim::cluster;

namespace {
std::size_t user_routes(const Cluster& c) {
  std::size_t n = 0;
  for (auto id : c.azure_route_table().ids()) n += c.azure_route_table().route(id).source == net::RouteSource::User;
  return n;
}
PodIndex first_pod_network_pod(const Cluster& c) {
  PodIndex p = 0;
  while (c.host_network(p)) ++p;
  return p;
}
}  // namespace

TEST_CASE("overlay: a /24 per node, pods from its first host address, no UDRs, SNAT when leaving the pod CIDR") {
  const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::AzureOverlay));
  CHECK(c.nodes()[1].ip == net::Ipv4(10, 224, 0, 5));
  CHECK(*c.nodes()[1].podCidr == net::Cidr::parse("10.244.1.0/24"));
  const PodIndex p = first_pod_network_pod(c);
  CHECK(c.pods()[p].ip == c.nodes()[c.pods()[p].node].podCidr->nth(1));
  CHECK(user_routes(c) == 0);
  // Azure's routing domain (modelled as system routes) delivers a node's pod range to that node.
  const auto& azure = c.azure_route_table();
  const auto& r = azure.route(azure.lookup(net::Ipv4(10, 244, 2, 3)).route);
  CHECK(r.source == net::RouteSource::System);
  CHECK(r.next_hop.ip == c.nodes()[2].ip);
  CHECK(c.masquerade().match(net::Ipv4(10, 244, 2, 3)).action == SnatAction::KeepPodIp);
  CHECK(c.masquerade().match(c.externals()[0].ip).action == SnatAction::ToNodeIp);
  CHECK(c.service_dnat().mode == ServiceProxyMode::Iptables);
}

TEST_CASE("cilium: overlay addresses, lxc veths, Services resolved by eBPF and masquerading by eBPF") {
  const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::Cilium));
  CHECK(c.service_dnat().mode == ServiceProxyMode::Ebpf);
  CHECK(c.service_dnat().find(net::Ipv4(10, 0, 0, 10), 53, Protocol::Tcp).rulesWalked == 1);
  CHECK_THAT(c.masquerade().enforcedBy, Catch::Contains("eBPF"));
  const PodIndex p = first_pod_network_pod(c);
  const auto& kernel = c.node_route_table(c.pods()[p].node);
  CHECK(kernel.route(kernel.lookup(c.pods()[p].ip).route).next_hop.device.rfind("lxc", 0) == 0);
  CHECK_THAT(std::string(c.plugin().routes_basis()), Catch::StartsWith("modelled"));
  for (PodIndex q = 0; q < c.pods().size(); ++q) CHECK(c.workload(q).name != "kube-proxy");
}

TEST_CASE("cilium without overlay mode takes VNet addresses like Azure CNI") {
  auto spec = testing::walkthrough_spec(PluginKind::Cilium);
  spec.cluster.networkProfile.networkPluginMode = NetworkPluginMode::Default;
  spec.nodePools[0].maxPods = 30;
  const Cluster c = build_cluster(spec);
  CHECK(c.nodes()[1].ip == net::Ipv4(10, 224, 0, 35));
  CHECK(user_routes(c) == 0);
  CHECK(c.masquerade().match(c.externals()[0].ip).action == SnatAction::KeepPodIp);
}

TEST_CASE("none is a labelled generic overlay: cni0 bridge per node and the pod CIDR through overlay0") {
  const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::None));
  CHECK_THAT(std::string(c.plugin().routes_basis()), Catch::StartsWith("modelled"));
  CHECK_THAT(c.masquerade().basis, Catch::StartsWith("modelled"));
  const auto& kernel = c.node_route_table(0);
  CHECK(kernel.route(kernel.lookup(net::Ipv4(10, 244, 0, 3)).route).next_hop.device == "cni0");
  CHECK(kernel.route(kernel.lookup(net::Ipv4(10, 244, 2, 3)).route).next_hop.device == "overlay0");
  CHECK(c.device_name(c.nodes()[0].podAttach) == c.nodes()[0].name + ":cni0");
  CHECK(user_routes(c) == 0);
}
