// Connections that end: a kept-alive connection keeps its server, a connection per call leaves a
// TIME_WAIT entry that expires, a full conntrack table drops new connections, and a node's vmSize
// sets its NIC's rate. Whole runs through workload::run_scenario.
#include <catch2/catch.hpp>
#include <string>

#include "models/cluster/builder.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "models/workload/scenario_run.hpp"

using namespace cnisim;

namespace {

// One client pod calling eight server pods (spread over four nodes) directly, or a Service over them.
std::string yaml_of(const std::string& chatty, const std::string& extra = "", const std::string& vm_size = "") {
  return "cluster: {name: conns, networkProfile: {networkPlugin: azure}}\n"
         "nodePools:\n  - {name: pool, count: 4" + (vm_size.empty() ? "" : ", vmSize: " + vm_size) + "}\n"
         "workloads:\n"
         "  - {kind: Deployment, name: client, image: c, replicas: 1, labels: {app: client}}\n"
         "  - {kind: Deployment, name: server, image: s, replicas: 8, labels: {app: server}}\n"
         "services:\n  - {name: backend, selector: {app: server}, ports: [{port: 80, targetPort: 8080}]}\n"
         "traffic:\n  chatty:\n    - {name: calls, clients: {app: client}, " + chatty + "}\n" + extra;
}

dataplane::Results run(const std::string& yaml) {
  return workload::run_scenario(scenario::load_scenario_string(yaml, "conns.yaml"));
}

std::uint64_t drops(const dataplane::Results& r, dataplane::DropReason reason) {
  return r.drops[static_cast<std::size_t>(reason)];
}

}  // namespace

TEST_CASE("a kept-alive connection keeps the server drawn when it opened for every call") {
  const auto r = run(yaml_of("servers: {app: server}, port: 8080, chainDepth: 4, chains: 50"));
  REQUIRE(r.calls_completed == 200);
  // One connection: one entry on the client's node and at most one on its server's node.
  CHECK(r.nat.conntrack_created >= 1);
  CHECK(r.nat.conntrack_created <= 2);
  CHECK(r.nat.conntrack_peak_per_node == 1);
}

TEST_CASE("a kept-alive connection to a Service is DNATed once on its first packet") {
  const auto r = run(yaml_of("service: backend, chainDepth: 4, chains: 50"));
  REQUIRE(r.calls_completed == 200);
  CHECK(r.nat.conntrack_created <= 2);
  // Every segment the client sends is rewritten by the one entry the SYN made: the SYN, the
  // handshake's ACK, 200 requests (which carry the ACKs of the responses) and a few pure ACKs.
  CHECK(r.nat.dnat >= 202);
  CHECK(r.nat.dnat <= 200 + r.tcp.handshake_segments + r.tcp.pure_acks);
  // The kube-proxy chain is walked for the first packet only: ten times the calls, the same walk.
  const auto few = run(yaml_of("service: backend, chainDepth: 4, chains: 5"));
  CHECK(few.iptables_rules_walked > 0);
  CHECK(r.iptables_rules_walked == few.iptables_rules_walked);
}

TEST_CASE("a new connection per call creates an entry per call that stays in TIME_WAIT until it expires") {
  const std::string calls = "servers: {app: server}, port: 8080, connection: perCall, chains: 200";
  const auto kept = run(yaml_of(calls));
  REQUIRE(kept.calls_completed == 200);
  CHECK(kept.nat.conntrack_created >= 200);
  CHECK(kept.nat.conntrack_expired == 0);  // TIME_WAIT is 120 s: all of them are still held
  CHECK(kept.nat.conntrack_entries == kept.nat.conntrack_created);
  // With a short TIME_WAIT the entries expire and the tables hold only the recent ones.
  const auto short_wait = run(yaml_of(calls, "costs: {conntrack: {tcpTimeoutTimeWait: 50us}}\n"));
  CHECK(short_wait.nat.conntrack_created == kept.nat.conntrack_created);
  CHECK(short_wait.nat.conntrack_expired > short_wait.nat.conntrack_created / 2);
  CHECK(short_wait.nat.conntrack_entries < kept.nat.conntrack_entries / 4);
}

TEST_CASE("a steady workload of short connections keeps the conntrack tables the same size over time") {
  const auto chatty = [](const char* duration) {
    return std::string("servers: {app: server}, port: 8080, connection: perCall, thinkTime: 2us, duration: ") +
           duration;
  };
  const std::string wait = "costs: {conntrack: {tcpTimeoutTimeWait: 200us}}\n";
  const auto short_run = run(yaml_of(chatty("2ms"), wait));
  const auto long_run = run(yaml_of(chatty("20ms"), wait));
  REQUIRE(long_run.nat.conntrack_created > 8 * short_run.nat.conntrack_created);
  // Ten times the connections, the same table size: at most 4/3 of what 200 us of calls leave.
  CHECK(long_run.nat.conntrack_peak_per_node <= short_run.nat.conntrack_peak_per_node * 11 / 10 + 2);
  CHECK(long_run.nat.conntrack_expired > long_run.nat.conntrack_created * 8 / 10);
}

