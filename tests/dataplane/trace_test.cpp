// `cnisim trace`: each hop's facts name the tables, routes, ports and NAT that decided it; one renderer
// puts them in words (checked here once, and byte for byte by the trace goldens in tests/golden).
#include "models/dataplane/trace.hpp"

#include <catch2/catch.hpp>

#include "models/dataplane/endpoint_ref.hpp"
#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using dataplane::testing::Bench;

namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

std::string pod_ref(const Bench& b, std::string_view workload) {
  const auto p = b.pod(workload);
  return "pod/" + b.cluster.pod_namespace(p) + "/" + b.cluster.pod_name(p);
}

// Every fact of one kind recorded over a list of hops, in order.
template <typename Fact>
std::vector<Fact> facts_of(const std::vector<dataplane::TraceHop>& hops) {
  std::vector<Fact> out;
  for (const auto& h : hops) {
    for (const auto& f : h.all<Fact>()) out.push_back(f);
  }
  return out;
}

cluster::ServiceIndex service_named(const Bench& b, std::string_view name) {
  for (cluster::ServiceIndex s = 0; s < b.cluster.services().size(); ++s) {
    if (b.cluster.service_spec(s).name == name) return s;
  }
  throw std::runtime_error("no Service " + std::string(name));
}

}  // namespace

TEST_CASE("a kubenet trace between nodes records the UDR to the server's node and the bridge port of the server") {
  Bench b(scenario::PluginKind::Kubenet);
  const auto client = b.host("client");
  const auto server = b.pod("server");
  const auto& server_pod = b.cluster.pods()[server];
  const auto& node = b.cluster.nodes()[server_pod.node];
  const net::FiveTuple echo{net::Protocol::Icmp, b.network.address_of(client), 1, server_pod.ip, 0};
  const auto x = dataplane::exchange(b.cluster, b.profile, client, echo, 64);
  REQUIRE(x.answered);
  // One Azure route on the way there: the server node's UDR, next hop that node, delivered to its NIC.
  const auto azure = facts_of<dataplane::facts::AzureRoute>(x.request_hops);
  REQUIRE(azure.size() == 1);
  const net::Route& udr = b.cluster.azure_route_table().route(azure[0].route);
  CHECK(udr.next_hop.type == net::NextHopType::VirtualAppliance);
  CHECK(udr.prefix == *node.podCidr);
  CHECK(azure[0].target == node.ip);
  CHECK(azure[0].next == node.nic);
  // Two bridges: the client's sends up to its gateway, the server's has the server behind its veth.
  CHECK(facts_of<dataplane::facts::ToBridgeAddress>(x.request_hops).size() == 1);
  const auto fdb = facts_of<dataplane::facts::FdbLookup>(x.request_hops);
  REQUIRE(fdb.size() == 1);
  CHECK(fdb[0].address == server_pod.ip);
  CHECK(fdb[0].port == server_pod.vethHost);
  // Each node's kernel table matched a route leaving by a device wired to it; each forward took one TTL.
  const auto routes = facts_of<dataplane::facts::RouteMatched>(x.request_hops);
  REQUIRE(routes.size() == 3);  // the client's pod table, then both nodes' kernel tables
  CHECK(routes[0].table == scenario::TableKind::Pod);
  for (std::size_t i = 1; i < routes.size(); ++i) {
    CHECK(routes[i].table == scenario::TableKind::Node);
    CHECK(routes[i].egress != cluster::kNone);
  }
  for (const auto& h : x.request_hops) {
    const bool forwards = b.cluster.devices()[h.device].kind == scenario::DeviceKind::NodeStack;
    CHECK(h.ttl_in - h.ttl_out == (forwards ? 1 : 0));
  }
}

TEST_CASE("a trace to a Service records the DNAT to a backend and the reverse translation of the reply") {
  Bench b(scenario::PluginKind::AzureNodeSubnet);
  const auto client = b.host("client");
  const auto svc = dataplane::resolve_endpoint(b.cluster, "svc/server");
  const net::FiveTuple tuple{net::Protocol::Tcp, b.network.address_of(client), 40000, svc.ip, svc.port};
  const auto x = dataplane::exchange(b.cluster, b.profile, client, tuple, 100);
  REQUIRE(x.answered);
  const auto dnat = facts_of<dataplane::facts::ServiceDnat>(x.request_hops);
  REQUIRE(dnat.size() == 1);
  CHECK(dnat[0].service == service_named(b, "server"));
  CHECK(dnat[0].service_address == net::Endpoint{svc.ip, svc.port});
  CHECK(dnat[0].endpoint_pod == b.pod("server"));
  CHECK(dnat[0].endpoint == net::Endpoint{b.cluster.pods()[b.pod("server")].ip, 8080});
  // An entry on each node the request crosses: the client's for the Service address, the server's for
  // the endpoint; SYN_SENT until the reply (the profile's Linux timeout), then ESTABLISHED.
  const auto created = facts_of<dataplane::facts::ConntrackCreated>(x.request_hops);
  REQUIRE(created.size() == 2);
  CHECK(created[0].original == tuple);
  CHECK(created[1].original.dst == dnat[0].endpoint.ip);
  for (const auto& c : created) {
    CHECK(c.state == net::ConnState::TcpSynSent);
    CHECK(c.timeout_ps == b.profile.conntrack.tcp_syn_sent.ps());
  }
  const auto reverse = facts_of<dataplane::facts::ConntrackTranslated>(x.reply_hops);
  REQUIRE(reverse.size() == 1);
  CHECK(reverse[0].direction == net::Direction::Reply);
  CHECK(reverse[0].state == net::ConnState::TcpEstablished);
  CHECK(reverse[0].after.src == svc.ip);
}

