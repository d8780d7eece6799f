#pragma once
// One run of a scenario: build the cluster under its plugin, push its traffic through the data path,
// and return the Results. A pure function of (scenario, options) apart from Results::host (and, when
// RunOptions::stop cut the run short, from when it did).
#include <atomic>
#include <functional>
#include <optional>

#include "models/cluster/scenario_spec.hpp"
#include "models/dataplane/cost_profile.hpp"
#include "models/dataplane/results.hpp"
#include "models/workload/traffic_spec.hpp"

namespace cnisim::workload {

struct RunOptions {
  std::optional<std::uint64_t> seed;          // overrides run.seed
  std::optional<cluster::PluginKind> plugin;  // overrides run.plugin and the file's plugin
  std::optional<dataplane::LookupCostModel>
      lookup_cost_model;      // overrides run.lookupCostModel and the profile
  bool measure_host = false;  // time the real route lookups on this machine (Results::host.lookup_ns)
  // Called every progress_every of simulated time (for a progress bar): (simulated now, events so far).
  std::function<void(sim::Time, std::uint64_t)> progress;
  sim::Time progress_every = sim::ms(1);
  // When set, checked before every progress slice (the run then always goes in slices): once true,
  // the run stops there and its Results are partial (Results::partial, stopped_at_ps).
  const std::atomic<bool>* stop = nullptr;
};

// Throws cluster::ScenarioError (bad traffic/costs/run sections, or the plugin does not fit),
// cluster::BuildError, std::invalid_argument (traffic naming nothing).
dataplane::Results run_scenario(const cluster::ScenarioSpec& spec, const RunOptions& options = {});

// The profile a run of this scenario uses (for printing it).
dataplane::CostProfile effective_profile(const cluster::ScenarioSpec& spec, const RunOptions& options = {});

}  // namespace cnisim::workload
