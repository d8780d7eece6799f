// `cnisim trace`: the explanation names the tables and routes that decided each hop.
#include "models/dataplane/trace.hpp"

#include <catch2/catch.hpp>

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
