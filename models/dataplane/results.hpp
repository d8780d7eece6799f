#pragma once
// What one run of a scenario produces: plain data, filled by the data path and the traffic
// generators, serialized to JSON with a fixed key order. Everything outside `host` is a pure function
// of (scenario, plugin, profile, seed): two runs give byte-identical JSON. `host` holds what depends on
// the machine (wall time, events per second, measured ns per route lookup) and is written only when
// asked (to_json(..., include_host = true)), so golden files and the determinism test leave it out.
//
// Times are integer picoseconds (suffix _ps); means and ratios are doubles.
#include <array>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/cluster/device.hpp"
#include "models/cluster/topology.hpp"
#include "sim/histogram.hpp"

namespace cnisim::dataplane {

// Why a packet was dropped. Order is the JSON order; kCount ends the list.
enum class DropReason : std::uint8_t {
  NoRoute,            // no route matched, or the matched route says None / leads nowhere
  TtlExpired,         // TTL reached 0 at a forwarding hop
  QueueFull,          // a drop-tail queue was full
  NatPortsExhausted,  // masquerade found no free source port
  NoNeighbour,        // the bridge / a stack had no port for the next-hop address (L2 miss)
  NoServiceEndpoint,  // a Service address with no endpoints (kube-proxy rejects)
  ConntrackFull,      // a new connection found the node's conntrack table full (nf_conntrack_max)
  NotForUs,           // delivered to a host that does not own the destination and does not forward
  SnatPortsExhausted, // the load balancer's or NAT gateway's SNAT ports towards the destination are all taken
  NoOutbound,         // outboundType none: the cluster has no way to the internet
  PolicyDenied,       // a NetworkPolicy isolating the source (egress) or destination (ingress) pod allows it not
  NoLocalEndpoint,    // a Service with a Local traffic policy has no endpoint on the node (kube-proxy drops)
  IpipBlocked,        // an IPIP packet in the Azure VNet: the fabric blocks IP protocol 4 (Tigera's Azure guide)
  kCount
};
inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::kCount);
std::string_view to_string(DropReason reason);  // "noRoute", "ttlExpired", ...

using scenario::kDeviceKindCount;
using scenario::kLinkKindCount;
using scenario::kTableKindCount;
using scenario::TableKind;
std::string_view to_string(TableKind table);  // "pod", "node", "azure"

// A latency distribution as reported: percentiles from sim::Histogram (within 1%), exact count,
// min, max and mean; cdf = (value, fraction <= value) at each non-empty histogram bucket's upper
// edge, thinned to at most kMaxCdfPoints for plots.
struct CdfPoint {
  std::int64_t value_ps = 0;
  double fraction = 0;
};
struct LatencySummary {
  static constexpr std::size_t kMaxCdfPoints = 200;
  std::uint64_t count = 0;
  std::int64_t min_ps = 0;
  std::int64_t max_ps = 0;
  double mean_ps = 0;
  std::int64_t p50_ps = 0;
  std::int64_t p90_ps = 0;
  std::int64_t p99_ps = 0;
  std::int64_t p999_ps = 0;
  std::vector<CdfPoint> cdf;
};
LatencySummary summarize(const sim::Histogram& histogram);

// Time packets spent at one kind of device or link, summed over every traversal: queueing (waiting
// in the FIFO), service (the device's work: fixed + per byte + lookups + netfilter) and wire
// (serialization + propagation on links). Mean per traversal = *_ps / traversals.
struct HopTime {
  std::uint64_t traversals = 0;
  std::int64_t queueing_ps = 0;
  std::int64_t service_ps = 0;
  std::int64_t wire_ps = 0;
};

struct NatCounts {
  std::uint64_t snat = 0;     // masquerade applied to an original-direction packet
  std::uint64_t dnat = 0;     // Service DNAT applied to an original-direction packet
  std::uint64_t reverse = 0;  // a reply reverse-translated by conntrack
  std::uint64_t conntrack_created = 0;
  std::uint64_t conntrack_expired = 0;        // entries removed after their timeout
  std::uint64_t conntrack_early_dropped = 0;  // unassured entries dropped to make room at the limit
  std::uint64_t conntrack_entries = 0;        // entries held at the end of the run, all nodes
  std::uint64_t conntrack_peak_per_node = 0;  // the most entries one node's table held at once
};

// Machine-dependent figures: only written with include_host.
struct HostFigures {
  bool filled = false;
  double wall_seconds = 0;
  double events_per_second = 0;
  double packet_hops_per_second = 0;
  // ns per route lookup in each table, timed on this machine (the real lookup on the run's tables).
  std::array<double, kTableKindCount> lookup_ns{};
};

// TCP on the chatty traffic's connections (models/transport): what the endpoints sent, and where
// the completed calls' time went.
struct TcpSummary {
  std::uint64_t connections = 0;         // opened (a SYN sent)
  std::uint64_t connections_failed = 0;  // gave up after timeouts, or aborted by an unreachable path
  std::uint64_t handshake_segments = 0;  // SYN, SYN-ACK and the handshake's own ACK
  std::uint64_t data_segments = 0;       // carrying payload (first sends and retransmissions)
  std::uint64_t pure_acks = 0;
  std::uint64_t fin_segments = 0;        // FINs without payload
  std::uint64_t retransmissions = 0;
  std::uint64_t fast_retransmits = 0;    // recoveries begun by three duplicate ACKs
  std::uint64_t timeouts = 0;            // retransmission timer expiries
  std::uint64_t delayed_acks = 0;        // ACKs the delayed-ACK timer sent
  // Summed over completed calls: in the name lookup and the handshake (calls that opened their connection); written data
  // waiting for an ACK (Nagle, the congestion or receive window); the rest (transfer, server time).
  std::uint64_t calls = 0;
  std::int64_t lookup_ps = 0;  // the name lookup before the call's connection opened (resolve: true)
  std::int64_t handshake_ps = 0;
  std::int64_t waiting_ps = 0;
  std::int64_t transfer_ps = 0;
  std::uint64_t segments() const { return handshake_segments + data_segments + pure_acks + fin_segments; }
  double per_call(double total) const { return calls ? total / static_cast<double>(calls) : 0.0; }
};

