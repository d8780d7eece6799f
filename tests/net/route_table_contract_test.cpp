// The contract every RouteTable implementation keeps, run over all of them.
#include <catch2/catch.hpp>

#include "models/net/route_lookup.hpp"
#include "models/net/route_table.hpp"
#include "tests/net/route_table_types.hpp"

using namespace cnisim::net;

namespace {

Route system_route(const char* prefix, NextHopType type = NextHopType::VnetLocal) {
  return Route{Cidr::parse(prefix), NextHop{type, Ipv4{}, ""}, RouteSource::System, 0, prefix};
}

Route route_from(const char* prefix, RouteSource source, std::uint32_t metric = 0) {
  return Route{Cidr::parse(prefix), NextHop{NextHopType::VirtualAppliance, Ipv4(10, 224, 0, 4), ""}, source, metric,
               prefix};
}

std::uint32_t lookup(const RouteTable& t, const char* address) { return t.lookup(Ipv4::parse(address)).route; }

}  // namespace

TEMPLATE_TEST_CASE("an empty route table finds no route for any address", "[route_table]", CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  CHECK(t->size() == 0u);
  for (const char* a : {"0.0.0.0", "10.1.2.3", "255.255.255.255"}) {
    const LookupResult r = t->lookup(Ipv4::parse(a));
    CHECK(r.route == kNoRoute);
    CHECK_FALSE(r.found());
  }
}

TEMPLATE_TEST_CASE("the default route matches every address, including 0.0.0.0 and 255.255.255.255", "[route_table]",
                   CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  const auto def = t->insert(system_route("0.0.0.0/0", NextHopType::Internet));
  for (const char* a : {"0.0.0.0", "10.1.2.3", "128.0.0.0", "127.255.255.255", "255.255.255.255"}) {
    CHECK(lookup(*t, a) == def);
  }
}

TEMPLATE_TEST_CASE("the longest matching prefix wins", "[route_table]", CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  const auto host = t->insert(system_route("10.244.1.7/32"));
  const auto def = t->insert(system_route("0.0.0.0/0", NextHopType::Internet));
  const auto vnet = t->insert(system_route("10.224.0.0/12"));
  const auto node = t->insert(route_from("10.244.1.0/24", RouteSource::User));
  const auto pods = t->insert(system_route("10.244.0.0/16"));
  CHECK(lookup(*t, "10.244.1.7") == host);
  CHECK(lookup(*t, "10.244.1.6") == node);
  CHECK(lookup(*t, "10.244.1.8") == node);
  CHECK(lookup(*t, "10.244.1.255") == node);
  CHECK(lookup(*t, "10.244.2.0") == pods);
  CHECK(lookup(*t, "10.244.0.255") == pods);
  CHECK(lookup(*t, "10.224.0.4") == vnet);
  CHECK(lookup(*t, "10.239.255.255") == vnet);
  CHECK(lookup(*t, "10.240.0.0") == def);
  CHECK(lookup(*t, "8.8.8.8") == def);
  CHECK(t->route(node).next_hop.ip == Ipv4(10, 224, 0, 4));
  CHECK(t->size() == 5u);
}

TEMPLATE_TEST_CASE("a /32 route matches only its own address", "[route_table]", CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  const auto top = t->insert(system_route("255.255.255.255/32"));
  const auto bottom = t->insert(system_route("0.0.0.0/32"));
  CHECK(lookup(*t, "255.255.255.255") == top);
  CHECK(lookup(*t, "255.255.255.254") == kNoRoute);
  CHECK(lookup(*t, "0.0.0.0") == bottom);
  CHECK(lookup(*t, "0.0.0.1") == kNoRoute);
}

TEMPLATE_TEST_CASE("at equal prefix length a user route beats BGP, and BGP beats a system route", "[route_table]",
                   CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  const auto sys = t->insert(route_from("10.1.0.0/16", RouteSource::System));
  const auto bgp = t->insert(route_from("10.1.0.0/16", RouteSource::Bgp));
  CHECK(lookup(*t, "10.1.2.3") == bgp);
  const auto user = t->insert(route_from("10.1.0.0/16", RouteSource::User));
  CHECK(lookup(*t, "10.1.2.3") == user);
  // A longer system route still beats a shorter user route.
  const auto longer = t->insert(route_from("10.1.2.0/24", RouteSource::System));
  CHECK(lookup(*t, "10.1.2.3") == longer);
  CHECK(lookup(*t, "10.1.3.3") == user);
  CHECK(t->remove(Cidr::parse("10.1.0.0/16"), RouteSource::User));
  CHECK(lookup(*t, "10.1.3.3") == bgp);
  CHECK(t->remove(Cidr::parse("10.1.0.0/16"), RouteSource::Bgp));
  CHECK(lookup(*t, "10.1.3.3") == sys);
}

