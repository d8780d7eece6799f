#include "models/dataplane/results.hpp"

#include <boost/json.hpp>

namespace cnisim::dataplane {

std::string_view to_string(DropReason reason) {
  switch (reason) {
    case DropReason::NoRoute:
      return "noRoute";
    case DropReason::TtlExpired:
      return "ttlExpired";
    case DropReason::QueueFull:
      return "queueFull";
    case DropReason::NatPortsExhausted:
      return "natPortsExhausted";
    case DropReason::NoNeighbour:
      return "noNeighbour";
    case DropReason::NoServiceEndpoint:
      return "noServiceEndpoint";
    case DropReason::ConntrackFull:
      return "conntrackFull";
    case DropReason::NotForUs:
      return "notForUs";
    case DropReason::SnatPortsExhausted:
      return "snatPortsExhausted";
    case DropReason::NoOutbound:
      return "noOutbound";
    case DropReason::PolicyDenied:
      return "policyDenied";
    case DropReason::NoLocalEndpoint:
      return "noLocalEndpoint";
    case DropReason::IpipBlocked:
      return "ipipBlocked";
    case DropReason::kCount:
      break;
  }
  return "?";
}

std::string_view to_string(TableKind table) {
  switch (table) {
    case TableKind::Pod:
      return "pod";
    case TableKind::Node:
      return "node";
    case TableKind::Azure:
      return "azure";
    case TableKind::kCount:
      break;
  }
  return "?";
}

LatencySummary summarize(const sim::Histogram& h) {
  LatencySummary s;
  s.count = h.count();
  if (s.count == 0) return s;
  s.min_ps = h.min();
  s.max_ps = h.max();
  s.mean_ps = h.mean();
  s.p50_ps = h.percentile(50);
  s.p90_ps = h.percentile(90);
  s.p99_ps = h.percentile(99);
  s.p999_ps = h.percentile(99.9);
  std::vector<CdfPoint> all;
  std::uint64_t below = 0;
  for (std::size_t i = 0; i < h.bucket_count(); ++i) {
    const std::uint64_t c = h.count_at(i);
    if (c == 0) continue;
    below += c;
    const auto upper = static_cast<std::int64_t>(sim::Histogram::upper(i));
    all.push_back({std::min(upper, s.max_ps), static_cast<double>(below) / static_cast<double>(s.count)});
  }
  // Thin evenly, always keeping the last point (fraction 1).
  const std::size_t n = all.size();
  const std::size_t step = (n + LatencySummary::kMaxCdfPoints - 1) / LatencySummary::kMaxCdfPoints;
  for (std::size_t i = 0; i < n; i += step) {
    if (i + step >= n) break;
    s.cdf.push_back(all[i]);
  }
  s.cdf.push_back(all.back());
  return s;
}

double Results::hops_per_packet() const {
  return packets_sent ? static_cast<double>(packet_hops) / static_cast<double>(packets_sent) : 0.0;
}

double Results::lookups_per_packet(TableKind table) const {
  const auto total = lookups[static_cast<std::size_t>(table)];
  return packets_sent ? static_cast<double>(total) / static_cast<double>(packets_sent) : 0.0;
}

namespace {

namespace json = boost::json;

json::object latency_json(const LatencySummary& s) {
  json::object o;
  o["count"] = s.count;
  o["min_ps"] = s.min_ps;
  o["max_ps"] = s.max_ps;
  o["mean_ps"] = s.mean_ps;
  o["p50_ps"] = s.p50_ps;
  o["p90_ps"] = s.p90_ps;
  o["p99_ps"] = s.p99_ps;
  o["p999_ps"] = s.p999_ps;
  json::array cdf;
  for (const auto& p : s.cdf) cdf.push_back(json::array{p.value_ps, p.fraction});
  o["cdf"] = std::move(cdf);
  return o;
}

json::object hop_json(const HopTime& t) {
  json::object o;
  o["traversals"] = t.traversals;
  o["queueing_ps"] = t.queueing_ps;
  o["service_ps"] = t.service_ps;
  o["wire_ps"] = t.wire_ps;
  return o;
}

}  // namespace

json::value to_json(const Results& r, bool include_host) {
  json::object o;
  o["scenario"] = r.scenario;
  o["cluster"] = r.cluster;
  o["plugin"] = r.plugin;
  o["profile"] = r.profile;
  o["lookupCostModel"] = r.lookup_cost_model;
  o["seed"] = r.seed;
  o["partial"] = r.partial;
  if (r.partial) o["stoppedAt_ps"] = r.stopped_at_ps;

  json::object latency;
  latency["call"] = latency_json(r.call_latency);
  latency["chain"] = latency_json(r.chain_latency);
  latency["ping"] = latency_json(r.ping_latency);
  o["latency"] = std::move(latency);

  json::object calls;
  calls["started"] = r.calls_started;
  calls["completed"] = r.calls_completed;
  calls["failed"] = r.calls_failed;
  calls["cutOff"] = r.calls_cut_off;
  calls["chainsCompleted"] = r.chains_completed;
  calls["bulkBytesDelivered"] = r.bulk_bytes_delivered;
  calls["bulkRetransmissions"] = r.bulk_retransmissions;
  o["calls"] = std::move(calls);

  const TcpSummary& ts = r.tcp;
  json::object tcp;
  tcp["connections"] = ts.connections;
  tcp["connectionsFailed"] = ts.connections_failed;
  tcp["handshakeSegments"] = ts.handshake_segments;
  tcp["dataSegments"] = ts.data_segments;
  tcp["pureAcks"] = ts.pure_acks;
  tcp["finSegments"] = ts.fin_segments;
  tcp["retransmissions"] = ts.retransmissions;
  tcp["fastRetransmits"] = ts.fast_retransmits;
  tcp["timeouts"] = ts.timeouts;
  tcp["delayedAcks"] = ts.delayed_acks;
  json::object per_call;
  per_call["calls"] = ts.calls;
  per_call["segments"] = ts.per_call(static_cast<double>(ts.segments()));
  per_call["handshakeSegments"] = ts.per_call(static_cast<double>(ts.handshake_segments));
  per_call["dataSegments"] = ts.per_call(static_cast<double>(ts.data_segments));
  per_call["pureAcks"] = ts.per_call(static_cast<double>(ts.pure_acks));
  per_call["nameLookup_ps"] = ts.per_call(static_cast<double>(ts.lookup_ps));
  per_call["handshake_ps"] = ts.per_call(static_cast<double>(ts.handshake_ps));
  per_call["waitingForAck_ps"] = ts.per_call(static_cast<double>(ts.waiting_ps));
  per_call["transfer_ps"] = ts.per_call(static_cast<double>(ts.transfer_ps));
  tcp["perCall"] = std::move(per_call);
  o["tcp"] = std::move(tcp);

  const DnsSummary& ds = r.dns;
  json::object dns;
  dns["lookups"] = ds.lookups;
  dns["lookupsFailed"] = ds.lookups_failed;
  dns["queries"] = ds.queries;
  dns["nxdomain"] = ds.nxdomain;
  dns["upstream"] = ds.upstream;
  dns["cacheHits"] = ds.cache_hits;
  dns["resent"] = ds.resent;
  dns["conntrackRaceDrops"] = ds.race_drops;
  dns["nodeCacheHits"] = ds.node_cache_hits;
  dns["nodeCacheMisses"] = ds.node_cache_misses;
  dns["queriesPerLookup"] = ds.lookups ? static_cast<double>(ds.queries) / static_cast<double>(ds.lookups) : 0.0;
  dns["latency"] = latency_json(ds.latency);
  o["dns"] = std::move(dns);

  json::object packets;
  packets["sent"] = r.packets_sent;
  packets["delivered"] = r.packets_delivered;
  packets["dropped"] = r.packets_dropped;
  packets["hops"] = r.packet_hops;
  packets["hopsPerPacket"] = r.hops_per_packet();
  json::array hist;
  for (auto c : r.hops_histogram) hist.push_back(c);
  packets["hopsHistogram"] = std::move(hist);
  o["packets"] = std::move(packets);

  json::object lookups;
  json::object per_packet;
  for (std::size_t t = 0; t < kTableKindCount; ++t) {
    lookups[to_string(static_cast<TableKind>(t))] = r.lookups[t];
    per_packet[to_string(static_cast<TableKind>(t))] = r.lookups_per_packet(static_cast<TableKind>(t));
  }
  lookups["perPacket"] = std::move(per_packet);
  lookups["iptablesRulesWalked"] = r.iptables_rules_walked;
  lookups["bpfConntrackLookups"] = r.bpf_conntrack_lookups;
  o["lookups"] = std::move(lookups);

  json::object nat;
  nat["snat"] = r.nat.snat;
  nat["dnat"] = r.nat.dnat;
  nat["reverse"] = r.nat.reverse;
  nat["conntrackCreated"] = r.nat.conntrack_created;
  nat["conntrackExpired"] = r.nat.conntrack_expired;
  nat["conntrackEarlyDropped"] = r.nat.conntrack_early_dropped;
  nat["conntrackEntries"] = r.nat.conntrack_entries;
  nat["conntrackPeakPerNode"] = r.nat.conntrack_peak_per_node;
  o["nat"] = std::move(nat);

  json::object policy;
  policy["engine"] = r.policy.engine;
  policy["connectionsChecked"] = r.policy.connections_checked;
  policy["denied"] = r.policy.denied;
  policy["rulesWalked"] = r.policy.rules_walked;
  policy["ipsetLookups"] = r.policy.set_lookups;
  policy["mapLookups"] = r.policy.map_lookups;
  o["networkPolicy"] = std::move(policy);

  json::object drops;
  for (std::size_t d = 0; d < kDropReasonCount; ++d)
    drops[to_string(static_cast<DropReason>(d))] = r.drops[d];
  o["drops"] = std::move(drops);

  json::object devices;
  for (std::size_t k = 0; k < kDeviceKindCount; ++k) {
    devices[cluster::to_string(static_cast<scenario::DeviceKind>(k))] = hop_json(r.devices[k]);
  }
  json::object links;
  for (std::size_t k = 0; k < kLinkKindCount; ++k) {
    links[cluster::to_string(static_cast<scenario::LinkKind>(k))] = hop_json(r.links[k]);
  }
  json::object hops;
  hops["devices"] = std::move(devices);
  hops["links"] = std::move(links);
  o["perHop"] = std::move(hops);

  json::object engine;
  engine["simulated_ps"] = r.simulated_ps;
  engine["events"] = r.events;
  o["engine"] = std::move(engine);

  if (include_host) {
    json::object host;
    host["wallSeconds"] = r.host.wall_seconds;
    host["eventsPerSecond"] = r.host.events_per_second;
    host["packetHopsPerSecond"] = r.host.packet_hops_per_second;
    json::object lookup_ns;
    for (std::size_t t = 0; t < kTableKindCount; ++t) {
      lookup_ns[to_string(static_cast<TableKind>(t))] = r.host.lookup_ns[t];
    }
    host["lookupNs"] = std::move(lookup_ns);
    o["host"] = std::move(host);
  }
  return o;
}

std::string to_json_text(const Results& results, bool include_host) {
  return json::serialize(to_json(results, include_host)) + "\n";
}

}  // namespace cnisim::dataplane
