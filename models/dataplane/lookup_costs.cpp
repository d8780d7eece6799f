#include "models/dataplane/lookup_costs.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "models/net/route_lookup.hpp"
#include "sim/random.hpp"

namespace cnisim::dataplane {

LookupCosts::LookupCosts(const cluster::Cluster& cluster, const scenario::CostProfile& profile, std::uint64_t seed,
                         bool measure_anyway)
    : model_(profile.lookup_model) {
  for (std::size_t t = 0; t < kTableKindCount; ++t) {
    constant_ps_[t] = profile.lookup_constant[t].ps();
    per_work_ps_[t] = profile.lookup_per_work[t].ps();
  }
  if (measure_anyway || model_ == scenario::LookupCostModel::Measured) measure(cluster, seed);
}

void LookupCosts::measure(const cluster::Cluster& cluster, std::uint64_t seed) {
  // Times the real lookup of each table over addresses that hit its routes and random ones; the
  // median of several rounds keeps one preempted round from skewing the figure.
  const net::RouteTable* tables[kTableKindCount] = {nullptr, &cluster.node_route_table(0),
                                                    &cluster.azure_route_table()};
  for (cluster::PodIndex p = 0; p < cluster.pods().size(); ++p) {
    if (!cluster.host_network(p)) {
      tables[0] = &cluster.pod_route_table(p);
      break;
    }
  }
  sim::RandomStream random = sim::RandomStreams(seed).stream("lookup-timing");
  constexpr std::size_t kAddresses = 4096;
  constexpr int kRounds = 7;
  constexpr int kRepeat = 16;
  for (std::size_t t = 0; t < kTableKindCount; ++t) {
    if (!tables[t]) continue;
    const auto& table = *tables[t];
    const auto ids = table.ids();
    std::vector<net::Ipv4> addresses(kAddresses);
    for (auto& a : addresses) {
      if (!ids.empty() && random.bernoulli(0.5)) {
        const auto& prefix = table.route(ids[random.uniform_below(ids.size())]).prefix;
        a = prefix.nth(random.uniform_below(prefix.size()));
      } else {
        a = net::Ipv4(static_cast<std::uint32_t>(random.next_u64()));
      }
    }
    std::vector<double> rounds;
    std::uint64_t sink = 0;
    for (int round = 0; round < kRounds; ++round) {
      const auto start = std::chrono::steady_clock::now();
      for (int r = 0; r < kRepeat; ++r) {
        for (const auto& a : addresses) sink += net::find_route(table, a).route;
      }
      const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
      rounds.push_back(took.count() / (kAddresses * kRepeat));
    }
    std::sort(rounds.begin(), rounds.end());
    host_ns_[t] = rounds[rounds.size() / 2] + static_cast<double>(sink & 1) * 0.0;
    measured_ps_[t] = static_cast<std::int64_t>(host_ns_[t] * 1000.0 + 0.5);
  }
}

}  // namespace cnisim::dataplane
