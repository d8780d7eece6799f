// Chatty and bulk traffic over TCP through the cluster's data path (and over UDP when asked): what a
// new connection costs, how a pool queues calls, a bulk stream's rate, and the segments on the wire.
#include <catch2/catch.hpp>
#include <string>

#include "models/scenario/scenario_loader.hpp"
#include "models/workload/scenario_run.hpp"

using namespace cnisim;

namespace {

// One client pod on one node calling one server pod, idle between calls (think time).
std::string two_nodes(const std::string& traffic, const std::string& plugin = "azure") {
  return "cluster: {name: tcp, networkProfile: {networkPlugin: " + plugin + "}}\n"
         "nodePools:\n  - {name: pool, count: 2}\n"
         "workloads:\n"
         "  - {kind: Deployment, name: client, image: c, replicas: 1, labels: {app: client}}\n"
         "  - {kind: Deployment, name: server, image: s, replicas: 1, labels: {app: server}}\n"
         "traffic:\n" + traffic;
}

dataplane::Results run(const std::string& yaml) {
  return workload::run_scenario(scenario::load_scenario_string(yaml, "tcp.yaml"));
}

std::string calls(const std::string& extra, int response_size = 100) {
  return "  chatty:\n    - {clients: {app: client}, servers: {app: server}, port: 8080, requestSize: 100, "
         "responseSize: " + std::to_string(response_size) + ", thinkTime: 100us, chains: 40" + extra + "}\n";
}

// The endpoints open connections for free: what the handshake's packets alone cost.
const std::string kFreeSockets = "costs: {sockets: {connect: 0, accept: 0}}\n";

}  // namespace

TEST_CASE("On an idle path a call on a new connection takes one more round trip than on a kept-alive one") {
  for (const char* plugin : {"azure", "kubenet"}) {
    INFO(plugin);
    const auto kept = run(two_nodes(calls(""), plugin) + kFreeSockets);
    const auto fresh = run(two_nodes(calls(", connection: perCall"), plugin) + kFreeSockets);
    REQUIRE(kept.calls_completed == 40);
    REQUIRE(fresh.calls_completed == 40);
    // A kept-alive call is one small segment each way; a new connection first sends its SYN and waits
    // for the SYN-ACK: the same path again, so about twice the time. A little more: the client's
    // handshake ACK goes ahead of the request and the server's quick ACK ahead of its response, and
    // each takes its turn at the devices (the SYN is a little smaller).
    const double ratio = static_cast<double>(fresh.call_latency.p50_ps) / static_cast<double>(kept.call_latency.p50_ps);
    CHECK(ratio > 1.9);
    CHECK(ratio < 2.4);
    // The time split says where it went: the handshake is about one kept-alive call.
    CHECK(fresh.tcp.per_call(static_cast<double>(fresh.tcp.handshake_ps)) ==
          Approx(static_cast<double>(kept.call_latency.p50_ps)).epsilon(0.1));
    CHECK(kept.tcp.per_call(static_cast<double>(kept.tcp.handshake_ps)) < 0.05 * static_cast<double>(kept.call_latency.p50_ps));
    // Every new connection: SYN, SYN-ACK and the handshake's ACK, the request and the response, FINs
    // both ways and the ACK of the last one; one connection for the kept-alive calls.
    CHECK(fresh.tcp.connections == 40);
    CHECK(kept.tcp.connections == 1);
    CHECK(fresh.tcp.handshake_segments == 120);
    CHECK(fresh.tcp.data_segments == 80);
    CHECK(fresh.tcp.fin_segments + fresh.tcp.data_segments >= 80 + 40);
    CHECK(fresh.tcp.retransmissions == 0);
    // The client closed first, so the conntrack entries end in TIME_WAIT (not expired in the run).
    CHECK(fresh.nat.conntrack_created >= 40);
    CHECK(fresh.nat.conntrack_expired == 0);
  }
}

TEST_CASE("On an idle path connect() and accept() add exactly their costs to a call on a new connection and nothing to a kept-alive one") {
  for (const char* plugin : {"azure", "kubenet"}) {
    INFO(plugin);
    const std::string costs = "costs: {sockets: {connect: 3us, accept: 7us}}\n";
    const auto free_fresh = run(two_nodes(calls(", connection: perCall"), plugin) + kFreeSockets);
    const auto fresh = run(two_nodes(calls(", connection: perCall"), plugin) + costs);
    const auto free_kept = run(two_nodes(calls(""), plugin) + kFreeSockets);
    const auto kept = run(two_nodes(calls(""), plugin) + costs);
    REQUIRE(fresh.calls_completed == 40);
    REQUIRE(free_fresh.calls_completed == 40);
    // Every call opens a connection: 3 us at the client's SYN, 7 us where the SYN reaches the server,
    // both on the call's critical path, in integer picoseconds.
    CHECK(fresh.call_latency.p50_ps - free_fresh.call_latency.p50_ps == 10'000'000);
    CHECK(fresh.call_latency.max_ps - free_fresh.call_latency.max_ps == 10'000'000);
    // The one kept-alive connection opens when the first call wants it: that call alone pays.
    CHECK(kept.call_latency.p50_ps == free_kept.call_latency.p50_ps);
    CHECK(kept.call_latency.max_ps - free_kept.call_latency.max_ps == 10'000'000);
  }
}

