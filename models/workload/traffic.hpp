#pragma once
// The traffic generators of one run: ping, chatty request/response chains and bulk streams, driven
// by the engine and told by the Network when their packets arrive or are dropped. State lives in
// flat vectors (calls, chains and connections in pools with free lists); events capture a few integers.
//
// Over TCP (the default) every chatty call and bulk stream runs on a connection: a pair of
// transport::TcpConnection endpoints, the client on the calling host and the server on the pod that
// answers, whose segments are packets through the Network (so the node's conntrack sees the SYN, the
// handshake, the FINs). Each endpoint keeps one engine event for its timer. Over UDP a message is one
// datagram, as ping's echo is.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/dataplane/kept_connection.hpp"
#include "models/dataplane/network.hpp"
#include "models/scenario/scenario_spec.hpp"
#include "models/transport/timer_slot.hpp"
#include "sim/histogram.hpp"
#include "sim/random.hpp"

namespace cnisim::workload {

using scenario::BulkSpec;
using scenario::ChattySpec;
using scenario::PingSpec;
using scenario::TrafficSpec;

// What a packet is, for the generators (Packet::kind).
enum PacketKind : std::uint8_t {
  kEchoRequest = 1, kEchoReply, kRequest, kResponse, kBulk,
  kToServer,  // a TCP segment from a connection's client (Packet::tag: the connection)
  kToClient,  // a TCP segment from a connection's server
  // A name lookup's query and its answer (Packet::tag: lookup * 2 + 0 for A, 1 for AAAA;
  // Packet::tag_generation: the lookup's round, telling a late answer from the one awaited)
  kDnsQuery,
  kDnsAnswer,
  // NodeLocal DNSCache's query to CoreDNS for a name it does not hold, and CoreDNS's answer (the same
  // tag and round as the pod's query it stands for)
  kDnsForward,
  kDnsForwardAnswer
};

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
  // Latencies, call and TCP counters into results.
  void add_to(dataplane::Results& results) const;
  // The time of the last delivery or drop: when the traffic was done.
  sim::Time last_activity() const { return sim::ps(last_activity_ps_); }
  // Every kept-alive chatty connection that carried a request, with the pod that answered it, in
  // (entry, client, slot) order.
  std::vector<dataplane::KeptConnection> kept_connections() const;

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  static constexpr std::uint32_t kResolving = kNone - 1;  // a kept_conn member whose name is being looked up

