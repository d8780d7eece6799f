#pragma once
// `cnisim trace FROM TO`: one packet and its reply through the cluster, every hop recorded and
// written out as an explanation a student can follow: which device, which table and route matched,
// which NAT rule applied, the TTL, and the time in and out.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/cluster/cluster.hpp"
#include "models/scenario/cost_profile.hpp"

namespace cnisim::dataplane {

struct TraceOutcome {
  std::vector<std::string> lines;  // the explanation, one line each
  bool reached = false;            // the request arrived at its destination
  bool answered = false;           // the reply came back to the sender
};

// FROM: pod/NAME, node/NAME, vm/NAME or an IP a host owns; TO: as FROM, or svc/NAME (its first port).
// A TCP packet of `size` bytes to a Service, an ICMP echo otherwise. Throws std::invalid_argument
// when FROM or TO names nothing.
TraceOutcome trace(const cluster::Cluster& cluster, const scenario::CostProfile& profile, std::string_view from,
                   std::string_view to, std::uint32_t size = 64);

}  // namespace cnisim::dataplane
