#include <catch2/catch.hpp>

#include <set>

#include "models/cluster/builder.hpp"
#include "tests/cluster/builder_fixture.hpp"

using namespace cnisim;
using namespace cnisim::cluster;

namespace {
const Cluster& kubenet() {
  static const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::Kubenet));
  return c;
}
std::uint8_t u8(std::uint32_t v) { return static_cast<std::uint8_t>(v); }
}  // namespace

TEST_CASE("kubenet gives nodes subnet addresses from .4 and each node a /24 of the pod CIDR in node order") {
  const Cluster& c = kubenet();
  REQUIRE(c.nodes().size() == 3);
  for (std::uint32_t i = 0; i < 3; ++i) {
    const auto& n = c.nodes()[i];
    CHECK(n.ip == net::Ipv4(10, 224, 0, u8(4 + i)));
    REQUIRE(n.podCidr);
    CHECK(*n.podCidr == net::Cidr(net::Ipv4(10, 244, u8(i), 0), 24));
    CHECK(n.podGateway == net::Ipv4(10, 244, u8(i), 1));
  }
}

TEST_CASE("kubenet pods take .2 upwards of their node's /24 in scheduling order and hostNetwork pods the node IP") {
  const Cluster& c = kubenet();
  std::vector<std::uint32_t> next(c.nodes().size(), 2);
  for (PodIndex p = 0; p < c.pods().size(); ++p) {
    const auto& pod = c.pods()[p];
    const auto& node = c.nodes()[pod.node];
    if (c.host_network(p)) {
      CHECK(pod.ip == node.ip);
    } else {
      CHECK(pod.ip == node.podCidr->nth(next[pod.node]++));
    }
  }
}

TEST_CASE("kubenet puts one VirtualAppliance route per node, named after the node, in the Azure route table") {
  const Cluster& c = kubenet();
  const auto& table = c.azure_route_table();
  std::size_t user = 0;
  for (auto id : table.ids()) {
    const auto& r = table.route(id);
    if (r.source != net::RouteSource::User) continue;
    const auto& node = c.nodes()[user++];
    CHECK(r.name == node.name);
    CHECK(r.prefix == *node.podCidr);
    CHECK(r.next_hop.type == net::NextHopType::VirtualAppliance);
    CHECK(r.next_hop.ip == node.ip);
  }
  CHECK(user == 3);
  // A pod on node 2 is reached through node 2; an address of the pod CIDR no node owns is dropped by
  // Azure's 10.0.0.0/8 system route; the VNet is VnetLocal; the internet is Internet.
  auto hop = [&](net::Ipv4 a) { return table.route(table.lookup(a).route).next_hop; };
  CHECK(hop(net::Ipv4(10, 244, 2, 7)).ip == c.nodes()[2].ip);
  CHECK(hop(net::Ipv4(10, 244, 9, 7)).type == net::NextHopType::None);
  CHECK(hop(net::Ipv4(10, 225, 0, 4)).type == net::NextHopType::VnetLocal);
  CHECK(hop(net::Ipv4(203, 0, 113, 10)).type == net::NextHopType::Internet);
}

TEST_CASE("a kubenet node sends its own pods to cbr0 and everything else via the subnet gateway on eth0") {
  const Cluster& c = kubenet();
  const auto& table = c.node_route_table(0);
  auto route_to = [&](net::Ipv4 a) { return table.route(table.lookup(a).route); };
  CHECK(route_to(net::Ipv4(10, 244, 0, 9)).next_hop.device == "cbr0");
  const auto remote = route_to(net::Ipv4(10, 244, 1, 9));
  CHECK(remote.next_hop.device == "eth0");
  CHECK(remote.next_hop.ip == net::Ipv4(10, 224, 0, 1));
  CHECK(c.node_subnet_gateway() == net::Ipv4(10, 224, 0, 1));
  // Inside a pod: default via cbr0's address.
  PodIndex pod = 0;
  while (c.host_network(pod) || c.pods()[pod].node != 0) ++pod;
  const auto& in_pod = c.pod_route_table(pod);
  CHECK(in_pod.route(in_pod.lookup(net::Ipv4(8, 8, 8, 8)).route).next_hop.ip == net::Ipv4(10, 244, 0, 1));
}

