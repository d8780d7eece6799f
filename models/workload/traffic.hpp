#pragma once
// The traffic generators of one run: ping, chatty request/response chains and bulk streams, driven
// by the engine and told by the Network when their packets arrive or are dropped. State lives in
// flat vectors (calls and chains in pools with free lists); events capture a few integers.
#include <cstdint>
#include <vector>

#include "models/dataplane/kept_connection.hpp"
#include "models/dataplane/network.hpp"
#include "models/scenario/scenario_spec.hpp"
#include "sim/histogram.hpp"
#include "sim/random.hpp"

namespace cnisim::workload {

using scenario::BulkSpec;
using scenario::ChattySpec;
using scenario::PingSpec;
using scenario::TrafficSpec;

// What a packet is, for the generators (Packet::kind).
enum PacketKind : std::uint8_t { kEchoRequest = 1, kEchoReply, kRequest, kResponse, kBulk };

class Traffic final : public dataplane::DeliveryHandler {
 public:
  // Resolves every endpoint and selector of spec.traffic against the network's cluster; throws
  // scenario::ScenarioError at the field's file:line:col, saying what does exist, when one names nothing.
  Traffic(dataplane::Network& network, const scenario::ScenarioSpec& spec, std::uint64_t seed);
  // Schedules the first packet of every generator.
  void start();
  void delivered(dataplane::PacketId id, const dataplane::Packet& packet, dataplane::HostRef at) override;
  void dropped(dataplane::PacketId id, const dataplane::Packet& packet,
               dataplane::DropReason reason) override;
  // Latencies and call counters into results.
  void add_to(dataplane::Results& results) const;
  // The time of the last delivery or drop: when the traffic was done.
  sim::Time last_activity() const { return sim::ps(last_activity_ps_); }
  // Every kept-alive chatty connection that carried a request, with the pod that answered it, in
  // (entry, client, slot) order.
  std::vector<dataplane::KeptConnection> kept_connections() const;

 private:
  struct Generator {
    ChattySpec spec;
    std::vector<dataplane::HostRef> clients;
    std::vector<dataplane::HostRef> servers;  // empty when calling a Service
    net::Ipv4 service_ip;
    std::uint16_t service_port = 0;
    sim::RandomStream random;
    std::uint64_t chains_started = 0;
    std::vector<std::uint16_t> next_port;  // per client, for a new connection per call
    // Kept-alive connections, one per client slot ([client * concurrency + slot]): whether it was
    // opened, the server drawn when it opened (it keeps that server for its whole life), and the
    // pod its first request reached (the drawn server, or the endpoint a Service address was DNATed to).
    std::vector<std::uint8_t> kept_open;
    std::vector<std::uint32_t> kept_server;
    std::vector<std::uint32_t> kept_reached;
  };
  struct Chain {
    std::uint32_t generator = 0;
    std::uint32_t client = 0;  // index in Generator::clients
    std::uint32_t slot = 0;
    std::uint32_t calls_done = 0;
    std::int64_t start_ps = 0;
  };
  struct Call {
    std::uint32_t chain = 0;
    std::int64_t start_ps = 0;
    dataplane::Packet request_state;  // the request as delivered: the conntrack entries it created
  };
  struct Ping {
    dataplane::HostRef from;
    net::FiveTuple tuple;
    std::uint32_t count = 0;
    std::uint32_t sent = 0;
    sim::Time interval;
    std::uint32_t size = 0;
  };
  struct Bulk {
    dataplane::HostRef from;
    net::FiveTuple tuple;
    sim::Time gap;
    std::int64_t end_ps = 0;
    std::uint32_t size = 0;
  };

  bool may_start_chain(const Generator& g) const;
  void start_chain(std::uint32_t generator, std::uint32_t client, std::uint32_t slot);
  void open_loop_arrival(std::uint32_t generator, std::uint32_t client);
  void issue_call(std::uint32_t chain);
  void end_chain(std::uint32_t chain, bool completed);
  void send_ping(std::uint32_t ping);
  void send_bulk(std::uint32_t bulk);
  std::uint32_t allocate_call();
  std::uint32_t allocate_chain();

  dataplane::Network& network_;
  sim::Simulator& sim_;
  std::vector<Generator> generators_;
  std::vector<Chain> chains_;
  std::vector<std::uint32_t> free_chains_;
  std::vector<Call> calls_;
  std::vector<std::uint32_t> free_calls_;
  std::vector<Ping> pings_;
  std::vector<std::int64_t> ping_sent_ps_;  // per echo request, by tag
  std::vector<Bulk> bulks_;

  sim::Histogram call_latency_;
  sim::Histogram chain_latency_;
  sim::Histogram ping_latency_;
  std::uint64_t calls_started_ = 0;
  std::uint64_t calls_completed_ = 0;
  std::uint64_t calls_failed_ = 0;
  std::uint64_t chains_completed_ = 0;
  std::uint64_t bulk_bytes_ = 0;
  std::int64_t last_activity_ps_ = 0;
};

}  // namespace cnisim::workload
