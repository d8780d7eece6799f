#include "tests/report/sample_results.hpp"

#include "sim/histogram.hpp"

namespace cnisim::testing {

report::Variant sample_variant(const std::string& plugin, double base_us, int hops) {
  sim::Histogram calls, chains;
  for (int i = 0; i < 200; ++i) {
    const auto ps = static_cast<std::int64_t>((base_us + i % 50) * 1e6);
    calls.record(ps);
    if (i % 4 == 0) chains.record(4 * ps);
  }
  report::Variant v;
  v.label = plugin;
  v.plugin = plugin;
  v.kube_proxy = "iptables";
  auto& r = v.results;
  r.scenario = "scenarios/sample.yaml";
  r.cluster = "sample";
  r.plugin = plugin;
  r.profile = "aks-accelerated";
  r.lookup_cost_model = "constant";
  r.seed = 7;
  r.call_latency = dataplane::summarize(calls);
  r.chain_latency = dataplane::summarize(chains);
  r.calls_started = r.calls_completed = 200;
  r.chains_completed = 50;
  r.packets_sent = r.packets_delivered = 400;
  r.packet_hops = 400ull * static_cast<std::uint64_t>(hops);
  r.hops_histogram.assign(static_cast<std::size_t>(hops) + 1, 0);
  r.hops_histogram.back() = 400;
  r.lookups = {800, 400ull * static_cast<std::uint64_t>(hops / 4), plugin == "kubenet" ? 400u : 0u};
  r.nat.conntrack_created = 200;
  r.devices[static_cast<std::size_t>(scenario::DeviceKind::NodeStack)] = {800, 1000000, 400000000, 0};
  if (plugin == "kubenet") r.devices[static_cast<std::size_t>(scenario::DeviceKind::Bridge)] = {800, 0, 120000000, 0};
  r.links[static_cast<std::size_t>(scenario::LinkKind::NicToVnet)] = {800, 500000, 0, 300000000};
  r.simulated_ps = 1'000'000'000;
  r.events = 12345;
  v.typical_path = {"pod-netns default/client-0: route 0.0.0.0/0 via 10.244.0.1 <eth0>", "node aks-nodepool1-0: forward"};
  return v;
}

report::Comparison sample_comparison() {
  report::Comparison c;
  c.command = "compare";
  c.scenario = "scenarios/sample.yaml";
  c.seed = 7;
  c.variants.push_back(sample_variant("kubenet", 60, 14));
  c.variants.push_back(sample_variant("azure", 40, 10));
  return c;
}

}  // namespace cnisim::testing
