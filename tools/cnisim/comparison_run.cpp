#include "tools/cnisim/comparison_run.hpp"

#include "models/scenario/byo_cni_facts.hpp"

#include "models/scenario/spec_enum_names.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <csignal>
#include <fstream>
#include <iostream>
#include <span>

#include "models/cluster/plugin.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "models/scenario/quantity.hpp"
#include "models/report/csv_report.hpp"
#include "models/report/html_report.hpp"
#include "models/report/json_report.hpp"
#include "models/report/answer.hpp"
#include "models/report/parallel_runs.hpp"
#include "models/report/text_report.hpp"
#include "models/workload/scenario_run.hpp"
#include "models/scenario/traffic_spec.hpp"
#include "tools/cnisim/progress_bar.hpp"
#include "tools/cnisim/strict_parse.hpp"
#include "tools/cnisim/typical_path.hpp"

namespace cnisim::cli {

namespace {

std::string_view mode_name(cluster::KubeProxyMode m) {
  switch (m) {
    case cluster::KubeProxyMode::Iptables: return "iptables";
    case cluster::KubeProxyMode::Ipvs: return "ipvs";
    case cluster::KubeProxyMode::Nftables: return "nftables";
  }
  return "?";
}

struct VariantSpec {
  scenario::ScenarioSpec spec;  // plugin and kube-proxy mode applied
  std::string label;
};

// Expected simulated time of a run for the progress bar: run.duration, else the longest traffic
// duration; 0 when only counts bound it.
std::int64_t expected_ps(const scenario::ScenarioSpec& spec) {
  const auto& run = spec.run;
  if (run.duration) return run.duration->ps();
  const auto& traffic = spec.traffic;
  std::int64_t longest = 0;
  for (const auto& c : traffic.chatty) {
    if (c.duration && !c.chains) longest = std::max(longest, c.duration->ps());
  }
  for (const auto& b : traffic.bulk) longest = std::max(longest, b.duration.ps());
  return longest;
}

// One cost of the profile scaled by factor (1 - pct/100 or 1 + pct/100), rounded to whole ps or bps.
void scale(scenario::CostKnob& k, double factor) {
  if (k.time) *k.time = sim::Time::from_ps(static_cast<std::int64_t>(std::llround(static_cast<double>(k.time->ps()) * factor)));
  if (k.rate) *k.rate = sim::DataRate::from_bps(static_cast<std::uint64_t>(std::llround(static_cast<double>(k.rate->bps()) * factor)));
}

// The headline difference (variant 0 minus 1 per request) with each assumed cost of the profile lower
// and higher by pct%, one at a time: 4 runs per cost, on the thread pool, results by index.
report::Sensitivity sensitivity(const scenario::ScenarioSpec& a, const scenario::ScenarioSpec& b, int pct,
                                const report::Comparison& base, const workload::RunOptions& run_options,
                                std::size_t jobs) {
  std::vector<std::string> costs;
  {
    scenario::CostProfile probe = a.costs.profile;
    for (auto& k : scenario::cost_knobs(probe)) {
      const bool zero = k.time ? k.time->ps() == 0 : k.rate->bps() == 0;  // 0: none, or an unlimited rate
      if (!zero && !probe.is_measured(k.path)) costs.push_back(k.path);
    }
  }
  const std::function<double(std::size_t)> job = [&](std::size_t i) {
    const std::size_t cost = i / 4, which = i % 4;
    scenario::ScenarioSpec spec = which < 2 ? a : b;
    const double factor = 1.0 + (which % 2 == 0 ? -1.0 : 1.0) * pct / 100.0;
    for (auto& k : scenario::cost_knobs(spec.costs.profile)) {
      if (k.path == costs[cost]) scale(k, factor);
    }
    workload::RunOptions options = run_options;
    options.measure_host = false;
    return report::request_mean_us(workload::run_scenario(spec, options));
  };
  spdlog::info("sensitivity: {} assumed costs x 2 ends x 2 plugins = {} runs", costs.size(), costs.size() * 4);
  const auto mean = report::run_in_parallel<double>(costs.size() * 4, jobs, job);
  report::Sensitivity s;
  s.percent = pct;
  s.base_us = report::headline_difference_us(base);
  s.min_us = s.max_us = s.base_us;
  for (std::size_t c = 0; c < costs.size(); ++c) {
    report::SensitivityRow row{costs[c], mean[4 * c] - mean[4 * c + 2], mean[4 * c + 1] - mean[4 * c + 3]};
    s.min_us = std::min({s.min_us, row.low_us, row.high_us});
    s.max_us = std::max({s.max_us, row.low_us, row.high_us});
    if (row.low_us != s.base_us || row.high_us != s.base_us) s.rows.push_back(row);
  }
  std::stable_sort(s.rows.begin(), s.rows.end(), [](const auto& x, const auto& y) {
    return std::abs(x.high_us - x.low_us) > std::abs(y.high_us - y.low_us);
  });
  return s;
}

}  // namespace

std::vector<cluster::PluginKind> parse_plugin_list(const std::string& text) {
  std::vector<cluster::PluginKind> out;
  for (const auto& name : split_list(text, "--plugins", "--plugins kubenet,azure")) {
    const auto kind = cluster::plugin_from_string(name);
    if (!kind) {
      std::string names;
      for (auto k : cluster::registered_plugins()) names += (names.empty() ? "" : ", ") + std::string(cluster::to_string(k));
      throw UsageError("unknown plugin '" + name + "' in --plugins: expected a comma-separated list of " + names +
                       " (e.g. --plugins kubenet,azure)");
    }
    if (std::find(out.begin(), out.end(), *kind) != out.end()) throw UsageError("plugin '" + name + "' is listed twice in --plugins");
    out.push_back(*kind);
  }
  return out;
}

std::vector<cluster::KubeProxyMode> parse_kube_proxy_list(const std::string& text) {
  std::vector<cluster::KubeProxyMode> out;
  for (const auto& name : split_list(text, "--kube-proxy", "--kube-proxy iptables,nftables")) {
    std::optional<cluster::KubeProxyMode> mode;
    for (auto m : {cluster::KubeProxyMode::Iptables, cluster::KubeProxyMode::Ipvs, cluster::KubeProxyMode::Nftables}) {
      if (mode_name(m) == name) mode = m;
    }
    if (!mode) throw UsageError("unknown kube-proxy mode '" + name + "' in --kube-proxy: expected iptables, ipvs or nftables (e.g. --kube-proxy iptables,nftables)");
    if (std::find(out.begin(), out.end(), *mode) != out.end()) throw UsageError("kube-proxy mode '" + name + "' is listed twice in --kube-proxy");
    out.push_back(*mode);
  }
  return out;
}

namespace {

constexpr scenario::NamedValue<scenario::TrafficPolicy> kTrafficPolicyNames[] = {
    {scenario::TrafficPolicy::Cluster, "Cluster"}, {scenario::TrafficPolicy::Local, "Local"}};
constexpr scenario::NamedValue<bool> kOffOn[] = {{false, "off"}, {true, "on"}};

// A comma-separated list of an axis's values, each once, by their names in `table` (the `what` of
// the messages: "unknown outbound type 'x' in --outbound-type: expected ...").
template <class T>
std::vector<T> parse_named_list(const std::string& text, const std::string& flag, const std::string& example,
                                const std::string& what, std::span<const scenario::NamedValue<T>> table) {
  std::vector<T> out;
  std::string names;
  for (const auto& n : table) names.append(names.empty() ? "" : ", ").append(n.name);
  for (const auto& name : split_list(text, flag, example)) {
    const auto it = std::find_if(table.begin(), table.end(), [&](const auto& n) { return n.name == name; });
    if (it == table.end()) {
      throw UsageError("unknown " + what + " '" + name + "' in " + flag + ": expected " + names + " (e.g. " + example + ")");
    }
    if (std::find(out.begin(), out.end(), it->value) != out.end())
      throw UsageError(what + " '" + name + "' is listed twice in " + flag);
    out.push_back(it->value);
  }
  return out;
}

}  // namespace

std::vector<scenario::OutboundType> parse_outbound_list(const std::string& text) {
  return parse_named_list<scenario::OutboundType>(text, "--outbound-type", "--outbound-type loadBalancer,managedNATGateway",
                                                  "outbound type", scenario::kOutboundTypeNames);
}

std::vector<scenario::ByoCniSpec> parse_byo_cni_list(const std::string& text) {
  const std::string example = "--byo-cni flannel,calico/ipip,cilium/none";
  std::vector<scenario::ByoCniSpec> out;
  for (const auto& item : split_list(text, "--byo-cni", example)) {
    const auto slash = item.find('/');
    const std::string name = item.substr(0, slash);
    scenario::ByoCniSpec cni;
    cni.name = parse_named_list<scenario::ByoCni>(name, "--byo-cni", example, "CNI", scenario::kByoCniNames).front();
    const auto& facts = scenario::byo::facts(cni.name);
    cni.encapsulation = facts.default_encapsulation;
    if (slash != std::string::npos) {
      cni.encapsulation = parse_named_list<scenario::Encapsulation>(item.substr(slash + 1), "--byo-cni", example,
                                                                     "encapsulation", scenario::kEncapsulationNames)
                              .front();
      if (!facts.supports[static_cast<std::size_t>(cni.encapsulation)]) {
        throw UsageError("'" + item + "' in --byo-cni: " + name + " does not carry pod traffic with that encapsulation "
                         "(docs/byo-cni.md lists each CNI's)");
      }
    }
    for (const auto& other : out) {
      if (other.name == cni.name && other.encapsulation == cni.encapsulation)
        throw UsageError("'" + item + "' is listed twice in --byo-cni");
    }
    out.push_back(cni);
  }
  return out;
}

std::string byo_cni_label(const scenario::ByoCniSpec& cni) {
  const auto& facts = scenario::byo::facts(cni.name);
  std::string label = "byo-" + std::string(facts.name);
  if (cni.encapsulation != facts.default_encapsulation)
    label.append("/").append(scenario::name_of<scenario::Encapsulation>(cni.encapsulation, scenario::kEncapsulationNames));
  return label;
}

std::vector<scenario::TrafficPolicy> parse_traffic_policy_list(const std::string& text) {
  return parse_named_list<scenario::TrafficPolicy>(text, "--external-traffic-policy",
                                                   "--external-traffic-policy Cluster,Local", "traffic policy",
                                                   kTrafficPolicyNames);
}

void add_report_options(po::options_description& options) {
  options.add_options()("output,o", po::value<std::string>()->default_value("table")->value_name("FORMAT"),
                        "table | json | csv (schema: docs/output-format.md)")(
      "kube-proxy", po::value<std::string>()->value_name("MODES"),
      "kube-proxy mode(s): iptables, ipvs, nftables; a comma-separated list runs each (default: the scenario's)")(
      "outbound-type", po::value<std::string>()->value_name("TYPES"),
      "egress to the internet: loadBalancer, managedNATGateway, userAssignedNATGateway, userDefinedRouting, none; a "
      "comma-separated list runs each (default: the scenario's networkProfile.outboundType)")(
      "node-local-dns", po::value<std::string>()->value_name("off,on"),
      "NodeLocal DNSCache (cluster.nodeLocalDNSCache): off, on; a comma-separated list runs each (default: the "
      "scenario's)")(
      "byo-cni", po::value<std::string>()->value_name("CNIS"),
      "bring-your-own CNIs for networkPlugin none: NAME or NAME/ENCAPSULATION (flannel, calico, calico/ipip, "
      "calico/none, cilium, cilium/none); a comma-separated list runs each (default: the scenario's cluster.byoCni)")(
      "external-traffic-policy", po::value<std::string>()->value_name("POLICIES"),
      "Cluster, Local: every NodePort Service's externalTrafficPolicy; a comma-separated list runs each "
      "(default: each Service's own)")(
      "seed", po::value<std::string>()->value_name("N"),
      "random seed, a whole number from 0 to 2^64-1 (default: the scenario's run.seed)")(
      "duration", po::value<std::string>()->value_name("DURATION"),
      "stop every run at this simulated time, e.g. 2ms, 500us or 1s (overrides run.duration): a shorter run")(
      "host-figures", "add machine-dependent figures (wall time, events/s, measured ns per route lookup); "
                      "output then differs from run to run")(
      "html", po::value<std::string>()->value_name("FILE"), "also write a self-contained HTML report to FILE")(
      "max-events", po::value<std::string>()->value_name("N"),
      "refuse a run whose traffic is estimated to need more than N engine events (default 6e9: about 10 "
      "minutes on a 2-core machine)");
}

void read_run_bounds(const po::variables_map& vm, std::optional<std::uint64_t>& seed, std::optional<sim::Time>& duration,
                     std::uint64_t& max_events) {
  if (vm.count("seed")) seed = parse_whole_number(vm["seed"].as<std::string>(), 0, UINT64_MAX, "--seed", "--seed 42");
  if (vm.count("duration")) {
    const auto& text = vm["duration"].as<std::string>();
    const auto t = scenario::parse_duration(text);
    if (!t || *t <= sim::Time::zero()) throw UsageError("--duration '" + text + "' is not a positive duration: write e.g. 500us, 2ms or 1s");
    duration = *t;
  }
  if (vm.count("max-events")) {
    const auto& text = vm["max-events"].as<std::string>();
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n == 0) {
      throw UsageError("--max-events '" + text + "' is not a positive whole number of events: write e.g. --max-events 20000000000");
    }
    max_events = n;
  }
}

