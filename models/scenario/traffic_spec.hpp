#pragma once
// The scenario's data-path sections as plain structs: `traffic`, `costs` and `run`. Read at load time
// with the rest of the scenario (traffic_spec.cpp, cost_profile.cpp), so their errors point at their own
// file:line:col; the field paths ("traffic.chatty[0].clients") index ScenarioSpec::marks for errors found
// later (a selector that matches no pod).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/net/route_table.hpp"
#include "models/scenario/cost_profile.hpp"
#include "sim/time.hpp"

namespace cnisim::scenario {

enum class PluginKind;

// ICMP echo: `count` requests `interval` apart, each answered by the destination.
struct PingSpec {
  std::string from;  // pod/NAME, node/NAME, vm/NAME or an IP (see dataplane::resolve_endpoint)
  std::string to;
  std::uint32_t count = 1;
  sim::Time interval = sim::us(100);
  std::uint32_t size = 64;
};

// How a generator's messages travel: over TCP connections (models/transport: handshake, segments,
// ACKs, windows, losses), or each message as one UDP datagram (no connection, no retransmission).
enum class Transport : std::uint8_t { Tcp, Udp };
// A chatty client's connections: one kept alive per concurrency slot; a new one per call (closed after
// its response); or a pool of N kept-alive connections per client that calls wait for (HTTP/1.1
// without pipelining: one call at a time on a connection).
enum class ConnectionMode : std::uint8_t { KeepAlive, PerCall, Pool };

// Request/response calls. One chain (a user request) = chainDepth calls one after another from the
// same client. Closed loop: each of `concurrency` slots per client starts its next chain thinkTime
// after the last one ended. Open loop: chains arrive at each client as a Poisson process of `rate`
// per second. Stops starting chains after `chains` (over all clients) or `duration`.
struct ChattySpec {
  std::string name = "chatty";
  std::map<std::string, std::string> clients;  // pod labels ...
  std::string from;                            // ... or a host outside the cluster: vm/NAME (one client)
  std::map<std::string, std::string> servers;  // pod labels (a random one per call) ...
  std::string service;                         // ... or a Service: NAME or NAMESPACE/NAME (its first port)
  std::string to;                              // ... or a host outside the cluster: vm/NAME or an IP address,
                                               //     or a NodePort: a node's IP:nodePort
  std::uint16_t port = 80;                     // server port when calling pods directly or `to`
  std::uint32_t request_size = 200;            // application bytes (TCP segments them; UDP: one datagram)
  std::uint32_t response_size = 1000;
  std::uint32_t chain_depth = 1;
  std::uint32_t concurrency = 1;
  std::optional<std::uint64_t> rate_per_second;  // open loop when given
  sim::Time think_time;                          // closed loop
  sim::Time server_time;                         // the server's application time per call
  Transport transport = Transport::Tcp;
  ConnectionMode connection = ConnectionMode::KeepAlive;
  std::uint32_t pool_size = 0;  // connections per client under ConnectionMode::Pool
  // TCP_NODELAY on both ends: gRPC, Go's net/http, curl and Node's http set it (docs/transport.md).
  bool no_delay = true;
  std::optional<std::uint64_t> chains;
  std::optional<sim::Time> duration;
  // Name resolution before each connection the client opens (glibc has no cache; models/workload/
  // dns.hpp): the name it looks up (default: the Service's name, with its namespace when the client's
  // differs), its pod's ndots (kubelet writes 5) and search domains after the cluster's own (the
  // node's, which kubelet appends, or dnsConfig.searches).
  bool resolve = false;
  std::string hostname;
  std::uint32_t ndots = 5;
  std::vector<std::string> searches;

  bool new_connection_per_call() const { return connection == ConnectionMode::PerCall; }
};

// A stream for `duration`. Over TCP: one connection that sends as fast as its windows allow, or, with
// a `rate`, an application writing packetSize bytes at that rate; it closes when the time is up. Over
// UDP: datagrams of packetSize bytes (the IP packet) at `rate` (1 Gb/s unless given).
struct BulkSpec {
  std::string from;
  std::string to;
  Transport transport = Transport::Tcp;
  std::optional<sim::DataRate> rate;
  std::uint32_t packet_size = 1500;
  sim::Time duration = sim::ms(1);
  std::uint16_t port = 5001;
  bool no_delay = true;
};

struct TrafficSpec {
  std::vector<PingSpec> ping;
  std::vector<ChattySpec> chatty;
  std::vector<BulkSpec> bulk;

  bool empty() const { return ping.empty() && chatty.empty() && bulk.empty(); }
};

struct RunSpec {
  std::uint64_t seed = 1;
  std::optional<sim::Time> duration;  // simulated time limit; none = until the traffic is done
  std::optional<PluginKind> plugin;
  std::optional<LookupCostModel> lookup_cost_model;
  net::RouteTableKind route_table = net::RouteTableKind::Linear;
};

// `costs`: a base profile (a shipped name or a path) and numbers set on top of it. The loader reads
// the base profile too, so `profile` is what a run uses.
struct CostsSpec {
  std::string base = std::string(kDefaultProfile);  // as written in the file
  std::string base_path;                            // where it was read from
  CostOverrides overrides;
  CostProfile profile;  // the base with the overrides applied
};

}  // namespace cnisim::scenario
