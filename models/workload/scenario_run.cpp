#include "models/workload/scenario_run.hpp"

#include <algorithm>
#include <chrono>

#include "models/cluster/builder.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "models/workload/work_estimate.hpp"
#include "models/dataplane/network.hpp"
#include "models/workload/traffic.hpp"

namespace cnisim::workload {

scenario::CostProfile effective_profile(const scenario::ScenarioSpec& spec, const RunOptions& options) {
  scenario::CostProfile profile = spec.costs.profile;
  if (spec.run.lookup_cost_model) profile.lookup_model = *spec.run.lookup_cost_model;
  if (options.lookup_cost_model) profile.lookup_model = *options.lookup_cost_model;
  return profile;
}

dataplane::Results run_scenario(const scenario::ScenarioSpec& original, const RunOptions& options) {
  scenario::ScenarioSpec spec = original;
  scenario::RunSpec& run = spec.run;
  const auto plugin = options.plugin ? options.plugin : run.plugin;
  if (plugin && *plugin != spec.plugin()) scenario::apply_plugin(spec, *plugin);
  const scenario::CostProfile profile = effective_profile(spec, options);
  const std::uint64_t seed = options.seed.value_or(run.seed);
  run.seed = seed;  // the cluster's random choices (ClusterIPs) follow the run's seed too

  const cluster::Cluster cluster = cluster::build_cluster(spec, cluster::BuildOptions{run.route_table, {}});
  check_work_budget(estimate_work(cluster, spec), spec, options.max_events);
  sim::Simulator sim;
  dataplane::Network network(cluster, profile, sim, dataplane::NetworkOptions{seed, options.measure_host});
  Traffic generators(network, spec, seed);
  network.set_handler(&generators);
  std::optional<capture::PacketCapture> capture;
  if (options.capture) network.set_observer(&capture.emplace(cluster, *options.capture));
  generators.start();

  const auto wall_start = std::chrono::steady_clock::now();
  const sim::Time limit = run.duration.value_or(sim::Time::max());
  bool stopped = false;
  if (options.progress || options.stop) {
    while (sim.pending() > 0 && sim.now() < limit) {
      if (options.stop && options.stop->load(std::memory_order_relaxed)) {
        stopped = true;
        break;
      }
      const sim::Time step = std::min(limit - sim.now(), options.progress_every);
      sim.run_until(sim.now() + step);
      if (options.progress) options.progress(sim.now(), sim.events_executed());
    }
  } else if (run.duration) {
    sim.run_until(limit);
  } else {
    sim.run();
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;

  dataplane::Results r;
  r.scenario = spec.sourceFile;
  r.cluster = spec.cluster.name;
  r.plugin = std::string(scenario::to_string(spec.plugin()));
  r.profile = profile.name;
  r.lookup_cost_model = std::string(scenario::to_string(profile.lookup_model));
  r.seed = seed;
  generators.add_to(r);
  network.add_to(r);
  if (options.kept_connections) *options.kept_connections = generators.kept_connections();
  r.simulated_ps = generators.last_activity().ps();
  r.events = sim.events_executed();
  r.partial = stopped;
  r.stopped_at_ps = stopped ? sim.now().ps() : 0;
  r.host.filled = true;
  r.host.wall_seconds = wall.count();
  r.host.events_per_second = wall.count() > 0 ? static_cast<double>(r.events) / wall.count() : 0;
  r.host.packet_hops_per_second = wall.count() > 0 ? static_cast<double>(r.packet_hops) / wall.count() : 0;
  r.host.lookup_ns = network.host_lookup_ns();
  if (capture) {
    auto summary = capture->write();
    if (options.capture_summary) *options.capture_summary = std::move(summary);
  }
  return r;
}

}  // namespace cnisim::workload
