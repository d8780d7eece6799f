#pragma once
// Address allocators: hand out addresses of a range in order, never twice, and fail loudly when the
// range runs out. Allocation is all-or-nothing: a request that does not fit allocates nothing.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/net/cidr.hpp"

namespace cnisim::net {

// Azure reserves 5 addresses in every subnet: the network address, the first three host addresses
// (gateway and DNS) and the broadcast address (Azure docs, virtual-networks-faq).
inline constexpr std::uint32_t kAzureReservedPerSubnet = 5;

// A range ran out. The message names what was being allocated, the range, how many addresses
// were needed and how many were available.
class ExhaustedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every address of the range, network and broadcast included, lowest first (Service ClusterIPs,
// pod addresses once the caller has taken what it reserves, ...).
class SequentialAllocator {
 public:
  // purpose says what the addresses are for ("node IPs"); it appears in the exhaustion error.
  SequentialAllocator(Cidr range, std::string purpose);

  Ipv4 allocate();
  std::vector<Ipv4> allocate(std::uint64_t n);

  std::uint64_t available() const { return end_ - next_; }
  std::uint64_t allocated() const { return next_ - begin_; }
  const Cidr& range() const { return range_; }
  const std::string& purpose() const { return purpose_; }

 protected:
  // Hands out offsets [begin, end) of range; note is appended to the exhaustion message.
  SequentialAllocator(Cidr range, std::string purpose, std::uint64_t begin, std::uint64_t end, std::string note);

 private:
  Cidr range_;
  std::string purpose_;
  std::uint64_t begin_;
  std::uint64_t next_;
  std::uint64_t end_;
  std::string note_;
};

// An Azure subnet: Azure keeps the network address, the first three host addresses (gateway and
// DNS) and the broadcast address, so a /24 gives 251 addresses starting at .4.
class AzureSubnetAllocator : public SequentialAllocator {
 public:
  // Throws AddressError for subnets too small to hold any usable address (smaller than /29,
  // which is also Azure's smallest subnet).
  AzureSubnetAllocator(Cidr subnet, std::string purpose);

  // Addresses Azure lets you use in a subnet (0 if it is smaller than the reserved count).
  static std::uint64_t usable(const Cidr& subnet);
  // How many of Azure's reserved addresses sit at the start of the subnet (the rest: broadcast).
  static std::uint64_t reserved_at_start();
};

}  // namespace cnisim::net
