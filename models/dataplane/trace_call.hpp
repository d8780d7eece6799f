#pragma once
// `cnisim trace --call FROM TO`: one TCP call through the cluster, segment by segment: the handshake,
// the request and response segments, the ACKs (delayed, quick or piggybacked), the FIN exchange,
// each with its time, flags, relative sequence and ACK numbers, length, hops and one-way time.
#include <cstdint>
#include <string_view>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/network.hpp"
#include "models/dataplane/trace.hpp"
#include "models/scenario/cost_profile.hpp"

namespace cnisim::dataplane {

struct CallTraceOptions {
  std::uint32_t request = 200;    // application bytes
  std::uint32_t response = 1000;
  bool no_delay = true;
  std::uint16_t port = 80;        // the server's port when TO is not a Service
};

// FROM a host, TO a Service (its first port) or a host. Throws std::invalid_argument when FROM or TO
// names nothing or FROM cannot send.
TraceOutcome trace_call(const cluster::Cluster& cluster, const scenario::CostProfile& profile, std::string_view from,
                        std::string_view to, const CallTraceOptions& options, PacketObserver* observer = nullptr);

}  // namespace cnisim::dataplane
