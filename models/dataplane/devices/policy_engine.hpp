#pragma once
// The network policy engine's step in a node's packet path (cluster/network_policy.hpp has the
// semantics and each engine's work): a new connection's first packet is checked for the ends the
// engine enforces at this node and dropped as "policyDenied" when refused; later packets pay the
// engine's per-packet work. Called by the node's stack and, for pods bridged port to port under
// kubenet, by its bridge (br_netfilter passes bridged packets through the same hooks).
#include <cstdint>

#include "models/cluster/network_policy.hpp"
#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

// The check of a new connection (tuple after DNAT, before SNAT): its cost; drops the packet if denied.
std::int64_t enforce_new(const ServeContext& cx, const cluster::NetworkPolicies& policies, cluster::NodeIndex node,
                         Packet& p);
// A packet of a known connection (its header as it arrived; reply: the reply direction): its cost.
std::int64_t enforce_established(const ServeContext& cx, const cluster::NetworkPolicies& policies,
                                 cluster::NodeIndex node, const net::FiveTuple& tuple, bool reply);

}  // namespace cnisim::dataplane::devices