TEST_CASE("kubenet does not SNAT inside the pod CIDR and the node subnet, and SNATs to the node IP elsewhere") {
  const Cluster& c = kubenet();
  const auto& masq = c.masquerade();
  CHECK(masq.match(net::Ipv4(10, 244, 1, 5)).action == SnatAction::KeepPodIp);
  CHECK(masq.match(net::Ipv4(10, 224, 0, 5)).action == SnatAction::KeepPodIp);
  CHECK(masq.match(c.externals()[0].ip).action == SnatAction::ToNodeIp);  // a VM elsewhere in the VNet
  CHECK(masq.match(c.externals()[1].ip).action == SnatAction::ToNodeIp);  // the internet
}

TEST_CASE("Service ClusterIPs: kubernetes takes the first address, kube-dns the dnsServiceIP, the rest random in the upper band") {
  const Cluster& c = kubenet();
  CHECK(c.services()[*c.find_service("default", "kubernetes")].clusterIP == net::Ipv4(10, 0, 0, 1));
  const auto dns = *c.find_service("kube-system", "kube-dns");
  CHECK(c.services()[dns].clusterIP == net::Ipv4(10, 0, 0, 10));
  REQUIRE(c.services()[dns].endpoints.size() == 2);
  for (PodIndex p : c.services()[dns].endpoints) CHECK(c.workload(p).name == "coredns");
  const auto nginx = *c.find_service("default", "nginx");
  CHECK(c.services()[nginx].endpoints.size() == 10);
  // 10.0.0.0/16: the lower band (static) is the first 256 addresses after the network address; a
  // dynamic ClusterIP is above it: 10.0.1.1 to 10.0.255.254.
  const auto ip = c.services()[nginx].clusterIP;
  CHECK(ip.value >= net::Ipv4(10, 0, 1, 1).value);
  CHECK(ip.value <= net::Ipv4(10, 0, 255, 254).value);
  // From the run's seed: the same seed the same addresses, other seeds others.
  auto spec = testing::walkthrough_spec(PluginKind::Kubenet);
  CHECK(build_cluster(spec).services()[nginx].clusterIP == ip);
  std::set<std::uint32_t> seen;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    spec.run.seed = seed;
    seen.insert(build_cluster(spec).services()[nginx].clusterIP.value);
  }
  CHECK(seen.size() > 4);
}

TEST_CASE("dynamic ClusterIPs fill the upper band first and then the lower, never twice, and run out with an error") {
  // A /27: 32 addresses, 30 usable; the lower band is 16 (the minimum), kubernetes has .1 and kube-dns .10.
  auto spec = testing::walkthrough_spec(PluginKind::Kubenet, 1, 1);
  spec.cluster.networkProfile.serviceCidr = net::Cidr::parse("10.0.0.0/27");
  const auto fixed = spec.services.size();
  const auto base = spec.services.front();
  for (int i = 0; i < 26; ++i) {
    auto s = base;
    s.name = "svc" + std::to_string(i);
    s.namespace_ = "default";
    s.clusterIP.reset();
    spec.services.push_back(s);
  }
  for (std::uint64_t seed : {1, 2, 3}) {
    spec.run.seed = seed;
    INFO("seed " << seed << ", fixed Services " << fixed);
    const auto c = build_cluster(spec);
    std::set<std::uint32_t> taken;
    for (const auto& svc : c.services()) {
      CHECK(taken.insert(svc.clusterIP.value).second);
      CHECK(spec.cluster.networkProfile.serviceCidr.contains(svc.clusterIP));
      CHECK(svc.clusterIP != net::Ipv4(10, 0, 0, 0));
      CHECK(svc.clusterIP != net::Ipv4(10, 0, 0, 31));
    }
    // The first 14 dynamic ones (nginx, then svc0 ...) fill the upper band, .17 to .30, before any takes
    // the lower.
    std::size_t dynamic = 0;
    for (std::size_t k = 0; k < c.services().size(); ++k) {
      const auto& svc_spec = c.service_spec(static_cast<ServiceIndex>(k));
      if (svc_spec.name == "kubernetes" || svc_spec.name == "kube-dns") continue;  // static
      const auto host = c.services()[k].clusterIP.value - net::Ipv4(10, 0, 0, 0).value;
      if (dynamic++ < 14) CHECK(host >= 17);
    }
  }
  auto more = base;
  more.name = "one-too-many";
  more.namespace_ = "default";
  more.clusterIP.reset();
  spec.services.push_back(more);
  while (spec.services.size() < fixed + 30) {
    auto s = more;
    s.name = "extra" + std::to_string(spec.services.size());
    spec.services.push_back(s);
  }
  CHECK_THROWS_WITH(build_cluster(spec), Catch::Contains("has no address left") && Catch::Contains("larger serviceCidr"));
}

