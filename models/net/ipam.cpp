#include "models/net/ipam.hpp"

namespace cnisim::net {

namespace {
// Azure's reserved addresses: one at the end (broadcast), the rest at the start.
constexpr std::uint64_t kReservedAtEnd = 1;
constexpr std::uint64_t kReservedTotal = kAzureReservedPerSubnet;
}  // namespace

SequentialAllocator::SequentialAllocator(Cidr range, std::string purpose)
    : SequentialAllocator(range, std::move(purpose), 0, range.size(), "") {}

SequentialAllocator::SequentialAllocator(Cidr range, std::string purpose, std::uint64_t begin, std::uint64_t end,
                                         std::string note)
    : range_(range), purpose_(std::move(purpose)), begin_(begin), next_(begin), end_(end), note_(std::move(note)) {}

Ipv4 SequentialAllocator::allocate() { return allocate(1).front(); }

std::vector<Ipv4> SequentialAllocator::allocate(std::uint64_t n) {
  if (n > available()) {
    throw ExhaustedError("cannot allocate " + purpose_ + " from " + range_.to_string() + ": needed " +
                         std::to_string(n) + ", available " + std::to_string(available()) + " (" +
                         std::to_string(allocated()) + " already allocated" + note_ +
                         "); use a larger range or allocate fewer");
  }
  std::vector<Ipv4> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(range_.nth(next_++));
  return out;
}

std::uint64_t AzureSubnetAllocator::reserved_at_start() { return kReservedTotal - kReservedAtEnd; }

std::uint64_t AzureSubnetAllocator::usable(const Cidr& subnet) {
  return subnet.size() > kReservedTotal ? subnet.size() - kReservedTotal : 0;
}

namespace {
Cidr checked_azure_subnet(const Cidr& subnet) {
  if (AzureSubnetAllocator::usable(subnet) == 0) {
    throw AddressError("Azure subnet " + subnet.to_string() + " has no usable address: Azure reserves " +
                       std::to_string(kReservedTotal) + " addresses per subnet; use a /29 or larger");
  }
  return subnet;
}
}  // namespace

AzureSubnetAllocator::AzureSubnetAllocator(Cidr subnet, std::string purpose)
    : SequentialAllocator(checked_azure_subnet(subnet), std::move(purpose), reserved_at_start(),
                          subnet.size() - kReservedAtEnd,
                          ", Azure reserves " + std::to_string(kReservedTotal) + " of the " +
                              std::to_string(subnet.size()) + " addresses") {}

}  // namespace cnisim::net
