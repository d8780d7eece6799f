// `cnisim trace --call`: one TCP call's segments through the cluster, in order, with their flags and
// relative sequence numbers, and the summary of where the call's time went.
#include "models/dataplane/trace_call.hpp"

#include <catch2/catch.hpp>

#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using dataplane::testing::Bench;

namespace {

std::string pod_ref(const Bench& b, std::string_view workload) {
  const auto p = b.pod(workload);
  return "pod/" + b.cluster.pod_namespace(p) + "/" + b.cluster.pod_name(p);
}

// The segment lines (after the three header lines, before the two summary lines).
// The segment lines: after the three header lines, before the summary (from "The response was
// complete", or whatever says the call did not complete).
std::vector<std::string> segments(const dataplane::TraceOutcome& out) {
  REQUIRE(out.lines.size() > 5);
  auto end = out.lines.begin() + 3;
  while (end != out.lines.end() && end->starts_with("  ")) ++end;
  return {out.lines.begin() + 3, end};
}

}  // namespace

TEST_CASE("A traced TCP call shows the handshake the request the quick ACK the response and the FIN exchange in order as Linux sends them") {
  for (const auto plugin : {scenario::PluginKind::Kubenet, scenario::PluginKind::AzureNodeSubnet}) {
    Bench b(plugin);
    const auto out = dataplane::trace_call(b.cluster, b.profile, pod_ref(b, "client"), pod_ref(b, "server"),
                                           dataplane::CallTraceOptions{200, 1000, true, 8080});
    CHECK(out.reached);
    CHECK(out.answered);
    const auto lines = segments(out);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"client -> server  [SYN]", "seq 0 len 0"},
        {"server -> client  [SYN,ACK]", "seq 0 ack 1 len 0"},
        {"client -> server  [ACK]", "seq 1 ack 1 len 0"},        // the handshake's ACK
        {"client -> server  [PSH,ACK]", "seq 1 ack 1 len 200"},
        {"server -> client  [ACK]", "seq 1 ack 201 len 0"},      // the server's quick ACK
        {"server -> client  [PSH,ACK]", "seq 1 ack 201 len 1000"},
        {"client -> server  [ACK]", "seq 201 ack 1001 len 0"},   // the client's quick ACK
        {"client -> server  [FIN,ACK]", "seq 201 ack 1001 len 0"},
        {"server -> client  [FIN,ACK]", "seq 1001 ack 202 len 0"},
        {"client -> server  [ACK]", "seq 202 ack 1002 len 0"}};
    REQUIRE(lines.size() == expected.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      INFO(lines[i]);
      CHECK_THAT(lines[i], Catch::Contains(expected[i].first) && Catch::Contains(expected[i].second));
    }
    CHECK_THAT(out.lines.back(), Catch::Contains("held TIME_WAIT until 60.0"));
    CHECK_THAT(out.lines[out.lines.size() - 3], Catch::Contains("Segments: 10 (handshake 3, data 2, pure ACKs 3"));
    // The applications' share of opening it, as the profile prices it.
    CHECK_THAT(out.lines[out.lines.size() - 2],
               Catch::Contains("connect() at the client, " + b.profile.sockets.connect.to_string() + " (sockets.connect)") &&
                   Catch::Contains("accept() at the server, " + b.profile.sockets.accept.to_string() + " (sockets.accept)"));
  }
}

TEST_CASE("A traced call with a response over ten segments waits for the first ACK after the initial window") {
  Bench b(scenario::PluginKind::AzureNodeSubnet);
  const auto out = dataplane::trace_call(b.cluster, b.profile, pod_ref(b, "client"), pod_ref(b, "server"),
                                         dataplane::CallTraceOptions{200, 11 * 1448, true, 8080});
  REQUIRE(out.answered);
  int data = 0;
  for (const auto& l : segments(out)) data += l.find("server -> client") != std::string::npos && l.find("len 1448") != std::string::npos;
  CHECK(data == 11);
}

TEST_CASE("A traced call to an address nobody routes gives up after the SYN's retries") {
  Bench b(scenario::PluginKind::AzureNodeSubnet);
  auto profile = b.profile;
  profile.tcp.syn_retries = 2;
  const auto out = dataplane::trace_call(b.cluster, profile, pod_ref(b, "client"), "10.99.0.1",
                                         dataplane::CallTraceOptions{});
  CHECK_FALSE(out.answered);
  CHECK_THAT(out.lines.back(), Catch::Contains("gave up after 3 timeouts"));
}
