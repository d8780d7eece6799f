#include "models/net/ipam.hpp"

#include <catch2/catch.hpp>

#include "models/scenario/aks_facts.hpp"

using cnisim::net::AddressError;
using cnisim::net::AzureSubnetAllocator;
using cnisim::net::Cidr;
using cnisim::net::ExhaustedError;
using cnisim::net::Ipv4;
using cnisim::net::SequentialAllocator;

TEST_CASE("a sequential allocator hands out every address of its range in order, never twice") {
  SequentialAllocator alloc(Cidr::parse("10.0.0.0/30"), "service IPs");
  CHECK(alloc.range() == Cidr::parse("10.0.0.0/30"));
  CHECK(alloc.available() == 4u);
  CHECK(alloc.allocate() == Ipv4(10, 0, 0, 0));
  CHECK(alloc.allocate(2) == std::vector<Ipv4>{Ipv4(10, 0, 0, 1), Ipv4(10, 0, 0, 2)});
  CHECK(alloc.allocated() == 3u);
  CHECK(alloc.available() == 1u);
  CHECK(alloc.allocate() == Ipv4(10, 0, 0, 3));
  CHECK(alloc.available() == 0u);
}

TEST_CASE("an exhausted allocator says what it was allocating, how many were needed and how many were left") {
  SequentialAllocator alloc(Cidr::parse("10.0.0.0/30"), "service IPs");
  alloc.allocate(3);
  REQUIRE_THROWS_WITH(alloc.allocate(2),
                      "cannot allocate service IPs from 10.0.0.0/30: needed 2, available 1 (3 already allocated); "
                      "use a larger range or allocate fewer");
  CHECK(alloc.available() == 1u);  // a failed request allocates nothing
  REQUIRE_THROWS_AS(SequentialAllocator(Cidr::parse("10.0.0.0/32"), "x").allocate(2), ExhaustedError);
}

TEST_CASE("an Azure subnet allocator skips the network address, the first three hosts and the broadcast") {
  AzureSubnetAllocator alloc(Cidr::parse("10.224.0.0/29"), "node IPs");
  CHECK(AzureSubnetAllocator::usable(Cidr::parse("10.224.0.0/29")) == 3u);
  CHECK(AzureSubnetAllocator::usable(Cidr::parse("10.224.0.0/24")) ==
        256u - cnisim::net::kAzureReservedPerSubnet);
  CHECK(alloc.available() == 3u);
  CHECK(alloc.allocate(3) == std::vector<Ipv4>{Ipv4(10, 224, 0, 4), Ipv4(10, 224, 0, 5), Ipv4(10, 224, 0, 6)});
  REQUIRE_THROWS_WITH(alloc.allocate(),
                      "cannot allocate node IPs from 10.224.0.0/29: needed 1, available 0 (3 already allocated, "
                      "Azure reserves 5 of the 8 addresses); use a larger range or allocate fewer");
}

TEST_CASE("an Azure subnet with no usable address is refused") {
  CHECK(AzureSubnetAllocator::usable(Cidr::parse("10.0.0.0/30")) == 0u);
  REQUIRE_THROWS_WITH(AzureSubnetAllocator(Cidr::parse("10.0.0.0/30"), "node IPs"),
                      "Azure subnet 10.0.0.0/30 has no usable address: Azure reserves 5 addresses per subnet; use a "
                      "/29 or larger");
  REQUIRE_THROWS_AS(AzureSubnetAllocator(Cidr::parse("10.0.0.0/32"), "node IPs"), AddressError);
}

TEST_CASE("a /16 Azure subnet gives 65531 node addresses from .0.4 to .255.254") {
  AzureSubnetAllocator alloc(Cidr::parse("10.224.0.0/16"), "node IPs");
  const auto all = alloc.allocate(alloc.available());
  REQUIRE(all.size() == 65531u);
  CHECK(all.front() == Ipv4(10, 224, 0, 4));
  CHECK(all.back() == Ipv4(10, 224, 255, 254));
}
