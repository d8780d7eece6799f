// Route-table lookup cost: ns per lookup for each RouteTable implementation at 8 to 1,000,000 routes,
// with uniform and skewed destinations, independent lookups (throughput) and dependent lookups
// (each result feeds the next address: the latency a simulator sees).
//
//   lpm            full run, human table          lpm --short   a few seconds
//   lpm --json     one JSON object per row        lpm --routes 400 --direct-bits 12
#include <boost/program_options.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_report.hpp"
#include "models/net/linear_route_table.hpp"
#include "models/net/poptrie_route_table.hpp"
#include "models/net/splitmix.hpp"

namespace po = boost::program_options;
using namespace cnisim::net;

namespace {

// Approximate share of each prefix length in the public IPv4 BGP table (bgp.potaroo.net / CIDR
// Report, 2024: ~60% /24, then /22, /23, /21, /20; few shorter than /16 or longer than /24).
struct LengthShare {
  int length;
  double percent;
};
constexpr LengthShare kBgpLengthMix[] = {
    {8, 0.002}, {9, 0.002}, {10, 0.005}, {11, 0.015}, {12, 0.04}, {13, 0.08},  {14, 0.15},
    {15, 0.25}, {16, 1.3},  {17, 0.7},   {18, 1.2},   {19, 2.4},  {20, 4.4},   {21, 4.6},
    {22, 11.0}, {23, 10.0}, {24, 63.7},  {25, 0.05},  {26, 0.05}, {27, 0.03},  {28, 0.02},
    {29, 0.02}, {30, 0.01}, {32, 0.01}};

// Routes shaped like an AKS kubenet/Azure route table: a default route, the VNet, then one /24
// user route per node (VirtualAppliance to the node) and a few /32 host routes.
std::vector<Route> cluster_routes(std::size_t n) {
  std::vector<Route> routes;
  routes.push_back(Route{Cidr(), NextHop::internet(), RouteSource::System, 0, ""});
  routes.push_back(Route{Cidr::parse("10.224.0.0/12"), NextHop::vnet_local(), RouteSource::System, 0, ""});
  const Cidr pods = Cidr::parse("10.128.0.0/9");  // room for 32,768 /24 node pod CIDRs
  for (std::uint32_t i = 0; routes.size() < n; ++i) {
    const NextHop via = NextHop::virtual_appliance(Ipv4(10, 224, 0, 4) + i);
    if (i % 16 == 15) {  // now and then a /32 (Azure CNI style host route)
      routes.push_back(Route{Cidr(Ipv4(10, 224, 0, 4) + i, 32), via, RouteSource::User, 0, ""});
    } else {
      routes.push_back(Route{pods.subnet(24, i), via, RouteSource::User, 0, ""});
    }
  }
  routes.resize(n);
  return routes;
}

std::vector<Route> bgp_routes(std::size_t n, SplitMix64& rng) {
  std::vector<double> cdf;
  double total = 0;
  for (const auto& s : kBgpLengthMix) cdf.push_back(total += s.percent);
  std::vector<std::uint32_t> blocks(n / 64 + 1);
  for (auto& b : blocks) b = (0x01000000u + rng.below(0xDF000000u)) & 0xFFFF0000u;
  std::vector<Route> routes;
  routes.push_back(Route{Cidr(), NextHop::internet(), RouteSource::System, 0, ""});
  while (routes.size() < n) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53 * total;
    const auto k = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    const int length = kBgpLengthMix[std::min(k, std::size(kBgpLengthMix) - 1)].length;
    // Real tables cluster: an operator announces many prefixes out of its allocations. Four in
    // five prefixes fall in one of n/64 allocated /16 blocks, the rest anywhere in unicast space
    // (1.0.0.0 - 223.255.255.255).
    std::uint32_t address = 0x01000000u + rng.below(0xDF000000u);
    if (length >= 16 && rng.below(5) != 0) address = blocks[rng.below(static_cast<std::uint32_t>(blocks.size()))] | (address & 0xFFFFu);
    routes.push_back(Route{Cidr(Ipv4(address & Cidr::mask_of(length)), length),
                           NextHop::virtual_appliance(Ipv4(rng.u32())), RouteSource::Bgp, 0, ""});
  }
  return routes;
}

