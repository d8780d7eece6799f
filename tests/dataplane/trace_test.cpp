// `cnisim trace`: the explanation names the tables and routes that decided each hop.
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

}  // namespace

TEST_CASE("a kubenet trace between nodes explains the UDR: next hop, route table and the forwarding node") {
  Bench b(scenario::PluginKind::Kubenet);
  const auto server = b.pod("server");
  const auto& node = b.cluster.nodes()[b.cluster.pods()[server].node];
  const auto out = dataplane::trace(b.cluster, b.profile, pod_ref(b, "client"), pod_ref(b, "server"));
  CHECK(out.reached);
  CHECK(out.answered);
  const auto text = joined(out.lines);
  CAPTURE(text);
  CHECK_THAT(text, Catch::Contains(node.podCidr->to_string() + " -> next hop " + node.ip.to_string() +
                                   " (VirtualAppliance) in the Azure route table (User route " + node.name +
                                   "): the packet goes to node " + node.name + ", which forwards it"));
  CHECK_THAT(text, Catch::Contains("bridge forwarding database"));
  CHECK_THAT(text, Catch::Contains("TTL 64 -> 63"));
  CHECK_THAT(text, Catch::Contains("Round trip: "));
}

TEST_CASE("a trace to a Service shows the DNAT to a backend and the reverse translation of the reply") {
  Bench b(scenario::PluginKind::AzureNodeSubnet);
  const auto out = dataplane::trace(b.cluster, b.profile, pod_ref(b, "client"), "svc/server");
  CHECK(out.answered);
  const auto text = joined(out.lines);
  CAPTURE(text);
  CHECK_THAT(text, Catch::Contains("is Service default/server") && Catch::Contains("DNAT to endpoint"));
  CHECK_THAT(text, Catch::Contains("a reply of a translated connection"));
  // The entry is SYN_SENT until the reply, then ESTABLISHED (the profile's Linux timeouts).
  CHECK_THAT(text, Catch::Contains("in SYN_SENT, forgotten 120.000 s after its last packet"));
  CHECK_THAT(text, Catch::Contains("(entry ESTABLISHED)"));
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