void read_report_options(const po::variables_map& vm, ComparisonOptions& o) {
  const auto& format = vm["output"].as<std::string>();
  if (format != "table" && format != "json" && format != "csv") {
    throw UsageError("unknown output format '" + format + "': expected table, json or csv (e.g. -o json)");
  }
  if (vm.count("kube-proxy")) o.kube_proxy = parse_kube_proxy_list(vm["kube-proxy"].as<std::string>());
  if (vm.count("outbound-type")) o.outbound = parse_outbound_list(vm["outbound-type"].as<std::string>());
  if (vm.count("node-local-dns")) {
    o.node_local_dns = parse_named_list<bool>(vm["node-local-dns"].as<std::string>(), "--node-local-dns",
                                              "--node-local-dns off,on", "value", kOffOn);
  }
  if (vm.count("byo-cni")) o.byo_cni = parse_byo_cni_list(vm["byo-cni"].as<std::string>());
  if (vm.count("external-traffic-policy")) {
    o.external_policy = parse_traffic_policy_list(vm["external-traffic-policy"].as<std::string>());
  }
  read_run_bounds(vm, o.seed, o.duration, o.max_events);
  o.host_figures = vm.count("host-figures") > 0;
  o.typical_paths = format == "json" || vm.count("html") > 0;
  o.draw_paths = vm.count("html") > 0;
}

