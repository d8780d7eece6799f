#include "models/net/ipv4.hpp"

#include <catch2/catch.hpp>
#include <unordered_set>

using cnisim::net::AddressError;
using cnisim::net::Ipv4;

TEST_CASE("an address parses into host byte order and formats back") {
  const Ipv4 a = Ipv4::parse("10.244.1.7");
  CHECK(a.value == 0x0AF40107u);
  CHECK(a == Ipv4(10, 244, 1, 7));
  CHECK(a.to_string() == "10.244.1.7");
  CHECK(Ipv4::parse("0.0.0.0").value == 0u);
  CHECK(Ipv4::parse("255.255.255.255").value == 0xFFFFFFFFu);
  CHECK(Ipv4(0xC0A80001u).to_string() == "192.168.0.1");
}

TEST_CASE("addresses order numerically and add with wrap-around") {
  CHECK(Ipv4(10, 0, 0, 9) < Ipv4(10, 0, 0, 10));
  CHECK(Ipv4(9, 255, 255, 255) < Ipv4(10, 0, 0, 0));
  CHECK(Ipv4(10, 0, 0, 255) + 1 == Ipv4(10, 0, 1, 0));
  CHECK(Ipv4(255, 255, 255, 255) + 1 == Ipv4(0, 0, 0, 0));
  std::unordered_set<Ipv4> set{Ipv4(1, 2, 3, 4), Ipv4(1, 2, 3, 4), Ipv4(4, 3, 2, 1)};
  CHECK(set.size() == 2);
}

TEST_CASE("a bad address is rejected with a message that says what is wrong") {
  REQUIRE_THROWS_WITH(Ipv4::parse("300.1.1.1"), "\"300.1.1.1\" is not an IPv4 address: octet 300 is larger than 255");
  REQUIRE_THROWS_WITH(Ipv4::parse("1.2.3"),
                      "\"1.2.3\" is not an IPv4 address: expected 4 octets separated by dots, found 3");
  REQUIRE_THROWS_WITH(Ipv4::parse("1.2.3.4.5"),
                      "\"1.2.3.4.5\" is not an IPv4 address: expected 4 octets separated by dots, found more than 4");
  REQUIRE_THROWS_WITH(Ipv4::parse("1.2.x.4"), "\"1.2.x.4\" is not an IPv4 address: octet 3 \"x\" is not a decimal number");
  REQUIRE_THROWS_WITH(Ipv4::parse("1..3.4"),
                      "\"1..3.4\" is not an IPv4 address: octet 2 is empty; expected four decimal octets like 10.0.0.1");
  REQUIRE_THROWS_WITH(Ipv4::parse("010.1.1.1"), Catch::Contains("octet 1 \"010\" has a leading zero"));
  REQUIRE_THROWS_WITH(Ipv4::parse(""), Catch::Contains("it is empty"));
  REQUIRE_THROWS_WITH(Ipv4::parse("1.2.3.99999"), Catch::Contains("octet 99999 is larger than 255"));
  REQUIRE_THROWS_WITH(Ipv4::parse(" 1.2.3.4"), Catch::Contains("is not a decimal number"));
  REQUIRE_THROWS_AS(Ipv4::parse("1.2.3.-4"), AddressError);
}

TEST_CASE("try_parse reports the reason instead of throwing") {
  std::string why;
  CHECK_FALSE(Ipv4::try_parse("1.2.3.256", &why));
  CHECK(why == "\"1.2.3.256\" is not an IPv4 address: octet 256 is larger than 255");
  CHECK(Ipv4::try_parse("1.2.3.4") == Ipv4(1, 2, 3, 4));
  CHECK_FALSE(Ipv4::try_parse("nope"));
}
