#pragma once
// Chooses the endpoint a new connection to a Service is DNATed to: uniformly at random from a seeded
// stream (kube-proxy iptables mode: one `statistic --mode random` rule per endpoint, equivalent to a
// uniform choice) or round-robin (kube-proxy IPVS mode's default scheduler, rr).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "models/net/five_tuple.hpp"
#include "models/net/splitmix.hpp"

namespace cnisim::net {

enum class PickPolicy { Random, RoundRobin };
std::string_view to_string(PickPolicy policy);  // "random", "round-robin"

class EndpointPicker {
 public:
  EndpointPicker(std::vector<Endpoint> endpoints, PickPolicy policy, std::uint64_t seed = 0);

  // The next endpoint; nullopt when there is none (the data path rejects the packet, as kube-proxy does).
  std::optional<Endpoint> pick();
  // As pick(), with the random draw supplied by the caller (e.g. a sim:: stream). Round-robin
  // ignores the draw.
  std::optional<Endpoint> pick(std::uint64_t random_draw);
  // The choice itself, for callers that keep the round-robin position themselves (one per node, as
  // each node's kube-proxy has its own): the index into endpoints() for the draw (random) or at
  // `cursor`, which it advances (round-robin); nullopt when there are no endpoints.
  std::optional<std::size_t> pick_index(std::uint64_t random_draw, std::uint32_t& cursor) const;

  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  PickPolicy policy() const { return policy_; }

 private:
  std::vector<Endpoint> endpoints_;
  PickPolicy policy_;
  SplitMix64 random_;
  std::uint32_t next_ = 0;
};

}  // namespace cnisim::net
