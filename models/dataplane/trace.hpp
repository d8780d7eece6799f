#pragma once
// `cnisim trace FROM TO`: one packet and its reply through the cluster, every hop recorded as facts
// (trace_hop.hpp) and written out as an explanation a student can follow: which device, which table and route matched,
// which NAT rule applied, the TTL, and the time in and out.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <optional>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/network.hpp"
#include "models/scenario/cost_profile.hpp"

namespace cnisim::dataplane {

struct TraceOutcome {
  std::vector<std::string> lines;  // the explanation, one line each
  bool reached = false;            // the request arrived at its destination
  bool answered = false;           // the reply came back to the sender
};

// One traced packet from a host and, when it arrives and `answer` is set, the destination's reply to
// the address it came from: the one-packet harness behind `cnisim trace`, emulate's simulated facts
// and the report's typical path.
struct Exchange {
  std::vector<TraceHop> request_hops, reply_hops;  // in the order the devices served them
  bool reached = false;                 // the request was delivered
  bool answered = false;                // the reply was delivered
  HostRef reached_at;                   // where the request was delivered
  net::FiveTuple request_arrived;       // the request's header as delivered (after any NAT)
  int request_ttl = 0;                  // its TTL on arrival
  net::FiveTuple reply_arrived;         // the reply's header as delivered
  std::optional<DropReason> request_drop, reply_drop;
};
// observer: told of the packets at each capture point (a packet capture), when set.
Exchange exchange(const cluster::Cluster& cluster, const scenario::CostProfile& profile, HostRef from,
                  const net::FiveTuple& tuple, std::uint32_t size, bool answer = true, std::uint64_t seed = 1,
                  PacketObserver* observer = nullptr);

// A trace fact in the student's words: the one renderer of facts, for `cnisim trace` and the report.
std::string describe(const cluster::Cluster& cluster, const TraceFact& fact);

// FROM: pod/NAME, node/NAME, vm/NAME or an IP a host owns; TO: as FROM, or svc/NAME (its first port).
// A TCP packet of `size` bytes to a Service, an ICMP echo otherwise. Throws std::invalid_argument
// when FROM or TO names nothing.
TraceOutcome trace(const cluster::Cluster& cluster, const scenario::CostProfile& profile, std::string_view from,
                   std::string_view to, std::uint32_t size = 64, PacketObserver* observer = nullptr);

}  // namespace cnisim::dataplane