ComparisonRun run_comparison(const scenario::ScenarioSpec& base, const std::string& scenario_arg, const ComparisonOptions& o) {
  if (base.traffic.empty()) {
    scenario::Diagnostic d;
    d.file = base.sourceFile;
    d.message = "the scenario has no traffic: there is nothing to " + o.command;
    d.expected = "a traffic section with chatty, ping or bulk items";
    d.hint = "add e.g. traffic: {chatty: [{clients: {app: web}, servers: {app: api}, chains: 1000}]}; see "
             "docs/scenario-format.md (get, routes, plan and graph need no traffic)";
    throw scenario::ScenarioError({d});
  }
  const auto plugins = o.plugins.empty() ? std::vector<scenario::PluginKind>{base.plugin()} : o.plugins;
  const auto modes = o.kube_proxy.empty() ? std::vector<scenario::KubeProxyMode>{base.cluster.networkProfile.kubeProxyMode} : o.kube_proxy;
  const auto outbounds = o.outbound.empty() ? std::vector<scenario::OutboundType>{base.cluster.networkProfile.outboundType}
                                            : o.outbound;
  // userDefinedRouting egresses by the node subnet's route table: without its default route there is
  // no way out to model (the scenario's own outboundType is checked as the file is loaded).
  const auto& routes = base.cluster.vnet.routes;
  const bool default_route =
      std::any_of(routes.begin(), routes.end(), [](const scenario::UserRoute& r) { return r.addressPrefix.length() == 0; });
  if (std::find(o.outbound.begin(), o.outbound.end(), scenario::OutboundType::UserDefinedRouting) != o.outbound.end() &&
      !default_route) {
    throw UsageError("--outbound-type userDefinedRouting needs a route for 0.0.0.0/0 in the scenario's cluster.vnet.routes "
                     "(the node subnet's route table, usually to a firewall: docs/egress.md); this scenario has none");
  }
  if (!o.external_policy.empty() &&
      std::none_of(base.services.begin(), base.services.end(),
                   [](const scenario::ServiceSpec& s) { return s.type == scenario::ServiceType::NodePort; })) {
    throw UsageError("--external-traffic-policy applies to NodePort Services, and this scenario has none "
                     "(give a Service type: NodePort; docs/services.md)");
  }
  // Each NodePort Service's own policy, or one value per variant.
  const std::vector<std::optional<scenario::TrafficPolicy>> policies =
      o.external_policy.empty() ? std::vector<std::optional<scenario::TrafficPolicy>>{std::nullopt}
                                : std::vector<std::optional<scenario::TrafficPolicy>>(o.external_policy.begin(),
                                                                                    o.external_policy.end());
  const std::vector<bool> caches = o.node_local_dns.empty() ? std::vector<bool>{base.cluster.nodeLocalDNSCache} : o.node_local_dns;
  // Cilium replaces kube-proxy: its modes do not apply, so cilium runs once rather than as identical variants.
  if (!o.kube_proxy.empty() && plugins == std::vector<scenario::PluginKind>{scenario::PluginKind::Cilium}) {
    throw UsageError("--kube-proxy does not apply under cilium, which replaces kube-proxy with eBPF; compare "
                     "kube-proxy modes under kubenet, azure or overlay (e.g. --plugins kubenet,cilium --kube-proxy iptables,nftables)");
  }

  // Bring-your-own CNIs: each networkPlugin none variant runs under each (the scenario's own without the flag).
  if (!o.byo_cni.empty() && std::find(plugins.begin(), plugins.end(), scenario::PluginKind::None) == plugins.end()) {
    throw UsageError("--byo-cni applies to networkPlugin none: use a networkPlugin: none scenario, or add none to "
                     "--plugins (e.g. --plugins kubenet,none --byo-cni flannel,calico)");
  }
  std::vector<std::optional<scenario::ByoCniSpec>> byo_cnis{base.cluster.byoCni};
  if (!o.byo_cni.empty()) byo_cnis.assign(o.byo_cni.begin(), o.byo_cni.end());

  // One variant per combination of the axes; an axis with one value adds nothing to the label.
  std::vector<VariantSpec> variants;
  const auto add_variant = [&](scenario::PluginKind plugin, scenario::KubeProxyMode mode, scenario::OutboundType outbound,
                               std::optional<scenario::TrafficPolicy> policy, bool cache,
                               const std::optional<scenario::ByoCniSpec>& cni) {
    const bool replaces_kube_proxy = plugin == scenario::PluginKind::Cilium;
    const bool byo = plugin == scenario::PluginKind::None && cni;
    VariantSpec v{base, byo ? byo_cni_label(*cni) : std::string(scenario::to_string(plugin))};
    if (modes.size() > 1) v.label.append("/").append(replaces_kube_proxy ? "ebpf" : mode_name(mode));
    if (outbounds.size() > 1)
      v.label.append("/").append(scenario::name_of<scenario::OutboundType>(outbound, scenario::kOutboundTypeNames));
    if (policies.size() > 1) v.label.append(*policy == scenario::TrafficPolicy::Local ? "/etp-local" : "/etp-cluster");
    if (caches.size() > 1) v.label.append(cache ? "/nodelocaldns" : "/coredns");
    v.spec.cluster.nodeLocalDNSCache = cache;
    if (byo) v.spec.cluster.byoCni = cni;
    // Toggling the cache adds or removes its DaemonSet and is validated again, as a plugin change is.
    if (plugin != v.spec.plugin() || cache != base.cluster.nodeLocalDNSCache || (byo && !o.byo_cni.empty()))
      cluster::apply_plugin(v.spec, plugin);
    v.spec.cluster.networkProfile.kubeProxyMode = mode;
    v.spec.cluster.networkProfile.outboundType = outbound;
    if (policy) {
      for (auto& svc : v.spec.services) {
        if (svc.type == scenario::ServiceType::NodePort) svc.externalTrafficPolicy = *policy;
      }
    }
    if (o.duration) v.spec.run.duration = *o.duration;
    variants.push_back(std::move(v));
  };
  for (auto plugin : plugins) {
    for (auto mode : modes) {
      if (plugin == scenario::PluginKind::Cilium && mode != modes.front()) continue;
      for (auto outbound : outbounds) {
        for (const auto& policy : policies) {
          for (const bool cache : caches) {
            if (plugin != scenario::PluginKind::None) {
              add_variant(plugin, mode, outbound, policy, cache, std::nullopt);
              continue;
            }
            for (const auto& cni : byo_cnis) add_variant(plugin, mode, outbound, policy, cache, cni);
          }
        }
      }
    }
  }

  workload::RunOptions run_options;
  run_options.seed = o.seed;
  run_options.measure_host = o.host_figures;
  run_options.max_events = o.max_events;
  run_options.stop = o.stop;
  if (o.capture && variants.size() != 1) {
    throw std::logic_error("a packet capture is taken of one run; this comparison has " + std::to_string(variants.size()));
  }
  run_options.capture = o.capture;
  run_options.capture_summary = o.capture_summary;
  const std::uint64_t seed = o.seed.value_or(variants.front().spec.run.seed);

  std::vector<std::int64_t> totals;
  for (const auto& v : variants) totals.push_back(expected_ps(v.spec));
  ProgressBar progress(totals, ProgressBar::wanted());

  spdlog::info("running {} variant(s) of {} on {} thread(s)", variants.size(), scenario_arg, std::min(o.jobs, variants.size()));
  const std::function<report::Variant(std::size_t)> job = [&](std::size_t i) {
    const VariantSpec& v = variants[i];
    workload::RunOptions options = run_options;
    // Always run in progress slices, painted or not, so a terminal never changes the results.
    options.progress = [&progress, i](sim::Time now, std::uint64_t events) { progress.update(i, now, events); };
    report::Variant out;
    out.label = v.label;
    out.plugin = std::string(cluster::to_string(v.spec.plugin()));
    out.kube_proxy = v.spec.plugin() == scenario::PluginKind::Cilium
                         ? std::string("none (eBPF)")
                         : std::string(mode_name(v.spec.cluster.networkProfile.kubeProxyMode));
    out.results = workload::run_scenario(v.spec, options);
    out.results.scenario = scenario_arg;  // as given, so output does not depend on the working directory
    if (o.typical_paths) {
      auto path = typical_cross_node_path(v.spec, options, o.draw_paths);
      out.typical_path = std::move(path.lines);
      out.typical_path_svg = std::move(path.svg);
      out.typical_path_not_drawn = std::move(path.not_drawn);
    }
    spdlog::debug("{}: {} events, {} packets", v.label, out.results.events, out.results.packets_sent);
    return out;
  };
  ComparisonRun run;
  report::Comparison& c = run.comparison;
  c.command = o.command;
  c.scenario = scenario_arg;
  c.seed = seed;
  c.host_figures = o.host_figures;
  try {
    c.variants = report::run_in_parallel<report::Variant>(variants.size(), o.jobs, job);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());  // traffic naming nothing in the cluster: bad input
  }
  for (const auto& v : variants) run.chatty.push_back(!v.spec.traffic.chatty.empty());
  c.measured_costs = variants.front().spec.costs.profile.measured;
  if (o.sensitivity_percent && variants.size() >= 2) {
    c.sensitivity = sensitivity(variants[0].spec, variants[1].spec, *o.sensitivity_percent, c, run_options, o.jobs);
  }
  return run;
}

