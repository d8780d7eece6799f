#include "models/net/endpoint_picker.hpp"

namespace cnisim::net {

std::string_view to_string(PickPolicy policy) {
  switch (policy) {
    case PickPolicy::Random: return "random";
    case PickPolicy::RoundRobin: return "round-robin";
  }
  return "?";
}

EndpointPicker::EndpointPicker(std::vector<Endpoint> endpoints, PickPolicy policy, std::uint64_t seed)
    : endpoints_(std::move(endpoints)), policy_(policy), random_(seed) {}

std::optional<Endpoint> EndpointPicker::pick() { return pick(policy_ == PickPolicy::Random ? random_() : 0); }

std::optional<Endpoint> EndpointPicker::pick(std::uint64_t random_draw) {
  const auto index = pick_index(random_draw, next_);
  if (!index) return std::nullopt;
  return endpoints_[*index];
}

std::optional<std::size_t> EndpointPicker::pick_index(std::uint64_t random_draw, std::uint32_t& cursor) const {
  if (endpoints_.empty()) return std::nullopt;
  if (policy_ == PickPolicy::RoundRobin) {
    const std::size_t index = cursor % endpoints_.size();
    cursor = static_cast<std::uint32_t>((index + 1) % endpoints_.size());
    return index;
  }
  // Lemire's multiply-shift maps the top 32 bits of the draw onto [0, size).
  return static_cast<std::size_t>((random_draw >> 32) * endpoints_.size() >> 32);
}

}  // namespace cnisim::net
