#pragma once
// What a device's serve step works with: the cluster's tables, the cost profile, the wiring it can
// send on, what lookups cost, the clock, the run's counters, and (for a traced packet only) the trace
// hop to record facts in. A serve step sets the packet's verdict (forward on a link, deliver, drop) and
// returns its service time beyond the kind's fixed and per-byte cost, which the queueing core adds.
#include <cstdint>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/lookup_costs.hpp"
#include "models/dataplane/packet.hpp"
#include "models/dataplane/results.hpp"
#include "models/dataplane/trace_hop.hpp"
#include "models/dataplane/wiring.hpp"
#include "models/net/route_lookup.hpp"
#include "models/scenario/cost_profile.hpp"
#include "models/scenario/vm_sizes.hpp"

namespace cnisim::dataplane {

struct ServeContext {
  const cluster::Cluster& cluster;
  const scenario::CostProfile& profile;
  const Wiring& wiring;
  const LookupCosts& lookups;
  Results& counters;
  std::int64_t now_ps = 0;
  TraceHop* trace = nullptr;

  // Forward on the link to `to`; a table that names a device this one is not wired to drops it.
  void forward(Packet& p, cluster::DeviceId from, cluster::DeviceId to) const {
    p.out_link = wiring.between(from, to);
    if (p.out_link == cluster::kNone) {
      drop(p, DropReason::NoRoute);
      return;
    }
    p.verdict = Verdict::Forward;
    if (trace) [[unlikely]] trace->next_device = to;
  }
  // Forward on a link resolved at start-up (kNone: the two are not wired together: dropped).
  void forward_on(Packet& p, std::uint32_t link, cluster::DeviceId to) const {
    p.out_link = link;
    if (link == cluster::kNone) {
      drop(p, DropReason::NoRoute);
      return;
    }
    p.verdict = Verdict::Forward;
    if (trace) [[unlikely]] trace->next_device = to;
  }
  // The same, for a traced packet naming the link's far end from the wiring.
  void forward_on(Packet& p, std::uint32_t link) const {
    forward_on(p, link, trace != nullptr && link != cluster::kNone ? wiring.link(link).to : cluster::kNone);
  }
  static void drop(Packet& p, DropReason reason) {
    p.verdict = Verdict::Drop;
    p.drop_reason = reason;
  }
  // What an endpoint's application does to open a connection, beyond the segments' own costs: connect()
  // when it sends its first SYN, accept() when a SYN reaches it (charged to the device that is the
  // endpoint's stack: its pod namespace, or its node's stack for a hostNetwork pod or the node).
  std::int64_t connection_setup(const Packet& p, bool sending) const {
    constexpr std::uint8_t kSyn = 0x02, kAck = 0x10;
    if ((p.tcp_flags & (kSyn | kAck)) != kSyn) return 0;
    if (sending) return p.tcp_retransmission ? 0 : profile.sockets.connect.ps();
    return profile.sockets.accept.ps();
  }
  // Records a fact of a traced packet; call only when `trace` is set (building a fact costs).
  void note(TraceFact fact) const { trace->facts.push_back(std::move(fact)); }
  // Looks the packet's destination up in a table (the inline lookup, as the "measured" cost model times
  // it), counts the lookup on the packet, and adds its cost to `cost`.
  net::LookupResult look_up(TableKind kind, const net::RouteTable& table, Packet& p, std::int64_t& cost) const {
    const net::LookupResult r = net::find_route(table, p.tuple.dst);
    ++p.lookups[static_cast<std::size_t>(kind)];
    cost += lookups.ps(kind, r.work);
    return r;
  }
  // No route in the table: the packet is dropped.
  void no_route(TableKind kind, Packet& p) const {
    if (trace) [[unlikely]] note(facts::NoRoute{kind, p.tuple.dst});
    drop(p, DropReason::NoRoute);
  }
};

// A node's VM size: its pool's vmSize (AKS's default size when the scenario gives none).
const scenario::VmSize& node_vm_size(const cluster::Cluster& cluster, cluster::NodeIndex node);

}  // namespace cnisim::dataplane