TEMPLATE_TEST_CASE("among equal prefix and source the lower metric wins, then the first inserted", "[route_table]",
                   CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  const auto first = t->insert(route_from("192.168.0.0/24", RouteSource::System, 100));
  const auto second = t->insert(route_from("192.168.0.0/24", RouteSource::System, 100));
  CHECK(lookup(*t, "192.168.0.1") == first);
  const auto better = t->insert(route_from("192.168.0.0/24", RouteSource::System, 50));
  CHECK(lookup(*t, "192.168.0.1") == better);
  CHECK(second != first);
}

TEMPLATE_TEST_CASE("remove takes out every route with that prefix and source and nothing else", "[route_table]",
                   CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  const auto def = t->insert(system_route("0.0.0.0/0", NextHopType::Internet));
  const auto a = t->insert(route_from("10.0.0.0/8", RouteSource::User, 1));
  t->insert(route_from("10.0.0.0/8", RouteSource::User, 2));
  CHECK(lookup(*t, "10.9.9.9") == a);
  CHECK_FALSE(t->remove(Cidr::parse("10.0.0.0/8"), RouteSource::Bgp));
  CHECK_FALSE(t->remove(Cidr::parse("10.0.0.0/9"), RouteSource::User));
  CHECK(t->size() == 3u);
  CHECK(t->remove(Cidr::parse("10.0.0.0/8"), RouteSource::User));
  CHECK(t->size() == 1u);
  CHECK(lookup(*t, "10.9.9.9") == def);
  CHECK(t->ids() == std::vector<std::uint32_t>{def});
  REQUIRE_THROWS_WITH(t->route(a), "route id " + std::to_string(a) + " is not in route table " +
                                       std::string(t->name()) + " (it was removed)");
  REQUIRE_THROWS_WITH(t->route(99), Catch::Contains("(never issued)"));
  // Ids are never reused: a new route gets a fresh one.
  CHECK(t->insert(route_from("10.0.0.0/8", RouteSource::User)) == 3u);
}

TEMPLATE_TEST_CASE("lookups between inserts always see the current routes", "[route_table]", CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  const Ipv4 a = Ipv4::parse("172.16.5.5");
  CHECK(t->lookup(a).route == kNoRoute);
  std::uint32_t expected = kNoRoute;
  for (int len = 0; len <= 32; ++len) {
    expected = t->insert(route_from(Cidr(Ipv4(a.value & Cidr::mask_of(len)), len).to_string().c_str(),
                                    RouteSource::System));
    CHECK(t->lookup(a).route == expected);
  }
  for (int len = 32; len > 0; --len) {
    REQUIRE(t->remove(Cidr(Ipv4(a.value & Cidr::mask_of(len)), len), RouteSource::System));
    CHECK(t->route(t->lookup(a).route).prefix.length() == len - 1);
  }
}

TEMPLATE_TEST_CASE("lookups are counted with the work they did", "[route_table]", CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  t->insert(system_route("0.0.0.0/0"));
  t->insert(system_route("10.244.1.0/24"));
  std::uint64_t work = 0;
  for (const char* a : {"1.1.1.1", "10.244.1.1", "10.244.2.1"}) work += t->lookup(Ipv4::parse(a)).work;
  CHECK(t->lookups() == 3u);
  CHECK(t->total_work() == work);
  CHECK(work >= 3u);
  t->reset_counters();
  CHECK(t->lookups() == 0u);
  CHECK(t->total_work() == 0u);
}