TEST_CASE("the trace renderer puts the facts of a Service call in the student's words") {
  Bench b(scenario::PluginKind::AzureNodeSubnet);
  const auto out = dataplane::trace(b.cluster, b.profile, pod_ref(b, "client"), "svc/server");
  CHECK(out.answered);
  const auto text = joined(out.lines);
  CAPTURE(text);
  CHECK_THAT(text, Catch::Contains("is Service default/server") && Catch::Contains("DNAT to endpoint"));
  CHECK_THAT(text, Catch::Contains("a reply of a translated connection"));
  CHECK_THAT(text, Catch::Contains("in SYN_SENT, forgotten 120.000 s after its last packet"));
  CHECK_THAT(text, Catch::Contains("(entry ESTABLISHED)"));
  CHECK_THAT(text, Catch::Contains("Round trip: "));
}

TEST_CASE("tracing from something that cannot send says so") {
  Bench b(scenario::PluginKind::Kubenet);
  REQUIRE_THROWS_WITH(
      dataplane::trace(b.cluster, b.profile, "svc/server", pod_ref(b, "client")),
      Catch::Contains("'svc/server' cannot send") && Catch::Contains("hint: trace from a pod"));
  REQUIRE_THROWS_WITH(dataplane::trace(b.cluster, b.profile, "pod/nope", "svc/server"),
                      Catch::Contains("no pod default/nope"));
}

TEST_CASE("one exchange splits the request's hops from the reply's and gives each header as it arrived") {
  Bench b(scenario::PluginKind::Kubenet);
  const auto client = b.host("client");
  const auto server = b.pod("server");
  const auto svc = dataplane::resolve_endpoint(b.cluster, "svc/server");
  const net::FiveTuple tuple{net::Protocol::Tcp, b.network.address_of(client), 40000, svc.ip, svc.port};
  const auto x = dataplane::exchange(b.cluster, b.profile, client, tuple, 100);
  REQUIRE(x.reached);
  REQUIRE(x.answered);
  CHECK_FALSE(x.request_drop);
  CHECK_FALSE(x.reply_drop);
  // DNAT on the way in, undone on the way back: the client sees the Service answer.
  CHECK(x.reached_at == dataplane::HostRef{dataplane::HostRef::Kind::Pod, server});
  CHECK(x.request_arrived.dst == b.cluster.pods()[server].ip);
  CHECK(x.request_arrived.dst_port == 8080);
  CHECK(x.request_arrived.src == tuple.src);
  CHECK(x.reply_arrived.src == svc.ip);
  CHECK(x.reply_arrived.dst == tuple.src);
  // Each side starts at its sender's namespace and ends delivered; hop times only grow.
  for (const auto* hops : {&x.request_hops, &x.reply_hops}) {
    REQUIRE(hops->size() > 4);
    CHECK(b.cluster.devices()[hops->front().device].kind == scenario::DeviceKind::PodNamespace);
    CHECK(hops->back().verdict == dataplane::Verdict::Deliver);
    for (std::size_t i = 1; i < hops->size(); ++i) CHECK((*hops)[i].arrive_ps >= (*hops)[i - 1].end_ps);
  }
  CHECK(x.reply_hops.front().arrive_ps >= x.request_hops.back().end_ps);
  CHECK(x.request_ttl == static_cast<int>(b.profile.initial_ttl) - 2);  // forwarded by the client's node and the server's
  // Not answered when not asked to.
  const auto one_way = dataplane::exchange(b.cluster, b.profile, client, tuple, 100, false);
  CHECK(one_way.reached);
  CHECK_FALSE(one_way.answered);
  CHECK(one_way.reply_hops.empty());
  CHECK(one_way.request_hops.size() == x.request_hops.size());
  // An address nobody owns: the request's drop and its reason.
  auto nowhere = tuple;
  nowhere.dst = net::Ipv4(10, 99, 99, 99);
  const auto lost = dataplane::exchange(b.cluster, b.profile, client, nowhere, 100);
  CHECK_FALSE(lost.reached);
  CHECK(lost.request_drop.has_value());
  CHECK(lost.reply_hops.empty());
}