// Destinations. Uniform: any 32-bit address. Skewed: a Zipf(1) popularity over the routes (a few
// prefixes get most of the traffic, as in real flows), a random host inside the chosen prefix.
std::vector<Ipv4> destinations(const std::vector<Route>& routes, bool skewed, std::size_t count, SplitMix64& rng) {
  std::vector<Ipv4> out(count);
  if (!skewed) {
    for (auto& a : out) a = Ipv4(rng.u32());
    return out;
  }
  const std::size_t ranks = std::min<std::size_t>(routes.size(), 1 << 20);
  std::vector<double> cdf(ranks);
  double total = 0;
  for (std::size_t r = 0; r < ranks; ++r) cdf[r] = total += 1.0 / static_cast<double>(r + 1);
  std::vector<std::uint32_t> popular(ranks);  // rank -> route index, a random permutation
  for (std::size_t r = 0; r < ranks; ++r) popular[r] = static_cast<std::uint32_t>(r);
  for (std::size_t r = ranks; r > 1; --r) std::swap(popular[r - 1], popular[rng.below(static_cast<std::uint32_t>(r))]);
  for (auto& a : out) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53 * total;
    const auto rank = std::min<std::size_t>(static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()), ranks - 1);
    const Cidr& p = routes[popular[rank]].prefix;
    a = Ipv4(p.network().value | (rng.u32() & ~Cidr::mask_of(p.length())));
  }
  return out;
}

struct Timing {
  double ns_per_lookup;
  double work_per_lookup;
};

// A zero the compiler cannot see through: makes each address depend on the previous result.
volatile std::uint32_t g_zero = 0;
volatile std::uint64_t g_sink = 0;

template <class Table>
Timing run_lookups(const Table& table, const std::vector<Ipv4>& dests, std::uint64_t count, bool dependent) {
  const std::size_t mask = dests.size() - 1;  // dests.size() is a power of two
  std::uint64_t sum = 0;
  std::uint64_t work = 0;
  const auto start = std::chrono::steady_clock::now();
  if (dependent) {
    const std::uint32_t zero = g_zero;
    std::uint32_t previous = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      const LookupResult r = table.find(Ipv4(dests[i & mask].value ^ (previous & zero)));
      previous = r.route;
      sum += r.route;
      work += r.work;
    }
  } else {
    for (std::uint64_t i = 0; i < count; ++i) {
      const LookupResult r = table.find(dests[i & mask]);
      sum += r.route;
      work += r.work;
    }
  }
  const auto end = std::chrono::steady_clock::now();
  g_sink = g_sink + sum;
  const double ns = std::chrono::duration<double, std::nano>(end - start).count();
  return {ns / static_cast<double>(count), static_cast<double>(work) / static_cast<double>(count)};
}

// Best of three runs, each sized to take about budget_ns (calibrated on a first small run).
template <class Table>
Timing measure(const Table& table, const std::vector<Ipv4>& dests, bool dependent, double budget_ns) {
  const Timing probe = run_lookups(table, dests, 2000, dependent);
  const auto count = static_cast<std::uint64_t>(std::clamp(budget_ns / probe.ns_per_lookup, 2000.0, 1e9));
  Timing best = run_lookups(table, dests, count, dependent);
  for (int rep = 0; rep < 2; ++rep) {
    const Timing t = run_lookups(table, dests, count, dependent);
    if (t.ns_per_lookup < best.ns_per_lookup) best = t;
  }
  return best;
}