TEMPLATE_TEST_CASE("a kubenet route table with one user route per node sends each pod CIDR to its node",
                   "[route_table]", CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  const auto def = t->insert(system_route("0.0.0.0/0", NextHopType::Internet));
  const auto vnet = t->insert(system_route("10.224.0.0/12"));
  const Cidr pod_cidr = Cidr::parse("10.244.0.0/14");  // 1024 /24s: room for 400 nodes
  std::vector<std::uint32_t> udr;
  for (std::uint32_t node = 0; node < 400; ++node) {
    Route r = route_from("0.0.0.0/0", RouteSource::User);
    r.prefix = pod_cidr.subnet(24, node);
    r.next_hop.ip = Ipv4(10, 224, 0, 4) + node;
    r.name = "aks-node-" + std::to_string(node);
    udr.push_back(t->insert(r));
  }
  for (std::uint32_t node = 0; node < 400; node += 7) {
    const auto r = t->lookup(pod_cidr.subnet(24, node).nth(17)).route;
    REQUIRE(r == udr[node]);
    CHECK(t->route(r).next_hop.ip == Ipv4(10, 224, 0, 4) + node);
  }
  CHECK(t->lookup(Ipv4::parse("10.245.200.1")).route == def);  // past the last node's pod CIDR
  CHECK(t->lookup(Ipv4::parse("10.230.0.1")).route == vnet);
  CHECK(t->lookup(Ipv4::parse("20.0.0.1")).route == def);
}

TEST_CASE("every route table kind is made by name and unknown names are refused") {
  for (RouteTableKind kind : all_route_table_kinds()) {
    auto t = make_route_table(kind);
    CHECK(t->name() == to_string(kind));
    CHECK(parse_route_table_kind(to_string(kind)) == kind);
  }
  REQUIRE_THROWS_WITH(parse_route_table_kind("dir-24-8"),
                      "unknown route table kind \"dir-24-8\": expected one of linear, poptrie");
}

TEST_CASE("routes print in Azure's and the kernel's terms") {
  CHECK(route_from("10.244.1.0/24", RouteSource::User).to_string() ==
        "10.244.1.0/24 via VirtualAppliance 10.224.0.4 (User)");
  CHECK(Route{Cidr::parse("0.0.0.0/0"), {NextHopType::Device, Ipv4(10, 224, 0, 1), "eth0"}, RouteSource::System, 100, ""}
            .to_string() == "0.0.0.0/0 via 10.224.0.1 dev eth0 metric 100 (Default)");
  CHECK(to_string(RouteSource::Bgp) == "VirtualNetworkGateway");
  CHECK(to_string(NextHopType::VnetLocal) == "VnetLocal");
}

TEST_CASE("Poptrie sizes its direct index to the table and aligns it to the most common prefix length") {
  PoptrieRouteTable kubenet;
  for (std::uint32_t node = 0; node < 400; ++node) {
    Route r = route_from("0.0.0.0/0", RouteSource::User);
    r.prefix = Cidr::parse("10.128.0.0/9").subnet(24, node);
    kubenet.insert(r);
  }
  CHECK(kubenet.direct_bits() == 18);  // a /24 ends after one 6-bit node
  PoptrieRouteTable host_routes;       // a node's kernel table: a few /32s to pod veths
  for (std::uint32_t pod = 0; pod < 20; ++pod) {
    Route r = route_from("0.0.0.0/0", RouteSource::System);
    r.prefix = Cidr(Ipv4(10, 224, 0, 40) + pod, 32);
    host_routes.insert(r);
  }
  CHECK(host_routes.direct_bits() == 8);  // 8 + 4 * 6 = 32
  CHECK(host_routes.memory_bytes() < 4096u);
}

TEMPLATE_TEST_CASE("the data path's find_route answers as lookup does and counts nothing", "[route_table]",
                   CNISIM_ROUTE_TABLE_TYPES) {
  auto t = TestType::make();
  t->insert(system_route("0.0.0.0/0", NextHopType::Internet));
  t->insert(system_route("10.224.0.0/16"));
  t->insert(route_from("10.244.1.0/24", RouteSource::User));
  t->insert(route_from("10.244.0.0/16", RouteSource::User));
  CHECK(t->kind() == parse_route_table_kind(t->name()));
  std::vector<LookupResult> found;
  for (const char* a : {"1.1.1.1", "10.224.0.4", "10.244.1.9", "10.244.7.7", "255.255.255.255"}) {
    found.push_back(find_route(*t, Ipv4::parse(a)));
  }
  CHECK(t->lookups() == 0u);
  std::size_t i = 0;
  for (const char* a : {"1.1.1.1", "10.224.0.4", "10.244.1.9", "10.244.7.7", "255.255.255.255"}) {
    CHECK(t->lookup(Ipv4::parse(a)) == found[i++]);
  }
}
