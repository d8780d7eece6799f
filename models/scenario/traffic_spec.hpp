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

// Request/response calls. One chain (a user request) = chainDepth calls one after another from the
// same client. Closed loop: each of `concurrency` slots per client starts its next chain thinkTime
// after the last one ended. Open loop: chains arrive at each client as a Poisson process of `rate`
// per second. Stops starting chains after `chains` (over all clients) or `duration`.
struct ChattySpec {
  std::string name = "chatty";
  std::map<std::string, std::string> clients;  // pod labels
  std::map<std::string, std::string> servers;  // pod labels (a random one per call) ...
  std::string service;                         // ... or a Service: NAME or NAMESPACE/NAME (its first port)
  std::uint16_t port = 80;                     // server port when calling pods directly
  std::uint32_t request_size = 200;            // bytes; one message is one packet (no segmentation)
  std::uint32_t response_size = 1000;
  std::uint32_t chain_depth = 1;
  std::uint32_t concurrency = 1;
  std::optional<std::uint64_t> rate_per_second;  // open loop when given
  sim::Time think_time;                          // closed loop
  sim::Time server_time;                         // the server's application time per call
  bool new_connection_per_call = false;          // else one kept-alive connection per client slot
  std::optional<std::uint64_t> chains;
  std::optional<sim::Time> duration;
};

// A paced stream: packets of packetSize at `rate` for `duration`.
struct BulkSpec {
  std::string from;
  std::string to;
  sim::DataRate rate = sim::gbps(1);
  std::uint32_t packet_size = 1500;
  sim::Time duration = sim::ms(1);
  std::uint16_t port = 5001;
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
