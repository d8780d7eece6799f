#include "models/net/cidr.hpp"

#include <catch2/catch.hpp>

using cnisim::net::AddressError;
using cnisim::net::Cidr;
using cnisim::net::Ipv4;

TEST_CASE("a CIDR parses, formats and reports its mask, size, first and last address") {
  const Cidr c = Cidr::parse("10.244.0.0/16");
  CHECK(c.network() == Ipv4(10, 244, 0, 0));
  CHECK(c.length() == 16);
  CHECK(c.netmask() == Ipv4(255, 255, 0, 0));
  CHECK(c.size() == 65536u);
  CHECK(c.first() == Ipv4(10, 244, 0, 0));
  CHECK(c.last() == Ipv4(10, 244, 255, 255));
  CHECK(c.to_string() == "10.244.0.0/16");
  CHECK(Cidr().to_string() == "0.0.0.0/0");
  CHECK(Cidr().size() == (std::uint64_t{1} << 32));
  CHECK(Cidr().last() == Ipv4(255, 255, 255, 255));
  CHECK(Cidr::parse("1.2.3.4/32").size() == 1u);
  CHECK(Cidr::parse("1.2.3.4/32").netmask() == Ipv4(255, 255, 255, 255));
}

TEST_CASE("a bad CIDR is rejected with the reason and a hint") {
  REQUIRE_THROWS_WITH(Cidr::parse("10.0.0.0/33"), "\"10.0.0.0/33\": prefix length 33 is out of range 0-32");
  REQUIRE_THROWS_WITH(Cidr::parse("10.244.1.1/24"), "\"10.244.1.1/24\" has host bits set: did you mean 10.244.1.0/24?");
  REQUIRE_THROWS_WITH(Cidr::parse("10.0.0.0"),
                      "\"10.0.0.0\" is not a CIDR: expected address/length like 10.244.0.0/16");
  REQUIRE_THROWS_WITH(Cidr::parse("10.0.0.0/"), "\"10.0.0.0/\": prefix length \"\" is not a number 0-32");
  REQUIRE_THROWS_WITH(Cidr::parse("10.0.0.0/1x"), "\"10.0.0.0/1x\": prefix length \"1x\" is not a number 0-32");
  REQUIRE_THROWS_WITH(Cidr::parse("10.0.0.0/-1"), "\"10.0.0.0/-1\": prefix length -1 is out of range 0-32");
  REQUIRE_THROWS_WITH(Cidr::parse("300.0.0.0/8"),
                      "\"300.0.0.0/8\": \"300.0.0.0\" is not an IPv4 address: octet 300 is larger than 255");
  REQUIRE_THROWS_WITH(Cidr(Ipv4(10, 244, 1, 1), 24), "\"10.244.1.1/24\" has host bits set: did you mean 10.244.1.0/24?");
  REQUIRE_THROWS_WITH(Cidr(Ipv4(10, 0, 0, 0), 40), "\"10.0.0.0/40\": prefix length 40 is out of range 0-32");
  std::string why;
  CHECK_FALSE(Cidr::try_parse("10.0.0.0/33", &why));
  CHECK(why == "\"10.0.0.0/33\": prefix length 33 is out of range 0-32");
  REQUIRE_THROWS_AS(Cidr::parse("x/8"), AddressError);
}

TEST_CASE("contains and overlaps follow the address ranges") {
  const Cidr pods = Cidr::parse("10.244.0.0/16");
  CHECK(pods.contains(Ipv4(10, 244, 255, 255)));
  CHECK_FALSE(pods.contains(Ipv4(10, 245, 0, 0)));
  CHECK(pods.contains(Cidr::parse("10.244.3.0/24")));
  CHECK(pods.contains(pods));
  CHECK_FALSE(Cidr::parse("10.244.3.0/24").contains(pods));
  CHECK(pods.overlaps(Cidr::parse("10.244.3.0/24")));
  CHECK(Cidr::parse("10.244.3.0/24").overlaps(pods));
  CHECK(Cidr::parse("10.0.0.0/8").overlaps(pods));
  CHECK_FALSE(pods.overlaps(Cidr::parse("10.0.0.0/16")));
  CHECK(Cidr().contains(Ipv4(255, 255, 255, 255)));
  CHECK(Cidr().overlaps(pods));
}

TEST_CASE("nth counts from the network address and stops at the broadcast address") {
  const Cidr c = Cidr::parse("10.1.2.0/24");
  CHECK(c.nth(0) == Ipv4(10, 1, 2, 0));
  CHECK(c.nth(4) == Ipv4(10, 1, 2, 4));
  CHECK(c.nth(255) == Ipv4(10, 1, 2, 255));
  REQUIRE_THROWS_WITH(c.nth(256), "address index 256 is out of range for 10.1.2.0/24 (256 addresses, indices 0-255)");
  CHECK(Cidr().nth(0xFFFFFFFFu) == Ipv4(255, 255, 255, 255));
}

TEST_CASE("a /24 split of a /16 gives 256 subnets") {
  const Cidr pods = Cidr::parse("10.244.0.0/16");
  CHECK(pods.subnet_count(24) == 256u);
  CHECK(pods.subnet(24, 0) == Cidr::parse("10.244.0.0/24"));
  CHECK(pods.subnet(24, 5) == Cidr::parse("10.244.5.0/24"));
  const auto all = pods.subnets(24);
  REQUIRE(all.size() == 256u);
  CHECK(all.back() == Cidr::parse("10.244.255.0/24"));
  for (std::size_t i = 1; i < all.size(); ++i) {
    CHECK(all[i - 1] < all[i]);
    CHECK_FALSE(all[i - 1].overlaps(all[i]));
  }
  CHECK(pods.subnets(16) == std::vector<Cidr>{pods});
  CHECK(Cidr().subnet(1, 1) == Cidr::parse("128.0.0.0/1"));
  REQUIRE_THROWS_WITH(pods.subnet(24, 256), "subnet index 256 is out of range: 10.244.0.0/16 has 256 /24 subnets");
  REQUIRE_THROWS_WITH(pods.subnets(8),
                      "cannot split 10.244.0.0/16 into /8 subnets: the new prefix length must be between 16 and 32");
  REQUIRE_THROWS_AS(pods.subnets(33), AddressError);
  REQUIRE_THROWS_AS(Cidr().subnets(32), std::length_error);
}

TEST_CASE("iterating a CIDR visits every address once, in order") {
  std::vector<Ipv4> seen;
  for (Ipv4 a : Cidr::parse("192.168.1.4/30")) seen.push_back(a);
  CHECK(seen == std::vector<Ipv4>{Ipv4(192, 168, 1, 4), Ipv4(192, 168, 1, 5), Ipv4(192, 168, 1, 6), Ipv4(192, 168, 1, 7)});
  std::uint64_t count = 0;
  for (Ipv4 a : Cidr::parse("255.255.0.0/16")) {
    CHECK(a.value >> 16 == 0xFFFFu);
    ++count;
  }
  CHECK(count == 65536u);  // the last block of the address space ends without wrapping
  CHECK(std::distance(Cidr::parse("1.1.1.1/32").begin(), Cidr::parse("1.1.1.1/32").end()) == 1);
}

TEST_CASE("CIDRs order by network address, then by prefix length") {
  CHECK(Cidr::parse("10.0.0.0/8") < Cidr::parse("10.0.0.0/16"));
  CHECK(Cidr::parse("10.0.0.0/16") < Cidr::parse("10.1.0.0/16"));
  CHECK(Cidr::parse("10.0.0.0/8") == Cidr(Ipv4(10, 0, 0, 0), 8));
}