TEST_CASE("A pool of fewer connections than concurrent calls makes the calls wait for a connection") {
  const std::string busy = "  chatty:\n    - {clients: {app: client}, servers: {app: server}, port: 8080, requestSize: 100, "
                           "responseSize: 100, serverTime: 100us, concurrency: 8, chains: 400";
  const auto kept = run(two_nodes(busy + "}\n"));
  const auto pooled = run(two_nodes(busy + ", connection: pool(2)}\n"));
  REQUIRE(kept.calls_completed == 400);
  REQUIRE(pooled.calls_completed == 400);
  CHECK(kept.tcp.connections == 8);
  CHECK(pooled.tcp.connections == 2);
  // Four calls want each connection, one at a time: a call (as its client sees it) waits for the
  // three ahead of it.
  INFO("kept " << kept.call_latency.mean_ps * 1e-6 << " us, pooled " << pooled.call_latency.mean_ps * 1e-6 << " us");
  CHECK(pooled.call_latency.mean_ps > 3 * kept.call_latency.mean_ps);
  CHECK(pooled.call_latency.mean_ps < 5 * kept.call_latency.mean_ps);
}

TEST_CASE("A response larger than the initial window takes a second round trip in slow start") {
  // 10 segments of 1448 bytes fit the initial window; 11 need the first ACK to come back. A new
  // connection per call, so that every response starts from the initial window, and a long wire
  // between the NICs and the VNet (100 us each way) so that the round trip, not the devices' work
  // per packet, is what a window's worth of segments waits for.
  const std::string far = "costs: {links: {nicToVnet: {delay: 100us}}}\n";
  const auto fits = run(two_nodes(calls(", connection: perCall", 14480) + far));
  const auto over = run(two_nodes(calls(", connection: perCall", 14481) + far));
  const auto small = run(two_nodes(calls("") + far));
  REQUIRE(fits.calls_completed == 40);
  REQUIRE(over.calls_completed == 40);
  CHECK(fits.tcp.data_segments == 40 * (1 + 10));
  CHECK(over.tcp.data_segments == 40 * (1 + 11));
  // The 11th segment waits for an ACK: at least one more small round trip.
  const auto extra = over.call_latency.p50_ps - fits.call_latency.p50_ps;
  CHECK(extra > small.call_latency.p50_ps * 8 / 10);
}

TEST_CASE("A bulk stream over TCP paced by its rate delivers that rate and an unpaced one goes faster") {
  // Node to node (the azure plugin's nodes are 10.224.0.4 and .5), 2 ms.
  const std::string bulk = "  bulk:\n    - {from: 10.224.0.4, to: 10.224.0.5, duration: 2ms";
  // The connection opens for free, so that the stream's 2 ms are all pacing.
  const auto paced = run(two_nodes(bulk + ", rate: 1Gbps, packetSize: 1448}\n") + kFreeSockets);
  const auto unpaced = run(two_nodes(bulk + "}\n") + kFreeSockets);
  // 1 Gb/s for 2 ms is 250,000 bytes, written 1448 at a time; what arrives within the 2 ms counts.
  CHECK(static_cast<double>(paced.bulk_bytes_delivered) == Approx(250000).epsilon(0.01));
  CHECK(paced.bulk_retransmissions == 0);
  INFO("unpaced: " << unpaced.bulk_bytes_delivered << " bytes, " << unpaced.bulk_retransmissions << " retransmissions");
  CHECK(unpaced.bulk_bytes_delivered > 4 * paced.bulk_bytes_delivered);
  // No more than the NIC's 12.5 Gb/s could carry in 2 ms.
  CHECK(unpaced.bulk_bytes_delivered < 12.5e9 / 8 * 2e-3);
  CHECK(unpaced.tcp.connections == 0);  // bulk streams are not chatty calls
}

TEST_CASE("Over UDP a call is one datagram each way and conntrack keeps a UDP entry") {
  const auto udp = run(two_nodes(calls(", transport: udp")));
  REQUIRE(udp.calls_completed == 40);
  CHECK(udp.packets_sent == 80);
  CHECK(udp.tcp.connections == 0);
  CHECK(udp.tcp.calls == 0);
  const auto tcp = run(two_nodes(calls("")));
  CHECK(tcp.packets_sent > udp.packets_sent);
}

TEST_CASE("With GSO a large response crosses the devices as a few big packets charged per byte") {
  const std::string gso = "costs: {tcp: {gso: true}}\n";
  const auto plain = run(two_nodes(calls("", 20000)));
  const auto big = run(two_nodes(calls("", 20000) + gso));
  REQUIRE(plain.calls_completed == 40);
  REQUIRE(big.calls_completed == 40);
  // 20,000 bytes: 14 MSS; with GSO the initial window's 10 in one segment, then the other 4.
  CHECK(plain.tcp.data_segments == 40 * (1 + 14));
  CHECK(big.tcp.data_segments < 40 * (1 + 3));
  CHECK(big.packets_sent < plain.packets_sent / 2);
  CHECK(big.tcp.retransmissions == 0);
}

TEST_CASE("A TCP bulk stream to an address no route reaches ends at its first SYN") {
  // The node's stack has no route to answer for 10.99.0.1 inside the VNet: the SYN is dropped as
  // noRoute, the sending kernel would be told (ICMP unreachable), and the stream is over.
  const auto r = run(two_nodes("  bulk:\n    - {from: 10.224.0.4, to: 10.99.0.1, duration: 2ms, rate: 1Gbps}\n"));
  CHECK(r.bulk_bytes_delivered == 0);
  CHECK(r.packets_sent == r.packets_dropped);
  CHECK(r.packets_sent <= 2);
}
