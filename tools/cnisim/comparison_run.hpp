#pragma once
// What `cnisim run` and `cnisim compare` share: turning a scenario and the command line into
// variants (plugin x kube-proxy mode), running them on a thread pool, and writing the report in the
// chosen format (table, JSON, CSV) plus the optional HTML page.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/capture/pcap_capture.hpp"
#include "models/scenario/scenario_spec.hpp"
#include "models/report/comparison.hpp"
#include "models/workload/work_estimate.hpp"
#include "tools/cnisim/subcommand.hpp"

namespace cnisim::cli {

struct ComparisonOptions {
  std::string command;                               // "run" | "compare"
  std::vector<cluster::PluginKind> plugins;          // empty: the scenario's own
  std::vector<cluster::KubeProxyMode> kube_proxy;    // empty: the scenario's own
  std::vector<scenario::OutboundType> outbound;      // empty: the scenario's own
  std::vector<scenario::TrafficPolicy> external_policy;  // empty: each NodePort Service's own
  std::vector<bool> node_local_dns;                      // empty: the scenario's cluster.nodeLocalDNSCache
  std::vector<scenario::ByoCniSpec> byo_cni;             // networkPlugin none variants: empty, the scenario's byoCni
  std::optional<std::uint64_t> seed;                 // overrides run.seed
  std::optional<sim::Time> duration;                 // overrides run.duration (e.g. a shorter golden run)
  std::size_t jobs = 1;
  std::uint64_t max_events = workload::kDefaultMaxEvents;  // the work budget of each run
  std::optional<int> sensitivity_percent;  // compare --sensitivity PCT: vary each assumed cost by +-PCT%
  bool host_figures = false;
  bool typical_paths = false;  // trace one cross-node packet per variant (JSON and HTML show it)
  bool draw_paths = false;     // and draw it on the topology with Graphviz (HTML)
  const std::atomic<bool>* stop = nullptr;  // set (by Ctrl-C): every run stops at its next slice, partial
  std::optional<capture::CaptureOptions> capture;  // run --pcap: one variant only; what was written goes to
  capture::CaptureSummary* capture_summary = nullptr;  // capture_summary
};

// A comparison as run, and per variant what the exit code depends on.
struct ComparisonRun {
  report::Comparison comparison;
  std::vector<bool> chatty;  // per variant: its traffic has chatty items (calls)
};

// The highest -j: more threads than this would only wait for each other on any machine we target.
inline constexpr std::size_t kMaxJobs = 256;

// Adds -o, --seed, --duration, --host-figures and --html (every option both commands take besides
// -f, --plugin/--plugins and -j).
void add_report_options(po::options_description& options);
// Reads --seed, --duration and --max-events where given (UsageError on a bad value).
void read_run_bounds(const po::variables_map& vm, std::optional<std::uint64_t>& seed, std::optional<sim::Time>& duration,
                     std::uint64_t& max_events);
// Reads those options (and -o's value) into o; throws UsageError on a bad value.
void read_report_options(const po::variables_map& vm, ComparisonOptions& o);

// Runs every variant of spec, each with its own cluster, network and simulator, on o.jobs threads.
// Results come back in variant order whatever the thread count.
ComparisonRun run_comparison(const cluster::ScenarioSpec& spec, const std::string& scenario_arg,
                             const ComparisonOptions& o);

// Writes the report to stdout in -o's format and the HTML page to --html's file, then returns the
// exit code: 128 + interrupt_signal when the runs were interrupted (their results are partial), else
// 1 when a variant with chatty traffic completed no call at all (said on stderr), else 0.
int write_reports(const ComparisonRun& run, const po::variables_map& vm, int interrupt_signal);

// "kubenet,azure" -> plugins; "iptables,nftables" -> modes. Throw UsageError naming what is accepted.
std::vector<cluster::PluginKind> parse_plugin_list(const std::string& text);
std::vector<cluster::KubeProxyMode> parse_kube_proxy_list(const std::string& text);
// "loadBalancer,managedNATGateway" -> outbound types (ARM's names).
std::vector<scenario::OutboundType> parse_outbound_list(const std::string& text);
// "Cluster,Local" -> externalTrafficPolicy values.
std::vector<scenario::TrafficPolicy> parse_traffic_policy_list(const std::string& text);

}  // namespace cnisim::cli
