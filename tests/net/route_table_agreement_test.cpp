// Randomized agreement: every fast RouteTable returns exactly the route the linear reference
// returns, over random tables of 1 to 5,000 routes (every prefix length, nested prefixes,
// duplicates, ties between sources and metrics, removals) and well over 10^6 addresses.
#include <catch2/catch.hpp>
#include <cmath>

#include "models/net/linear_route_table.hpp"
#include "models/net/poptrie_route_table.hpp"
#include "models/net/splitmix.hpp"

using namespace cnisim::net;

namespace {

using TestRandom = SplitMix64;

Cidr random_prefix(TestRandom& rng, const std::vector<Cidr>& existing) {
  const int length = static_cast<int>(rng.below(33));
  // Half of the prefixes refine or sit next to an existing one, so that tables nest deeply.
  std::uint32_t base = rng.u32();
  if (!existing.empty() && rng.below(2) == 0) {
    const Cidr& near = existing[rng.below(static_cast<std::uint32_t>(existing.size()))];
    base = near.network().value ^ static_cast<std::uint32_t>(std::uint64_t{rng.u32()} >> near.length() >> rng.below(8));
  }
  return Cidr(Ipv4(base & Cidr::mask_of(length)), length);
}

Route random_route(TestRandom& rng, const Cidr& prefix) {
  return Route{prefix, NextHop{NextHopType::VnetLocal, Ipv4{}, ""}, static_cast<RouteSource>(rng.below(3)),
               rng.below(3), ""};
}

// Addresses that probe the edges of the table's prefixes, mixed with uniform ones.
Ipv4 probe_address(TestRandom& rng, const std::vector<Cidr>& prefixes) {
  const Cidr& p = prefixes[rng.below(static_cast<std::uint32_t>(prefixes.size()))];
  switch (rng.below(8)) {
    case 0: return p.first();
    case 1: return p.last();
    case 2: return p.first() + 0xFFFFFFFFu;  // just below
    case 3: return p.last() + 1;             // just above
    case 4:
    case 5: return Ipv4(p.network().value | (rng.u32() & ~Cidr::mask_of(p.length())));
    default: return Ipv4(rng.u32());
  }
}

// The table sizes: every size class from 1 to 5,000, log-uniform, ending with the largest.
std::uint32_t table_size(TestRandom& rng, int table, int tables) {
  if (table == tables - 1) return 5000;
  if (table == 0) return 1;
  return static_cast<std::uint32_t>(std::exp(std::log(5000.0) * static_cast<double>(rng.below(10001)) / 10000.0));
}

}  // namespace

TEST_CASE("Poptrie tables agree with the linear reference on random tables and over a million addresses",
          "[route_table][agreement]") {
  TestRandom rng(20240611);
  constexpr int kTables = 200;
  // Linear lookups cost the table size; this keeps the whole test to a few seconds under ASan.
  constexpr std::uint64_t kLinearWorkPerTable = 340'000;
  const std::uint32_t edges[] = {0u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u};
  std::uint64_t lookups = 0;
  std::uint64_t found = 0;
  for (int table = 0; table < kTables; ++table) {
    const std::uint32_t n = table_size(rng, table, kTables);
    LinearRouteTable reference;
    // Each table also runs with several direct-index sizes; -1 is the automatic choice.
    const int direct_bits[] = {PoptrieRouteTable::kAutoDirectBits, 0, 5, 12, 16, 18};
    PoptrieRouteTable fast(direct_bits[table % 6]);
    std::vector<Cidr> prefixes;
    if (rng.below(4) == 0) prefixes.push_back(Cidr());  // 0.0.0.0/0 in a quarter of the tables
    if (rng.below(4) == 0) prefixes.push_back(Cidr(Ipv4(rng.u32()), 32));
    while (prefixes.size() < n) {
      // About one route in eight repeats a prefix already present (a duplicate or a source tie).
      if (!prefixes.empty() && rng.below(8) == 0) {
        prefixes.push_back(prefixes[rng.below(static_cast<std::uint32_t>(prefixes.size()))]);
      } else {
        prefixes.push_back(random_prefix(rng, prefixes));
      }
    }
    for (const Cidr& p : prefixes) {
      const Route r = random_route(rng, p);
      REQUIRE(reference.insert(r) == fast.insert(r));
    }
    const std::uint64_t per_table = std::clamp<std::uint64_t>(kLinearWorkPerTable / n, 400, 12'000);
    for (int round = 0; round < 2; ++round) {
      for (std::uint64_t i = 0; i < per_table / 2; ++i) {
        const Ipv4 a = i < 4 ? Ipv4(edges[i]) : probe_address(rng, prefixes);
        const std::uint32_t want = reference.find(a).route;
        const std::uint32_t got = fast.find(a).route;
        if (want != got) {
          FAIL_CHECK("table " << table << " (" << n << " routes, direct_bits " << fast.direct_bits() << "): "
                              << a.to_string() << " -> reference "
                              << (want == kNoRoute ? "none" : reference.route(want).to_string()) << " [" << want
                              << "], poptrie " << (got == kNoRoute ? "none" : fast.route(got).to_string()) << " ["
                              << got << "]");
          return;
        }
        found += want != kNoRoute;
        ++lookups;
      }
      // Second round: after removing about a tenth of the (prefix, source) pairs.
      for (std::uint32_t k = 0; k < n / 10 + 1; ++k) {
        const Cidr& p = prefixes[rng.below(static_cast<std::uint32_t>(prefixes.size()))];
        const auto source = static_cast<RouteSource>(rng.below(3));
        REQUIRE(reference.remove(p, source) == fast.remove(p, source));
      }
      REQUIRE(reference.size() == fast.size());
    }
  }
  CHECK(lookups >= 1'000'000u);
  // The probes must mostly hit routes, or the agreement would say little.
  CHECK(found > lookups / 2);
}