int write_reports(const ComparisonRun& run, const po::variables_map& vm, int interrupt_signal) {
  const report::Comparison& c = run.comparison;
  const auto& format = vm["output"].as<std::string>();
  if (format == "json") std::cout << report::to_json_text(c);
  else if (format == "csv") std::cout << report::to_csv(c);
  else std::cout << report::format_table(c);
  std::cout.flush();
  if (vm.count("html")) {
    const auto& path = vm["html"].as<std::string>();
    std::ofstream out(path, std::ios::binary);
    if (!out) throw std::runtime_error("cannot write the HTML report to '" + path + "': check the directory exists and is writable");
    out << report::to_html(c);
    if (!out.flush()) throw std::runtime_error("writing the HTML report to '" + path + "' failed");
    spdlog::info("wrote {}", path);
  }
  if (interrupt_signal != 0) {
    std::string where;
    for (const auto& v : c.variants) {
      if (!v.results.partial) continue;
      where += (where.empty() ? "stopped at simulated time " : ", ") +
               scenario::format_duration(sim::Time::from_ps(v.results.stopped_at_ps)) + " under " + v.label;
    }
    std::cerr << "cnisim: interrupted by " << (interrupt_signal == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM") << ": "
              << (where.empty() ? "the runs had ended; the report is complete" : "the report is partial, " + where) << "\n";
    return 128 + interrupt_signal;
  }
  int exit_code = 0;
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    const auto& r = c.variants[i].results;
    if (!run.chatty[i] || r.calls_completed > 0) continue;
    std::cerr << "cnisim: no call completed under " << c.variants[i].label << " (" << r.calls_started << " started, " << r.calls_failed
              << " failed, " << r.packets_dropped << " packets dropped): its call latency is empty; see the report's Calls and Drops\n";
    exit_code = 1;
  }
  return exit_code;
}

}  // namespace cnisim::cli