// Name lookups (chatty resolve: true): glibc's A and AAAA queries to CoreDNS before connections open.
struct DnsSummary {
  std::uint64_t lookups = 0;         // completed: the name was found
  std::uint64_t lookups_failed = 0;  // no candidate found, or a query still unanswered after the resolver's attempts
  std::uint64_t queries = 0;         // sent, sent-again ones included
  std::uint64_t nxdomain = 0;        // answers "no such name"
  std::uint64_t upstream = 0;        // queries CoreDNS forwarded upstream (not in its cache)
  std::uint64_t cache_hits = 0;      // queries for names outside the cluster domain answered from CoreDNS's cache
  std::uint64_t resent = 0;          // rounds sent again after the resolver's timeout
  std::uint64_t race_drops = 0;      // AAAA queries lost to the conntrack race (opt-in: dns.conntrackRace)
  std::uint64_t node_cache_hits = 0;    // NodeLocal DNSCache: queries its cache answered
  std::uint64_t node_cache_misses = 0;  // ... and those it forwarded (to CoreDNS, or upstream)
  LatencySummary latency;            // per completed lookup
};

// Network policy enforcement (cluster.networkProfile.networkPolicy): new connections checked at a
// node, those denied, and the engine's work over every packet (rules walked, ipset and eBPF lookups).
struct PolicyCounts {
  std::string engine = "none";          // none | calico | azure | cilium
  std::uint64_t connections_checked = 0;  // a new connection's first packet at a node that enforces an end
  std::uint64_t denied = 0;
  std::uint64_t rules_walked = 0;       // iptables rules of the policy engine (kube-proxy's are iptablesRulesWalked)
  std::uint64_t set_lookups = 0;
  std::uint64_t map_lookups = 0;
};

struct Results {
  // What ran.
  std::string scenario;           // the scenario file
  std::string cluster;            // cluster name
  std::string plugin;             // kubenet | azure | overlay | cilium | none
  std::string profile;            // cost profile name
  std::string lookup_cost_model;  // constant | proportional | measured
  std::uint64_t seed = 0;

  // End-to-end latency: one call = request sent until response received; one chain = K calls in a row
  // (a user request); ping = echo request until echo reply.
  LatencySummary call_latency;
  LatencySummary chain_latency;
  LatencySummary ping_latency;
  std::uint64_t calls_started = 0;
  std::uint64_t calls_completed = 0;
  std::uint64_t calls_failed = 0;  // a request or response was dropped
  std::uint64_t calls_cut_off = 0;  // still in flight when the run stopped (run.duration or --duration)
  std::uint64_t chains_completed = 0;
  std::uint64_t bulk_bytes_delivered = 0;  // application bytes (TCP) or datagram bytes (UDP)
  std::uint64_t bulk_retransmissions = 0;  // segments TCP bulk streams sent again
  TcpSummary tcp;
  DnsSummary dns;

  // Packets.
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_delivered = 0;
  std::uint64_t packets_dropped = 0;
  std::uint64_t packet_hops = 0;  // device and link traversals of every packet
  // hops_histogram[h] = delivered packets that took h hops (devices + links).
  std::vector<std::uint64_t> hops_histogram;
  // Route lookups over delivered and dropped packets, by table (totals; per packet = / packets_sent).
  std::array<std::uint64_t, kTableKindCount> lookups{};
  std::uint64_t iptables_rules_walked = 0;
  std::uint64_t bpf_conntrack_lookups = 0;  // cilium dataplane: bpf_lxc's eBPF conntrack lookups
  NatCounts nat;
  PolicyCounts policy;
  std::array<std::uint64_t, kDropReasonCount> drops{};

  // Per hop, by device kind (index = scenario::DeviceKind) and link kind (index = scenario::LinkKind).
  std::array<HopTime, kDeviceKindCount> devices{};
  std::array<HopTime, kLinkKindCount> links{};

  // The engine.
  std::int64_t simulated_ps = 0;
  std::uint64_t events = 0;
  // The run was stopped early (RunOptions::stop, e.g. Ctrl-C) at simulated time stopped_at_ps: every
  // figure covers only the time before it. Not a function of the scenario: when the stop came.
  bool partial = false;
  std::int64_t stopped_at_ps = 0;  // 0 unless partial

  HostFigures host;

  double hops_per_packet() const;  // packet_hops / packets_sent, 0 if none
  double lookups_per_packet(TableKind table) const;
};

// JSON with a fixed key order (see results.cpp for the schema); `host` only when include_host.
boost::json::value to_json(const Results& results, bool include_host = false);
// Pretty-printed JSON text followed by a newline.
std::string to_json_text(const Results& results, bool include_host = false);

}  // namespace cnisim::dataplane