  struct Generator {
    ChattySpec spec;
    std::vector<dataplane::HostRef> clients;
    std::vector<dataplane::HostRef> servers;  // empty when calling a Service
    net::Ipv4 service_ip;
    std::uint16_t service_port = 0;
    sim::RandomStream random;
    std::uint64_t chains_started = 0;
    std::vector<std::uint16_t> next_port;  // per client, for a new connection per call
    // Kept-alive connections, one per client slot ([client * concurrency + slot]), or the pool's
    // ([client * pool size + member]): the connection (kNone: not open), the server drawn when it
    // opened (it keeps that server for its whole life), and the pod its first request reached (the
    // drawn server, or the endpoint a Service address was DNATed to).
    std::vector<std::uint32_t> kept_conn;
    std::vector<std::uint32_t> kept_server;
    std::vector<std::uint32_t> kept_reached;
    std::vector<std::deque<std::uint32_t>> pool_waiting;  // per client: chains waiting for a connection
    std::vector<std::uint32_t> names;  // per client (resolve: true): its index in Traffic::names_
  };
  // What a client in one namespace tries when it resolves a generator's name (dns::candidates), and
  // what CoreDNS answers for each.
  struct Candidate {
    std::uint32_t id = 0;     // the name's index in Traffic's interned names (CoreDNS's cache key)
    bool exists = false;      // the Service's name: an A record
    bool upstream = false;    // outside the cluster domain: CoreDNS forwards it
    std::uint32_t query_bytes = 0, answer_bytes[2] = {0, 0};  // [A, AAAA]
  };
  // A lookup before a connection opens: each candidate in turn, an A and an AAAA query for each, sent
  // again after the resolver's timeout when one was lost.
  struct Lookup {
    std::uint32_t call = kNone;
    std::uint32_t keep = kNone;  // the Generator::kept_conn index it opens; kNone: a connection per call
    std::uint32_t names = 0;     // index in names_
    std::uint32_t candidate = 0;
    std::uint32_t round = 0;     // Traffic-wide counter value of its current sends
    std::uint32_t attempt = 0;   // sends of the current candidate so far
    std::uint16_t port = 0;
    std::uint8_t answered = 0;   // bit 0: A, bit 1: AAAA
    bool live = false;
    bool retry_pending = false;
    std::int64_t start_ps = 0;
    std::int64_t round_ps = 0;   // when the current round's queries were sent
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
    std::int64_t held_ps = 0;  // the connection's held time when the call began (TCP)
    std::int64_t lookup_ps = 0;  // the name lookup before its connection opened (resolve: true)
    bool opened = false;       // the call opened its connection (TCP)
  };
  // One TCP connection: its two endpoints and what the application on each does with it.
  struct Conn {
    explicit Conn(const transport::TcpConfig& c) : end{transport::TcpConnection(c, 0, true), transport::TcpConnection(c, 0, true)} {}
    transport::TcpConnection end[2];  // [0] the client (connects), [1] the server (listens)
    transport::TimerSlot timer[2];
    dataplane::HostRef host[2];
    net::FiveTuple tuple[2];  // as each side sends: the client's to the server (or Service) address
    bool server_known = false;
    bool live = false;
    std::uint32_t generation = 0;  // tells this use of the slot from later ones (in each packet)
    std::uint32_t generator = kNone;  // chatty generator, or kNone for a bulk stream
    std::uint32_t bulk = kNone;
    std::uint32_t keep = kNone;       // its Generator::kept_conn index when kept alive or pooled
    std::uint32_t call = kNone;       // the call in flight
    std::uint64_t server_taken = 0;   // request bytes the server has read
    std::uint64_t response_end = 0;   // the client's stream offset where the call's response ends
    std::uint64_t bulk_counted = 0;   // bulk bytes already counted as delivered
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
    BulkSpec spec;
    dataplane::HostRef from;
    net::FiveTuple tuple;
    sim::Time gap;  // between writes (TCP with a rate) or datagrams (UDP)
    std::int64_t end_ps = 0;
    std::uint32_t conn = kNone;
  };

  bool may_start_chain(const Generator& g) const;
  void start_chain(std::uint32_t generator, std::uint32_t client, std::uint32_t slot);
  void open_loop_arrival(std::uint32_t generator, std::uint32_t client);
  void issue_call(std::uint32_t chain);
  void issue_udp_call(std::uint32_t chain, std::uint32_t call);
  void issue_tcp_call(std::uint32_t chain, std::uint32_t call);
  void start_call_on(std::uint32_t conn, std::uint32_t call);
  // The tuple of a call or a connection from `client` on ephemeral port number `port_offset`: to the
  // Service's address, or to a server pod drawn now (kept_server: drawn once into it, then reused).
  net::FiveTuple call_tuple(Generator& g, dataplane::HostRef client, net::Protocol protocol, std::uint32_t port_offset,
                            std::uint32_t* kept_server);
  // A kept-alive or pooled connection of the client for this call: its own slot's when idle, else any
  // idle one, else a new one while the client has fewer than its size; kNone: all are busy.
  // kResolving: a new one is being looked up first (the lookup owns the call and opens it).
  std::uint32_t take_kept(std::uint32_t generator, std::uint32_t client, std::uint32_t slot, std::uint32_t call);
  // Opens a kept-alive member (index k of kept_conn) for the call, or a connection for one call.
  std::uint32_t open_kept(std::uint32_t generator, std::uint32_t client, std::size_t k, std::uint32_t call);
  std::uint32_t open_per_call(std::uint32_t chain, std::uint32_t call);
  std::uint32_t kept_size(const Generator& g) const;
  void complete_call(std::uint32_t call, std::uint32_t conn);
  void fail_call(std::uint32_t call);
  void end_chain(std::uint32_t chain, bool completed);
  void send_ping(std::uint32_t ping);
  void send_bulk(std::uint32_t bulk);
  void top_up_bulk(std::uint32_t conn);
  std::uint32_t allocate_call();
  std::uint32_t allocate_chain();