// The targets for the fast structure on this machine.
std::optional<double> target_ns(std::size_t routes, bool skewed, bool dependent) {
  if (routes == 400) return dependent ? 15.0 : 5.0;
  if (routes == 1'000'000 && !skewed && !dependent) return 40.0;
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("lpm: route-table lookup benchmark");
  int direct_bits = PoptrieRouteTable::kAutoDirectBits;
  std::uint64_t seed = 1;
  std::vector<std::size_t> sizes;
  std::size_t only_routes = 0;
  options.add_options()("help,h", "show this help")("json", "one JSON object per line instead of a table")(
      "short", "fewer lookups per row, no linear scan beyond 5,000 routes (a few seconds)")(
      "routes", po::value(&only_routes), "only this table size (default: 8, 64, 400, 5000, 100000, 1000000)")(
      "direct-bits", po::value(&direct_bits), "fix Poptrie's direct index bits (default: automatic)")(
      "seed", po::value(&seed), "seed for tables and destinations");
  po::variables_map vm;
  if (const auto rc = cnisim::bench::parse_command_line(argc, argv, options, "lpm", vm)) return *rc;
  const bool short_run = vm.count("short") > 0;
  if (only_routes > 0) sizes = {only_routes};
  if (sizes.empty()) sizes = {8, 64, 400, 5000, 100'000, 1'000'000};
  const double budget_ns = short_run ? 1e7 : 2e8;
  const std::size_t linear_limit = short_run ? 5000 : 100'000;
  const std::size_t destination_count = short_run ? 1 << 18 : 1 << 20;  // a power of two

  cnisim::bench::BenchReport report("lpm", vm.count("json") > 0);
  for (std::size_t n : sizes) {
    for (const char* mix : {"cluster", "bgp"}) {
      const bool cluster = std::string(mix) == "cluster";
      if (cluster && n > 5000) continue;  // no cluster has more nodes than AKS's 5,000
      SplitMix64 rng(seed * 1'000'003 + n * 2 + (cluster ? 1 : 0));
      const std::vector<Route> routes = cluster ? cluster_routes(n) : bgp_routes(n, rng);
      LinearRouteTable linear;
      PoptrieRouteTable poptrie(direct_bits);
      for (const Route& r : routes) {
        if (n <= linear_limit) linear.insert(r);
        poptrie.insert(r);
      }
      const auto build_start = std::chrono::steady_clock::now();
      poptrie.build();
      const double build_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - build_start).count();
      for (bool skewed : {false, true}) {
        const std::vector<Ipv4> dests = destinations(routes, skewed, destination_count, rng);
        for (bool dependent : {false, true}) {
          auto row = [&](const char* impl, Timing t, double memory_kib, std::optional<double> target) {
            boost::json::object fields{{"impl", impl},
                                       {"mix", mix},
                                       {"routes", n},
                                       {"dests", skewed ? "skewed" : "uniform"},
                                       {"lookups", dependent ? "dependent" : "independent"},
                                       {"ns_per_lookup", t.ns_per_lookup},
                                       {"work_per_lookup", t.work_per_lookup},
                                       {"memory_kib", memory_kib}};
            fields["build_ms"] = std::string(impl) == "poptrie" ? boost::json::value(build_ms) : boost::json::value("");
            fields["target_ns"] = target ? boost::json::value(*target) : boost::json::value("");
            fields["meets_target"] = !target ? "" : t.ns_per_lookup <= *target ? "yes" : "NO";
            report.row(std::move(fields));
          };
          row("poptrie", measure(poptrie, dests, dependent, budget_ns),
              static_cast<double>(poptrie.memory_bytes()) / 1024.0, target_ns(n, skewed, dependent));
          if (n <= linear_limit) {
            row("linear", measure(linear, dests, dependent, budget_ns),
                static_cast<double>(n * 12) / 1024.0, std::nullopt);
          }
        }
      }
    }
  }
  report.print_table();
  return 0;
}
