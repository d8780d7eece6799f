#pragma once
// One run of a scenario: build the cluster under its plugin, push its traffic through the data path,
// and return the Results. A pure function of (scenario, options) apart from Results::host (and, when
// RunOptions::stop cut the run short, from when it did).
#include <atomic>
#include <functional>
#include <optional>

#include "models/capture/pcap_capture.hpp"
#include "models/dataplane/kept_connection.hpp"
#include "models/dataplane/results.hpp"
#include "models/scenario/scenario_spec.hpp"
#include "models/workload/work_estimate.hpp"

namespace cnisim::workload {

struct RunOptions {
  std::optional<std::uint64_t> seed;          // overrides run.seed
  std::optional<scenario::PluginKind> plugin;  // overrides run.plugin and the file's plugin
  std::optional<scenario::LookupCostModel> lookup_cost_model;  // overrides run.lookupCostModel and the profile
  std::uint64_t max_events = kDefaultMaxEvents;                // the work budget (work_estimate.hpp)
  bool measure_host = false;  // time the real route lookups on this machine (Results::host.lookup_ns)
  // Called every progress_every of simulated time (for a progress bar): (simulated now, events so far).
  std::function<void(sim::Time, std::uint64_t)> progress;
  sim::Time progress_every = sim::ms(1);
  // When set, checked before every progress slice (the run then always goes in slices): once true,
  // the run stops there and its Results are partial (Results::partial, stopped_at_ps).
  const std::atomic<bool>* stop = nullptr;
  // When set, filled with the pod each kept-alive chatty connection reached (for pinning the
  // emulation's connections to the same servers: emulation::TrafficOptions::pins).
  std::vector<dataplane::KeptConnection>* kept_connections = nullptr;
  // When set, a packet capture at every capture point (`--pcap DIR`), written when the run ends; what
  // was written goes to capture_summary when that is set.
  std::optional<capture::CaptureOptions> capture;
  capture::CaptureSummary* capture_summary = nullptr;
};

// Throws scenario::ScenarioError (the plugin does not fit, traffic naming nothing in the cluster,
// traffic over the work budget), cluster::BuildError.
dataplane::Results run_scenario(const scenario::ScenarioSpec& spec, const RunOptions& options = {});

// The profile a run of this scenario uses (for printing it).
scenario::CostProfile effective_profile(const scenario::ScenarioSpec& spec, const RunOptions& options = {});

}  // namespace cnisim::workload
