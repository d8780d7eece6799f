#include <catch2/catch.hpp>

#include "models/cluster/builder.hpp"
#include "tests/cluster/builder_fixture.hpp"

using namespace cnisim;
using namespace cnisim::cluster;

TEST_CASE("kubenet gives nodes subnet addresses from .4 and each node a /24 of the pod CIDR in node order") {
  const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::Kubenet));
  REQUIRE(c.nodes().size() == 3);
  for (std::uint32_t i = 0; i < 3; ++i) {
    const auto& n = c.nodes()[i];
    CHECK(n.ip == net::Ipv4(10, 224, 0, static_cast<std::uint8_t>(4 + i)));
    REQUIRE(n.podCidr);
    CHECK(*n.podCidr == net::Cidr(net::Ipv4(10, 244, static_cast<std::uint8_t>(i), 0), 24));
    CHECK(n.podGateway == net::Ipv4(10, 244, static_cast<std::uint8_t>(i), 1));
  }
}