  // Name lookups (resolve: true).
  void start_lookup(std::uint32_t call, std::uint32_t keep);
  void send_lookup_round(std::uint32_t lookup);
  void lookup_answered(const dataplane::Packet& p);
  void lookup_lost(std::uint32_t lookup, std::uint32_t round);
  void finish_lookup(std::uint32_t lookup, bool found);
  // After a kept-alive member closed or never opened: the client's first waiting call opens it again.
  void serve_pool_waiting(std::uint32_t generator, std::uint32_t client, std::uint32_t member);
  // The name a query of lookup tag / 2 asks for, if that lookup still awaits round `round`'s answers.
  const Candidate* awaited_candidate(std::uint32_t tag, std::uint32_t round) const;
  static std::uint64_t cache_key(dataplane::HostRef at, const Candidate& c, std::uint32_t type);
  void coredns_answer(const dataplane::Packet& p, dataplane::HostRef at);
  // NodeLocal DNSCache on the node a pod's query reached: an answer from its cache, or a query forwarded
  // (cluster names to CoreDNS, others upstream); and CoreDNS's answer to such a forward.
  void node_cache_answer(const dataplane::Packet& p, dataplane::HostRef at);
  void node_cache_forwarded(const dataplane::Packet& p, dataplane::HostRef at);
  // The node cache answers the pod whose query `tag` was, from the address the pod asked.
  void node_cache_reply(dataplane::HostRef node, std::uint32_t tag, std::uint32_t round);

  // Connections.
  std::uint32_t open_conn(dataplane::HostRef client, const net::FiveTuple& tuple, bool no_delay);
  void pump(std::uint32_t conn, int side);
  void on_timer(std::uint32_t conn, std::uint32_t generation, int side);
  void on_segment(std::uint32_t conn, int side, const dataplane::Packet& p, dataplane::HostRef at);
  void after_event(std::uint32_t conn, int side);
  void server_reads(std::uint32_t conn);
  void abort_conn(std::uint32_t conn);
  void release_if_done(std::uint32_t conn);
  void release(std::uint32_t conn);
  static void count(const Conn& c, dataplane::TcpSummary& tcp, std::uint64_t& bulk_retransmissions);

  dataplane::Network& network_;
  sim::Simulator& sim_;
  transport::TcpConfig tcp_config_;
  // The same with another MTU, per MTU a connection's ends agree on (a map: connections keep a pointer).
  std::map<std::uint32_t, transport::TcpConfig> mtu_configs_;
  const transport::TcpConfig& config_for_mtu(std::uint32_t mtu);
  sim::RandomStream isn_random_;
  sim::RandomStream race_random_;  // the conntrack race of parallel DNS queries (profile dns.conntrackRace)
  std::vector<Generator> generators_;
  std::vector<Chain> chains_;
  std::vector<std::uint32_t> free_chains_;
  std::vector<Call> calls_;
  std::vector<std::uint32_t> free_calls_;
  std::deque<Conn> conns_;  // a deque: references stay valid while connections are added
  std::vector<std::uint32_t> free_conns_;
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
  std::uint64_t bulk_retransmissions_ = 0;
  dataplane::TcpSummary tcp_;  // released connections' counters, and the completed calls' time split
  net::Ipv4 dns_ip_;  // kube-dns's ClusterIP, where CoreDNS is reached (port 53)
  // Where pods' queries go: kube-dns's ClusterIP, or NodeLocal DNSCache's link-local address (kube-proxy
  // IPVS mode, where the cache cannot bind the ClusterIP).
  net::Ipv4 nameserver_;
  bool node_local_ = false;  // cluster.nodeLocalDNSCache
  // NodeLocal DNSCache's caches: (node << 32 | name << 1 | type) -> when its entry expires.
  std::unordered_map<std::uint64_t, std::int64_t> node_cache_;
  std::vector<std::vector<Candidate>> names_;
  std::vector<Lookup> lookups_;
  std::vector<std::uint32_t> free_lookups_;
  std::uint32_t lookup_rounds_ = 0;
  std::uint32_t lookup_port_ = 0;
  // CoreDNS's cache: (replica pod, name id, type) -> until when the answer is kept (ps).
  std::unordered_map<std::uint64_t, std::int64_t> dns_cache_;
  dataplane::DnsSummary dns_;
  sim::Histogram lookup_latency_;
  std::int64_t last_activity_ps_ = 0;
};

}  // namespace cnisim::workload
