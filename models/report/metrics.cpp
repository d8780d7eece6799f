#include "models/report/metrics.hpp"

#include <cstddef>

namespace cnisim::report {

namespace {

using dataplane::Results;

double per_packet(const Results& r, double total) {
  return r.packets_sent ? total / static_cast<double>(r.packets_sent) : 0.0;
}

void add_latency(std::vector<Metric>& out, const std::string& name, const std::string& group,
                 const dataplane::LatencySummary Results::*field) {
  const std::string prefix = "latency." + name + ".";
  out.push_back({prefix + "count", group, "samples", "count",
                 [field](const Results& r) { return static_cast<double>((r.*field).count); }, true});
  out.push_back({prefix + "p50", group, "p50", "us", [field](const Results& r) { return to_us(static_cast<double>((r.*field).p50_ps)); }, true});
  out.push_back({prefix + "p90", group, "p90", "us", [field](const Results& r) { return to_us(static_cast<double>((r.*field).p90_ps)); }, true});
  out.push_back({prefix + "p99", group, "p99", "us", [field](const Results& r) { return to_us(static_cast<double>((r.*field).p99_ps)); }, true});
  out.push_back({prefix + "p999", group, "p99.9", "us", [field](const Results& r) { return to_us(static_cast<double>((r.*field).p999_ps)); }, true});
  out.push_back({prefix + "mean", group, "mean", "us", [field](const Results& r) { return to_us((r.*field).mean_ps); }, true});
}

std::vector<Metric> build(bool host) {
  std::vector<Metric> m;
  add_latency(m, "call", "Latency per call", &Results::call_latency);
  add_latency(m, "chain", "Latency per chain (one user request)", &Results::chain_latency);
  add_latency(m, "ping", "Ping round trip", &Results::ping_latency);

  const std::string calls = "Calls";
  m.push_back({"calls.completed", calls, "completed", "count", [](const Results& r) { return static_cast<double>(r.calls_completed); }, true});
  m.push_back({"calls.failed", calls, "failed", "count", [](const Results& r) { return static_cast<double>(r.calls_failed); }, true});
  m.push_back({"calls.cutOff", calls, "cut off by the run's end", "count", [](const Results& r) { return static_cast<double>(r.calls_cut_off); }, true});
  m.push_back({"calls.chainsCompleted", calls, "chains completed", "count", [](const Results& r) { return static_cast<double>(r.chains_completed); }, true});
  m.push_back({"calls.bulkBytesDelivered", calls, "bulk bytes delivered", "count", [](const Results& r) { return static_cast<double>(r.bulk_bytes_delivered); }, true});

  const std::string tcp = "TCP per call";
  m.push_back({"tcp.perCall.segments", tcp, "segments", "per call", [](const Results& r) { return r.tcp.per_call(static_cast<double>(r.tcp.segments())); }, true});
  m.push_back({"tcp.perCall.handshakeSegments", tcp, "handshake segments", "per call", [](const Results& r) { return r.tcp.per_call(static_cast<double>(r.tcp.handshake_segments)); }, true});
  m.push_back({"tcp.perCall.dataSegments", tcp, "data segments", "per call", [](const Results& r) { return r.tcp.per_call(static_cast<double>(r.tcp.data_segments)); }, true});
  m.push_back({"tcp.perCall.pureAcks", tcp, "pure ACKs", "per call", [](const Results& r) { return r.tcp.per_call(static_cast<double>(r.tcp.pure_acks)); }, true});
  m.push_back({"tcp.perCall.nameLookup", tcp, "in the name lookup", "us", [](const Results& r) { return to_us(r.tcp.per_call(static_cast<double>(r.tcp.lookup_ps))); }, true});
  m.push_back({"tcp.perCall.handshake", tcp, "in the handshake", "us", [](const Results& r) { return to_us(r.tcp.per_call(static_cast<double>(r.tcp.handshake_ps))); }, true});
  m.push_back({"tcp.perCall.waitingForAck", tcp, "data waiting for an ACK", "us", [](const Results& r) { return to_us(r.tcp.per_call(static_cast<double>(r.tcp.waiting_ps))); }, true});
  m.push_back({"tcp.perCall.transfer", tcp, "transfer and server time", "us", [](const Results& r) { return to_us(r.tcp.per_call(static_cast<double>(r.tcp.transfer_ps))); }, true});
  m.push_back({"tcp.retransmissions", tcp, "retransmissions (all calls)", "count", [](const Results& r) { return static_cast<double>(r.tcp.retransmissions); }, true});
  m.push_back({"tcp.timeouts", tcp, "retransmission timeouts (all calls)", "count", [](const Results& r) { return static_cast<double>(r.tcp.timeouts); }, true});

  const std::string dns = "Name lookups (resolve: true)";
  m.push_back({"dns.lookups", dns, "lookups", "count", [](const Results& r) { return static_cast<double>(r.dns.lookups); }, true});
  m.push_back({"dns.lookupsFailed", dns, "lookups failed", "count", [](const Results& r) { return static_cast<double>(r.dns.lookups_failed); }, true});
  m.push_back({"dns.queriesPerLookup", dns, "queries (A and AAAA)", "per lookup", [](const Results& r) {
                 return r.dns.lookups ? static_cast<double>(r.dns.queries) / static_cast<double>(r.dns.lookups) : 0.0;
               }, true});
  m.push_back({"dns.nxdomain", dns, "NXDOMAIN answers", "count", [](const Results& r) { return static_cast<double>(r.dns.nxdomain); }, true});
  m.push_back({"dns.upstream", dns, "forwarded upstream", "count", [](const Results& r) { return static_cast<double>(r.dns.upstream); }, true});
  m.push_back({"dns.cacheHits", dns, "upstream names from CoreDNS's cache", "count", [](const Results& r) { return static_cast<double>(r.dns.cache_hits); }, true});
  m.push_back({"dns.resent", dns, "rounds sent again after the timeout", "count", [](const Results& r) { return static_cast<double>(r.dns.resent); }, true});
  m.push_back({"dns.nodeCacheHits", dns, "answered by NodeLocal DNSCache", "count", [](const Results& r) { return static_cast<double>(r.dns.node_cache_hits); }, true});
  m.push_back({"dns.nodeCacheMisses", dns, "forwarded by NodeLocal DNSCache", "count", [](const Results& r) { return static_cast<double>(r.dns.node_cache_misses); }, true});
  m.push_back({"dns.conntrackRaceDrops", dns, "queries lost to the conntrack race", "count", [](const Results& r) { return static_cast<double>(r.dns.race_drops); }, true});
  m.push_back({"dns.latency.p50", dns, "lookup p50", "us", [](const Results& r) { return to_us(static_cast<double>(r.dns.latency.p50_ps)); }, true});
  m.push_back({"dns.latency.p99", dns, "lookup p99", "us", [](const Results& r) { return to_us(static_cast<double>(r.dns.latency.p99_ps)); }, true});

  const std::string path = "Path per packet";
  m.push_back({"packets.sent", path, "packets sent", "count", [](const Results& r) { return static_cast<double>(r.packets_sent); }, false});
  m.push_back({"packets.hopsPerPacket", path, "hops (devices + links)", "per packet", [](const Results& r) { return r.hops_per_packet(); }, false});
  for (std::size_t t = 0; t < dataplane::kTableKindCount; ++t) {
    const auto table = static_cast<dataplane::TableKind>(t);
    const std::string name(dataplane::to_string(table));
    m.push_back({"lookups.perPacket." + name, path, name + " table lookups", "per packet",
                 [table](const Results& r) { return r.lookups_per_packet(table); }, false});
  }
  m.push_back({"lookups.iptablesRulesPerPacket", path, "iptables rules walked", "per packet",
               [](const Results& r) { return per_packet(r, static_cast<double>(r.iptables_rules_walked)); }, false});
  m.push_back({"lookups.bpfConntrackPerPacket", path, "eBPF conntrack lookups (Cilium)", "per packet",
               [](const Results& r) { return per_packet(r, static_cast<double>(r.bpf_conntrack_lookups)); }, false});
  m.push_back({"nat.snatPerPacket", path, "SNAT (masquerade)", "per packet", [](const Results& r) { return per_packet(r, static_cast<double>(r.nat.snat)); }, false});
  m.push_back({"nat.dnatPerPacket", path, "DNAT (Service)", "per packet", [](const Results& r) { return per_packet(r, static_cast<double>(r.nat.dnat)); }, false});
  m.push_back({"nat.reversePerPacket", path, "reverse NAT (replies)", "per packet", [](const Results& r) { return per_packet(r, static_cast<double>(r.nat.reverse)); }, false});

  const std::string policy = "Network policy";
  m.push_back({"networkPolicy.connectionsChecked", policy, "new connections checked (per node)", "count",
               [](const Results& r) { return static_cast<double>(r.policy.connections_checked); }, true});
  m.push_back({"networkPolicy.denied", policy, "denied", "count", [](const Results& r) { return static_cast<double>(r.policy.denied); }, true});
  m.push_back({"networkPolicy.rulesPerPacket", policy, "its iptables rules walked", "per packet",
               [](const Results& r) { return per_packet(r, static_cast<double>(r.policy.rules_walked)); }, true});
  m.push_back({"networkPolicy.ipsetLookupsPerPacket", policy, "ipset lookups", "per packet",
               [](const Results& r) { return per_packet(r, static_cast<double>(r.policy.set_lookups)); }, true});
  m.push_back({"networkPolicy.mapLookupsPerPacket", policy, "eBPF map lookups", "per packet",
               [](const Results& r) { return per_packet(r, static_cast<double>(r.policy.map_lookups)); }, true});

  const std::string drops = "Drops";
  m.push_back({"drops.total", drops, "total", "count", [](const Results& r) { return static_cast<double>(r.packets_dropped); }, false});
  for (std::size_t d = 0; d < dataplane::kDropReasonCount; ++d) {
    const std::string name(dataplane::to_string(static_cast<dataplane::DropReason>(d)));
    m.push_back({"drops." + name, drops, name, "count", [d](const Results& r) { return static_cast<double>(r.drops[d]); }, true});
  }

  // The per-hop breakdown: mean time per packet sent at each kind of device and link.
  const std::string hops = "Per-hop time per packet";
  for (std::size_t k = 0; k < dataplane::kDeviceKindCount; ++k) {
    const std::string name(cluster::to_string(static_cast<scenario::DeviceKind>(k)));
    m.push_back({"perHop.devices." + name + ".queueing", hops, name + " queueing", "us",
                 [k](const Results& r) { return to_us(per_packet(r, static_cast<double>(r.devices[k].queueing_ps))); }, true});
    m.push_back({"perHop.devices." + name + ".service", hops, name + " service", "us",
                 [k](const Results& r) { return to_us(per_packet(r, static_cast<double>(r.devices[k].service_ps))); }, true});
  }
  for (std::size_t k = 0; k < dataplane::kLinkKindCount; ++k) {
    const std::string name(cluster::to_string(static_cast<scenario::LinkKind>(k)));
    m.push_back({"perHop.links." + name + ".queueing", hops, name + " link queueing", "us",
                 [k](const Results& r) { return to_us(per_packet(r, static_cast<double>(r.links[k].queueing_ps))); }, true});
    m.push_back({"perHop.links." + name + ".wire", hops, name + " link wire", "us",
                 [k](const Results& r) { return to_us(per_packet(r, static_cast<double>(r.links[k].wire_ps))); }, true});
  }

  const std::string engine = "Engine";
  m.push_back({"engine.simulatedUs", engine, "simulated time", "us", [](const Results& r) { return to_us(static_cast<double>(r.simulated_ps)); }, false});
  m.push_back({"engine.events", engine, "events", "count", [](const Results& r) { return static_cast<double>(r.events); }, false});

  if (host) {
    const std::string h = "Host (this machine, not reproducible)";
    for (std::size_t t = 0; t < dataplane::kTableKindCount; ++t) {
      const auto table = static_cast<dataplane::TableKind>(t);
      const std::string name(dataplane::to_string(table));
      m.push_back({"host.lookupNs." + name, h, name + " lookup", "ns", [t](const Results& r) { return r.host.lookup_ns[t]; }, false});
    }
    m.push_back({"host.lookupNsPerPacket", h, "route lookups", "ns per packet", [](const Results& r) {
                   double sum = 0;
                   for (std::size_t t = 0; t < dataplane::kTableKindCount; ++t) {
                     sum += r.lookups_per_packet(static_cast<dataplane::TableKind>(t)) * r.host.lookup_ns[t];
                   }
                   return sum;
                 }, false});
    m.push_back({"host.wallSeconds", h, "wall time", "s", [](const Results& r) { return r.host.wall_seconds; }, false});
    m.push_back({"host.eventsPerSecond", h, "events", "per s", [](const Results& r) { return r.host.events_per_second; }, false});
    m.push_back({"host.packetHopsPerSecond", h, "packet-hops", "per s", [](const Results& r) { return r.host.packet_hops_per_second; }, false});
  }
  return m;
}

}  // namespace

const std::vector<Metric>& metrics(bool host_figures) {
  static const std::vector<Metric> without_host = build(false);
  static const std::vector<Metric> with_host = build(true);
  return host_figures ? with_host : without_host;
}

double difference(double value, double baseline) { return value - baseline; }

std::optional<double> ratio(double value, double baseline) {
  if (baseline == 0) return std::nullopt;
  return value / baseline;
}

double to_us(double ps) { return ps / 1e6; }

}  // namespace cnisim::report
