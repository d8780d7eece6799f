// build_scale: how long the builder takes and how much memory it needs for the largest clusters AKS
// allows: 400 nodes x 110 pods under kubenet (the route-table limit) and 5,000 nodes x 250 pods under
// Azure CNI Overlay. The scenario is generated here as YAML and loaded like any file, so the system
// workloads are the real ones; a user Deployment fills every node to maxPods.
// Targets (issue 4): 400 x 110 under 0.5 s; 5,000 x 250 under 10 s and 2 GiB.
#include <sys/resource.h>

#include <boost/program_options.hpp>

#include <chrono>
#include <iostream>
#include <string>

#include "bench/bench_report.hpp"
#include "models/scenario/aks_facts.hpp"
#include "models/cluster/builder.hpp"
#include "models/scenario/scenario_loader.hpp"

namespace {

using namespace cnisim;

struct ScaleCase {
  std::string name;
  std::string plugin;  // networkPlugin
  std::string mode;    // networkPluginMode ("" for none)
  std::uint32_t nodes;
  std::uint32_t maxPods;
  std::string podCidr;  // large enough for one /24 per node
  double targetSeconds;
  double targetGiB;  // 0: no memory target
};

std::string scenario_yaml(const ScaleCase& c) {
  std::string y = "cluster:\n  name: scale\n  kubernetesVersion: \"1.30.0\"\n  networkProfile:\n    networkPlugin: " +
                  c.plugin + "\n";
  if (!c.mode.empty()) y += "    networkPluginMode: " + c.mode + "\n";
  y += "    podCidr: " + c.podCidr + "\nnodePools:\n";
  const std::uint32_t per_pool = scenario::aks::kMaxNodesPerPool;
  for (std::uint32_t first = 0, pool = 1; first < c.nodes; first += per_pool, ++pool) {
    const std::uint32_t count = std::min(per_pool, c.nodes - first);
    y += "  - name: pool" + std::to_string(pool) + "\n    count: " + std::to_string(count) +
         "\n    mode: " + (pool == 1 ? "System" : "User") + "\n    maxPods: " + std::to_string(c.maxPods) + "\n";
  }
  y += "workloads:\n  - kind: Deployment\n    namespace: default\n    name: fill\n    image: nginx\n"
       "    replicas: 1\n    labels:\n      app: fill\n";
  return y;
}

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

void run_case(const ScaleCase& c, bench::BenchReport& report) {
  scenario::ScenarioSpec spec = scenario::load_scenario_string(scenario_yaml(c), "build_scale:" + c.name);
  // Fill every node to maxPods: whatever the system workloads leave goes to the user Deployment.
  std::uint64_t system_pods = 0;
  for (const auto& w : spec.workloads) {
    if (!w.system) continue;
    system_pods += w.kind == scenario::WorkloadKind::DaemonSet ? c.nodes : w.replicas;
  }
  const std::uint64_t capacity = std::uint64_t{c.nodes} * c.maxPods;
  for (auto& w : spec.workloads) {
    if (w.name == "fill") w.replicas = static_cast<std::uint32_t>(capacity - system_pods);
  }
  const long rss_before = max_rss_kib();
  const auto start = std::chrono::steady_clock::now();
  const cluster::Cluster built = cluster::build_cluster(spec);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double peak_mib = static_cast<double>(max_rss_kib() - rss_before) / 1024.0;
  report.row({{"case", c.name},
              {"nodes", built.nodes().size()},
              {"pods", built.pods().size()},
              {"devices", built.devices().size()},
              {"build_s", seconds},
              {"peak_rss_delta_mib", peak_mib},
              {"peak_rss_mib", static_cast<double>(max_rss_kib()) / 1024.0},
              {"target_s", c.targetSeconds},
              {"target_gib", c.targetGiB},
              {"ok", seconds < c.targetSeconds && (c.targetGiB == 0 || peak_mib < c.targetGiB * 1024)}});
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description options("build_scale: builder time and memory at AKS's largest cluster sizes");
  bool json = false, small_only = false;
  options.add_options()("help,h", "show this help")("json", po::bool_switch(&json), "one JSON object per line")(
      "small", po::bool_switch(&small_only), "only the 400 x 110 kubenet case (seconds, not tens of seconds)");
  po::variables_map vm;
  if (const auto rc = cnisim::bench::parse_command_line(argc, argv, options, "build_scale", vm)) return *rc;
  const ScaleCase cases[] = {
      {"kubenet-400x110", "kubenet", "", scenario::aks::kKubenetMaxNodes, scenario::aks::kKubenetDefaultMaxPods,
       "10.244.0.0/14", 0.5, 0},
      {"overlay-5000x250", "azure", "overlay", scenario::aks::kOverlayMaxNodes, scenario::aks::kOverlayDefaultMaxPods,
       "10.128.0.0/11", 10.0, 2.0},
  };
  bench::BenchReport report("build_scale", json);
  for (const auto& c : cases) {
    if (small_only && c.nodes > scenario::aks::kKubenetMaxNodes) continue;
    run_case(c, report);
  }
  report.print_table();
  return 0;
}