TEST_CASE("a full conntrack table drops the new connection's packet as conntrackFull") {
  // Limit max(1 x 2 vCPUs, 4) = 4 entries per node; closed connections stay assured in TIME_WAIT
  // (120 s). A dropped SYN is sent again after TCP's timeout, 1 s doubling, as a Linux client does:
  // six times (tcp_syn_retries), the last at 63 s, before the entries expire; at 127 s the
  // connection gives up and the call fails.
  const auto r = run(yaml_of("servers: {app: server}, port: 8080, connection: perCall, chains: 20",
                              "costs: {conntrack: {maxPerCore: 1, min: 4}}\n"));
  CHECK(r.calls_failed > 0);
  CHECK(r.tcp.connections_failed == r.calls_failed);
  CHECK(drops(r, dataplane::DropReason::ConntrackFull) == r.calls_failed * 7);
  CHECK(r.tcp.timeouts == r.calls_failed * 7);
  CHECK(r.simulated_ps >= 127 * std::int64_t{1000000000000});
  CHECK(r.calls_completed + r.calls_failed == 20);
  CHECK(r.nat.conntrack_peak_per_node == 4);
  // Room enough: nothing is dropped.
  const auto roomy = run(yaml_of("servers: {app: server}, port: 8080, connection: perCall, chains: 20"));
  CHECK(drops(roomy, dataplane::DropReason::ConntrackFull) == 0);
}

TEST_CASE("a given vmSize sets the NIC's outbound rate and costs can still override it") {
  const std::string calls = "servers: {app: server}, port: 8080, responseSize: 1400, chains: 100";
  const auto none = dataplane::to_json_text(run(yaml_of(calls)));
  // Standard_D8s_v5 sends at 12.5 Gb/s, the profile's own rate: the same run to the byte.
  CHECK(dataplane::to_json_text(run(yaml_of(calls, "", "Standard_D8s_v5"))) == none);
  // Standard_D2s_v3 sends at 1 Gb/s: the 1400-byte response alone takes 11.2 us on the wire instead of 0.9.
  const auto slow = run(yaml_of(calls, "", "Standard_D2s_v3"));
  const auto fast = run(yaml_of(calls));
  CHECK(slow.call_latency.mean_ps > fast.call_latency.mean_ps + 10000000);
  // A rate in costs wins over the size.
  const std::string rate = "costs: {links: {nicToVnet: {rate: 12.5Gbps}}}\n";
  CHECK(run(yaml_of(calls, rate, "Standard_D2s_v3")).call_latency.mean_ps == run(yaml_of(calls, rate)).call_latency.mean_ps);
}

TEST_CASE("finding a Service port is one lookup and iptables mode still reports its place in the chain") {
  std::string yaml =
      "cluster: {name: svc, networkProfile: {networkPlugin: kubenet}}\nnodePools:\n  - {name: pool, count: 1}\n"
      "workloads:\n  - {kind: Deployment, name: web, image: w, replicas: 1, labels: {app: web}}\nservices:\n";
  for (int i = 0; i < 5; ++i) {
    yaml += "  - {name: s" + std::to_string(i) + ", selector: {app: web}, ports: [{name: http, port: 80}, {name: https, port: 443}]}\n";
  }
  const auto c = cluster::build_cluster(scenario::load_scenario_string(yaml, "svc.yaml"));
  const auto& dnat = c.service_dnat();
  REQUIRE(dnat.mode == cluster::ServiceProxyMode::Iptables);
  for (std::size_t i = 0; i < dnat.rules.size(); ++i) {
    const auto& rule = dnat.rules[i];
    const auto m = dnat.find(rule.clusterIP, rule.port, rule.protocol);
    CHECK(m.rule == &rule);
    CHECK(m.rulesWalked == i + 1);
  }
  const auto miss = dnat.find(dnat.rules[0].clusterIP, 8080, cluster::Protocol::Tcp);
  CHECK(miss.rule == nullptr);
  CHECK(miss.rulesWalked == dnat.rules.size());
  CHECK(dnat.find(dnat.rules[0].clusterIP, 80, cluster::Protocol::Udp).rule == nullptr);
}

TEST_CASE("the model reports which server each kept-alive connection of every client slot reached") {
  // Direct calls: the server drawn when the slot's connection opened, among the selected pods.
  // Calls to the Service: the endpoint the node's kube-proxy DNATed the connection to.
  for (const std::string target : {"servers: {app: server}, port: 8080", "service: backend"}) {
    const auto spec = scenario::load_scenario_string(yaml_of(target + ", concurrency: 3, chainDepth: 2, chains: 60"), "conns.yaml");
    const auto c = cluster::build_cluster(spec);
    std::vector<dataplane::KeptConnection> kept;
    workload::RunOptions options;
    options.kept_connections = &kept;
    const auto r = workload::run_scenario(spec, options);
    INFO(target);
    REQUIRE(r.calls_completed == 120);
    REQUIRE(kept.size() == 3);
    for (std::uint32_t k = 0; k < kept.size(); ++k) {
      CHECK(kept[k].chatty == 0);
      CHECK(kept[k].slot == k);
      CHECK(c.workload(kept[k].client).name == "client");
      CHECK(c.workload(kept[k].server).name == "server");
    }
    // The same seed, the same servers; the report changes nothing in the run.
    std::vector<dataplane::KeptConnection> again;
    options.kept_connections = &again;
    CHECK(workload::run_scenario(spec, options).call_latency.p50_ps == r.call_latency.p50_ps);
    CHECK(again == kept);
  }
  // A new connection per call keeps nothing, so reports nothing.
  const auto spec = scenario::load_scenario_string(yaml_of("service: backend, connection: perCall, chains: 10"), "conns.yaml");
  std::vector<dataplane::KeptConnection> kept{{}};
  workload::RunOptions options;
  options.kept_connections = &kept;
  workload::run_scenario(spec, options);
  CHECK(kept.empty());
}