TEST_CASE("kube-proxy in iptables mode walks KUBE-SERVICES in order to find a Service port") {
  const Cluster& c = kubenet();
  const auto& dnat = c.service_dnat();
  CHECK(dnat.mode == ServiceProxyMode::Iptables);
  REQUIRE(dnat.rules.size() == 4);  // kubernetes 443, kube-dns 53/UDP and 53/TCP, nginx 80
  const auto udp = dnat.find(net::Ipv4(10, 0, 0, 10), 53, Protocol::Udp);
  REQUIRE(udp.rule);
  CHECK(udp.rulesWalked == 2);
  const auto miss = dnat.find(net::Ipv4(10, 0, 0, 99), 80, Protocol::Tcp);
  CHECK(miss.rule == nullptr);
  CHECK(miss.rulesWalked == 4);
}

TEST_CASE("the kubenet topology links each pod namespace through its veth pair and cbr0 to the node and the VNet") {
  const Cluster& c = kubenet();
  const auto& g = c.topology();
  std::size_t pod_net = 0;
  for (PodIndex p = 0; p < c.pods().size(); ++p) pod_net += c.host_network(p) ? 0 : 1;
  // router, VM, internet, the load balancer's outbound rule; per node stack, NIC, cbr0
  CHECK(boost::num_vertices(g) == 4 + 3 * 3 + 3 * pod_net);
  CHECK(boost::num_edges(g) == 4 + 3 * 3 + 3 * pod_net);  // VNet-VM, VNet-internet, VNet-LB, LB-internet
  CHECK(boost::edge(c.vnet_router(), c.egress().device, g).second);
  CHECK(c.devices()[c.egress().device].kind == DeviceKind::LoadBalancer);
  PodIndex p = 0;
  while (c.host_network(p)) ++p;
  const auto& pod = c.pods()[p];
  const auto& node = c.nodes()[pod.node];
  CHECK(boost::edge(pod.netns, pod.vethPod, g).second);
  CHECK(boost::edge(pod.vethPod, pod.vethHost, g).second);
  CHECK(boost::edge(pod.vethHost, node.podAttach, g).second);
  CHECK(c.devices()[node.podAttach].kind == DeviceKind::Bridge);
  CHECK(c.device_name(node.podAttach) == node.name + ":cbr0");
  CHECK(boost::edge(node.podAttach, node.stack, g).second);
  CHECK(boost::edge(node.stack, node.nic, g).second);
  CHECK(boost::edge(node.nic, c.vnet_router(), g).second);
  CHECK(c.owner_of(pod.ip)->kind == Cluster::AddressOwner::Kind::Pod);
  CHECK(c.owner_of(node.ip)->index == pod.node);
}
