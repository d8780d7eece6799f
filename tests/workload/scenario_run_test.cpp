// Whole runs: chatty chains complete with the expected counts, the same seed gives byte-identical
// JSON, kubenet is slower than azure on the same cluster, and bad traffic sections are diagnosed.
#include "models/workload/scenario_run.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario_loader.hpp"

using namespace cnisim;

namespace {

scenario::ScenarioSpec two_pods() {
  const char* dir = std::getenv("CNISIM_SOURCE_DIR");
  return scenario::load_scenario_file(std::string(dir ? dir : ".") + "/scenarios/dataplane-two-pods.yaml");
}

}  // namespace

TEST_CASE("a closed-loop chatty run completes every chain of K calls and measures each call") {
  const auto r = workload::run_scenario(two_pods());
  CHECK(r.chains_completed == 100);
  CHECK(r.calls_completed == 300);  // chainDepth 3
  CHECK(r.calls_failed == 0);
  CHECK(r.call_latency.count == 300);
  CHECK(r.chain_latency.count == 100);
  // Over one kept-alive TCP connection: the SYN, SYN-ACK and the handshake's ACK; a request and a
  // response per call, each ACKed by the next segment the other way (delayed ACKs in ping-pong
  // mode); a few pure ACKs (quick ACKs at the start, the last delayed one).
  CHECK(r.packets_sent == 600 + r.tcp.handshake_segments + r.tcp.pure_acks);
  CHECK(r.tcp.handshake_segments == 3);
  CHECK(r.tcp.data_segments == 600);
  CHECK(r.tcp.pure_acks <= 3);
  CHECK(r.packets_delivered == r.packets_sent);
  CHECK(r.call_latency.p50_ps > 0);
  CHECK(r.chain_latency.min_ps >= 3 * r.call_latency.min_ps);
  // Kept-alive connection: conntrack entries are created by the first call only (one per node stack).
  CHECK(r.nat.conntrack_created == 2);
  CHECK(r.lookups_per_packet(dataplane::TableKind::Azure) == 1.0);
}

TEST_CASE("two runs with the same seed give byte-identical JSON results") {
  auto spec = two_pods();
  spec.traffic.chatty[0].rate_per_second = 200000;  // open loop: Poisson arrivals use the seed
  spec.traffic.chatty[0].concurrency = 4;
  const auto a = dataplane::to_json_text(workload::run_scenario(spec));
  const auto b = dataplane::to_json_text(workload::run_scenario(spec));
  CHECK(a == b);
  workload::RunOptions other;
  other.seed = 8;
  CHECK(dataplane::to_json_text(workload::run_scenario(spec, other)) != a);
}

TEST_CASE("the same chatty calls take longer under kubenet than under azure, hop by hop") {
  workload::RunOptions kubenet, azure;
  kubenet.plugin = scenario::PluginKind::Kubenet;
  azure.plugin = scenario::PluginKind::AzureNodeSubnet;
  const auto k = workload::run_scenario(two_pods(), kubenet);
  const auto a = workload::run_scenario(two_pods(), azure);
  CHECK(k.call_latency.mean_ps > a.call_latency.mean_ps);
  CHECK(k.hops_per_packet() > a.hops_per_packet());
  CHECK(k.devices[static_cast<std::size_t>(scenario::DeviceKind::Bridge)].traversals > 0);
  CHECK(a.devices[static_cast<std::size_t>(scenario::DeviceKind::Bridge)].traversals == 0);
}

TEST_CASE("a chatty item without clients or a stop condition is reported at its line") {
  const std::string yaml = R"(cluster:
  name: c
  kubernetesVersion: "1.29.7"
  networkProfile: {networkPlugin: kubenet}
nodePools:
  - {name: pool, count: 1, vmSize: Standard_D8s_v5, osType: Linux, mode: System}
traffic:
  chatty:
    - servers: {app: server}
      requestSize: big
)";
  REQUIRE_THROWS_WITH(
      scenario::load_scenario_string(yaml, "bad-traffic.yaml"),
      Catch::Contains("bad-traffic.yaml:10:20: error: traffic.chatty[0].requestSize") &&
          Catch::Contains("bad-traffic.yaml:9:7: error: traffic.chatty[0]: missing clients") &&
          Catch::Contains("missing chains or duration"));
}

TEST_CASE("a chatty client selector that matches no pod names the labels") {
  auto spec = two_pods();
  spec.traffic.chatty[0].clients["app"] = "nobody";
  REQUIRE_THROWS_WITH(workload::run_scenario(spec), Catch::Contains("no pod has the labels app=nobody"));
}
