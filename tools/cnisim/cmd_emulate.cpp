// cnisim emulate: the cluster rendered into real Linux network namespaces, real packets sent between
// them with real sockets, and what the kernel did (source seen, TTL, DNAT target, SNAT) compared with
// what the model says. Needs root. Every namespace is removed on exit, on error and after Ctrl-C;
// `--cleanup` removes what a killed run left.
#include <boost/json.hpp>

#include <algorithm>
#include <iterator>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "models/cluster/builder.hpp"
#include "models/emulation/emulator.hpp"
#include "models/emulation/facts.hpp"
#include "models/emulation/ping.hpp"
#include "models/emulation/traffic.hpp"
#include "models/report/json_report.hpp"
#include "models/report/notes.hpp"
#include "models/report/number_format.hpp"
#include "models/workload/scenario_run.hpp"
#include "tools/cnisim/interrupt.hpp"
#include "tools/cnisim/scenario_input.hpp"
#include "tools/cnisim/strict_parse.hpp"

namespace cnisim::cli {
namespace {

std::string facts_text(const emulation::Facts& f) {
  if (!f.reached) return "not reached" + (f.note.empty() ? std::string() : " (" + f.note + ")");
  std::string text = "seen from " + f.sourceSeen.to_string() + (f.snat ? " (SNAT)" : "") + ", TTL " +
                     (f.ttl >= 0 ? std::to_string(f.ttl) : std::string("n/a (TCP)")) + ", at " + f.answeredBy +
                     " " + f.answeredAt.to_string() + ", reply " + (f.answered ? "back" : "lost");
  return text;
}

std::string us(double ps) { return report::format_fixed(ps / 1e6, 1); }

// The latency table: emulated (this machine's kernel) and, with --with-sim, the model beside it.
void print_latency(std::ostream& out, const dataplane::Results& emulated, const dataplane::Results* simulated,
                   bool calls, bool pings) {
  if (calls) {
    out << "\nCalls over real TCP (" << emulated.calls_completed << " of " << emulated.calls_started
        << " calls completed, " << emulated.calls_failed << " failed, " << emulated.calls_cut_off << " cut off, "
        << emulated.chains_completed << " chains" << (emulated.partial ? "; stopped by the time cap" : "") << "):\n";
  } else {
    out << "\nPings (ICMP echo; to a Service, TCP handshakes)" << (emulated.partial ? ", stopped by the time cap" : "") << ":\n";
  }
  out << "  latency (us)    emulated p50 / p90 / p99 / max";
  if (simulated) out << "      simulated p50 / p90 / p99 / max";
  out << '\n';
  auto row = [&](const char* name, const dataplane::LatencySummary& e, const dataplane::LatencySummary* s) {
    auto four = [&](const dataplane::LatencySummary& l) {
      out << us(static_cast<double>(l.p50_ps)) << " / " << us(static_cast<double>(l.p90_ps)) << " / "
          << us(static_cast<double>(l.p99_ps)) << " / " << us(static_cast<double>(l.max_ps));
    };
    out << "  " << name << "      ";
    four(e);
    if (s) {
      out << "      ";
      four(*s);
    }
    out << "   (" << e.count << " samples)\n";
  };
  if (calls) {
    row("call ", emulated.call_latency, simulated ? &simulated->call_latency : nullptr);
    row("chain", emulated.chain_latency, simulated ? &simulated->chain_latency : nullptr);
  }
  if (pings) row("ping ", emulated.ping_latency, simulated ? &simulated->ping_latency : nullptr);
  if (simulated) {
    out << "  (simulated: the model with cost profile " << simulated->profile
        << "; emulated: this machine's kernel over veth pairs)\n";
  }
}

// The emulated variant's notes: what the kernel run measured, and why it stopped.
std::vector<std::string> emulated_notes(const dataplane::Results& r) {
  std::vector<std::string> notes;
  if (r.partial) notes.push_back("partial: stopped by the wall-clock cap (--seconds), --max-calls or Ctrl-C");
  if (auto n = report::failed_calls_note(r)) notes.push_back(*n);
  notes.push_back("emulated: only latency and call counts are measured on the kernel; packet, lookup, NAT, drop, "
                  "per-hop and engine figures are not observed here and are 0");
  return notes;
}

// `-o json`: the Results schema of a run (docs/results.schema.json), command "emulate", the emulated
// variant first and with --with-sim the simulated one, comparison rows of the measured metrics
// (latency and calls), and the `emulation` object: what was observed on the path per pair.
std::string emulate_json(const std::string& scenario_arg, const scenario::ScenarioSpec& spec, const cluster::Cluster& c,
                         const emulation::EmulationPlan& plan, const std::vector<std::string>& not_emulated,
                         const std::vector<emulation::PairResult>& pairs,
                         const emulation::PingRun* pings, const std::optional<dataplane::Results>& emulated,
                         const std::optional<dataplane::Results>& simulated) {
  report::Comparison comparison;
  comparison.command = "emulate";
  comparison.scenario = scenario_arg;
  comparison.seed = spec.run.seed;
  const std::string plugin(cluster::to_string(c.plugin_kind()));
  if (emulated) comparison.variants.push_back({"emulated", plugin, "iptables", *emulated, {}, {}, {}});
  if (simulated) {
    comparison.variants.push_back({"simulated", plugin, std::string(cluster::to_string(c.service_dnat().mode)), *simulated, {}, {}, {}});
  }
  auto doc = comparison.variants.empty() ? boost::json::value(boost::json::object{}) : report::to_json(comparison);
  auto& o = doc.as_object();
  if (comparison.variants.empty()) {  // --no-traffic: no latency was measured
    o["schemaVersion"] = report::kSchemaVersion;
    o["command"] = "emulate";
    o["scenario"] = scenario_arg;
    o["seed"] = spec.run.seed;
    o["hostFigures"] = false;
    o["partial"] = false;
    o["baseline"] = "";
    o["variants"] = boost::json::array{};
    o["comparison"] = boost::json::array{};
  } else {
    boost::json::array notes;
    for (const auto& n : emulated_notes(*emulated)) notes.push_back(boost::json::string(n));
    o["variants"].as_array()[0].as_object()["notes"] = std::move(notes);
    boost::json::array measured;
    for (auto& row : o["comparison"].as_array()) {
      const std::string_view metric = row.as_object()["metric"].as_string();
      if (metric.starts_with("latency.") || metric.starts_with("calls.")) measured.push_back(row);
    }
    o["comparison"] = std::move(measured);
  }
  o["answer"] = nullptr;  // two machines, not two plugins: no "X adds Y us" answer
  o["sensitivity"] = nullptr;
  o["emulation"] = emulation::emulation_json(c, plan, not_emulated, pairs, pings);
  return report::pretty_json(doc);
}

// -o: table (default) or json.
bool json_output(const po::variables_map& vm) {
  if (!vm.count("output")) return false;
  const auto& format = vm["output"].as<std::string>();
  if (format == "json") return true;
  if (format == "table") return false;
  throw UsageError("unknown output format '" + format + "' for emulate: expected table or json (e.g. -o json)");
}

int cleanup() {
  if (const auto problem = emulation::privilege_problem(); !problem.empty()) throw UsageError(problem);
  const auto report = emulation::cleanup_stale_namespaces();
  for (const auto& name : report.removed) std::cout << "removed " << name << '\n';
  for (const auto& name : report.kept) std::cout << "kept " << name << " (its run is still going)\n";
  for (const auto& f : report.failed) std::cerr << "cnisim: could not remove " << f << '\n';
  std::cout << report.removed.size() << " namespace(s) removed\n";
  return report.failed.empty() ? 0 : 1;
}

}  // namespace

Subcommand emulate_subcommand() {
  Subcommand s;
  s.name = "emulate";
  s.summary = "build the cluster in real Linux network namespaces and check the model against the kernel";
  s.usage = "cnisim emulate [-f FILE] [--plugin P] [--profile FILE] [-o table|json] [--with-sim] [--serial] [--dry-run] | "
            "cnisim emulate --cleanup";
  s.examples =
      "  sudo cnisim emulate                          # seed-walkthrough under kubenet: model vs kernel\n"
      "  sudo cnisim emulate -f scenarios/seed-walkthrough-azure.yaml --with-sim\n"
      "  sudo cnisim emulate --plugin overlay -o json > overlay.json   # facts, latencies, schema docs/results.schema.json\n"
      "  sudo cnisim emulate -f scenarios/hop-overhead.yaml --with-sim --profile my-node.yaml  # calls and pings\n"
      "  sudo cnisim calibrate --stand-ins -o here.yaml && sudo cnisim emulate --serial --with-sim --profile here.yaml\n"
      "  cnisim emulate --dry-run --plugin azure      # print the ip / sysctl / iptables input, create nothing\n"
      "  sudo cnisim emulate --cleanup                # remove namespaces a killed run left behind\n"
      "  Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN). Namespaces are named cnisim-<pid>-<random>-...; nothing is\n"
      "  attached to the root namespace, and no packet is sent to an address outside the created namespaces.\n"
      "  kubenet, azure (node subnet) and overlay can be emulated; cilium and none are refused.\n";
  s.options = [](po::options_description& o, po::positional_options_description&) {
    add_scenario_options(o);
    add_strict_option(o);
    o.add_options()("output,o", po::value<std::string>()->value_name("FORMAT"),
                    "table (default) | json: the run's Results schema plus what was observed per pair "
                    "(docs/output-format.md)")(
        "dry-run", "print what would be given to ip, sysctl and iptables-restore; create nothing")(
        "cleanup", "remove every cnisim-<pid>-... namespace whose run (pid) is gone, then exit")(
        "no-traffic", "check the facts only; do not run the chatty calls and the pings")(
        "with-sim", "also simulate the same scenario (with --profile's costs) and show it beside the emulation; "
                    "each kept-alive emulated connection is made to reach the server the model's reached")(
        "serial", "one call in flight at a time over the whole run: the path's latency rather than the queueing "
                  "of many clients on this machine's few CPUs (use it to compare with --with-sim)")(
        "max-calls", po::value<std::string>()->value_name("N"), "stop starting calls after N (default 2000)")(
        "seconds", po::value<std::string>()->value_name("S"),
        "hard wall-clock cap on the calls, and separately on the pings, 1 to 60 (default 5)");
  };
  s.run = [](const po::variables_map& vm) {
    if (vm.count("cleanup")) {
      for (const char* other : {"file", "plugin", "dry-run", "profile", "output", "with-sim", "no-traffic", "max-calls",
                                "seconds", "strict", "serial"}) {
        if (vm.count(other)) throw UsageError("--cleanup takes no other option: `cnisim emulate --cleanup`");
      }
      return cleanup();
    }
    const bool json = json_output(vm);
    if (json && vm.count("dry-run")) throw UsageError("--dry-run prints the plan as text: leave out -o json");
    if (vm.count("no-traffic")) {
      for (const char* other : {"with-sim", "max-calls", "seconds", "serial"}) {
        if (vm.count(other)) {
          throw UsageError(std::string("--") + other + " concerns the traffic, which --no-traffic leaves out: give one of the two");
        }
      }
    }
    emulation::TrafficOptions limits;
    limits.serial = vm.count("serial") > 0;
    if (vm.count("max-calls")) {
      limits.max_calls = parse_whole_number(vm["max-calls"].as<std::string>(), 1, 100000, "--max-calls", "--max-calls 500");
    }
    if (vm.count("seconds")) {
      limits.wall = std::chrono::seconds(parse_whole_number(vm["seconds"].as<std::string>(), 1, 60, "--seconds", "--seconds 5"));
    }
    auto spec = load_scenario(vm, true);  // applies --plugin, --profile and --strict
    const std::string scenario_arg = vm.count("file") ? vm["file"].as<std::string>() : default_scenario_path();
    const auto profile = workload::effective_profile(spec);
    const auto cluster = cluster::build_cluster(spec);
    if (!emulation::can_emulate(cluster.plugin_kind())) throw UsageError(emulation::cannot_emulate_message(cluster.plugin_kind()));
    for (std::size_t i = 0; i < spec.services.size(); ++i) {
      const auto& svc = spec.services[i];
      const bool unrendered = svc.type == scenario::ServiceType::NodePort || svc.affinityClientIP ||
                              svc.internalTrafficPolicy == scenario::TrafficPolicy::Local;
      if (!unrendered) continue;
      throw scenario::ScenarioError({spec.diagnostic(
          "services[" + std::to_string(i) + "]",
          "emulate renders kube-proxy's ClusterIP rules only, not yet NodePorts, Local traffic policies or session "
          "affinity: the kernel would not do what the model does",
          "ClusterIP Services without internalTrafficPolicy Local or sessionAffinity",
          "emulate a copy without them; run, compare and trace model them (docs/services.md)")});
    }
    for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
      if (spec.nodePools[i].availabilityZones.size() < 2) continue;
      throw scenario::ScenarioError({spec.diagnostic(
          "nodePools[" + std::to_string(i) + "].availabilityZones",
          "emulate runs every node on this machine: it has no network between availability zones to cross",
          "a pool in one zone, or none", "emulate a copy with one zone; run and compare model the crossing (docs/zones.md)")});
    }
    if (spec.cluster.nodeLocalDNSCache) {
      throw scenario::ScenarioError({spec.diagnostic(
          "cluster.nodeLocalDNSCache", "emulate does not run NodeLocal DNSCache's cache on the nodes yet",
          "nodeLocalDNSCache left out", "emulate without it; run and compare model it (docs/dns.md)")});
    }
    if (!spec.networkPolicies.empty()) {
      throw scenario::ScenarioError({spec.diagnostic(
          "networkPolicies[0]",
          "emulate does not render NetworkPolicies into the namespaces' filter tables yet: the kernel would let "
          "through what the model drops",
          "a scenario without networkPolicies",
          "remove networkPolicies to emulate this cluster; run, compare and trace model them (docs/network-policy.md)")});
    }
    if (const auto needed = emulation::namespaces_needed(cluster); needed > emulation::kMaxNamespaces) {
      throw UsageError("this cluster would need " + std::to_string(needed) + " network namespaces; emulate creates at most " +
                       std::to_string(emulation::kMaxNamespaces) + " (emulate a smaller copy: fewer nodes or replicas)");
    }
    const auto pings = emulation::plan_pings(spec, cluster);  // bad ping entries: exit 2 before anything is made
    if (vm.count("dry-run")) {
      std::cout << emulation::plan_text(emulation::render(cluster, "cnisim-DRYRUN-0000-"));
      return 0;
    }
    if (const auto problem = emulation::privilege_problem(); !problem.empty()) throw UsageError(problem);

    std::ostringstream quiet;  // -o json: stdout is the JSON document alone
    std::ostream& out = json ? static_cast<std::ostream&>(quiet) : std::cout;
    InterruptHandling interrupt;
    int code = 0;
    try {
      emulation::Emulation emu(cluster);  // removes its namespaces however this block is left
      out << "Emulating " << spec.cluster.name << " under " << cluster::to_string(cluster.plugin_kind()) << " in "
          << emu.plan().namespaces.size() << " network namespaces (" << emu.prefix() << "*)\n";
      emu.up(interrupt.flag());
      auto not_emulated = emu.plan().notEmulated;
      if (!spec.traffic.bulk.empty()) {
        const auto n = spec.traffic.bulk.size();
        not_emulated.push_back("traffic.bulk (" + std::to_string(n) + (n == 1 ? " entry" : " entries") +
                               "): paced streams are not run over the namespaces; --with-sim's simulation runs them");
      }
      out << "Not emulated (the kernel cannot stand in for it, or emulate does not run it):\n";
      for (const auto& line : not_emulated) out << "  - " << line << '\n';
      out << "How the rest is stood in for:\n";
      for (const auto& line : emu.plan().emulationChoices) out << "  - " << line << '\n';
      out << "\nObserved facts (one real packet per pair: UDP port " << emulation::kProbePort
          << ", or TCP to the Service), model beside kernel:\n";
      std::vector<emulation::PairResult> results;
      for (const auto& pair : emulation::choose_pairs(cluster)) {
        if (interrupt.flag()->load()) break;
        const auto& r = results.emplace_back(emulation::compare_pair(emu, profile, pair));
        out << "  " << pair.kind << ": " << pair.description << '\n'
            << "    model:  " << facts_text(r.simulated) << '\n'
            << "    kernel: " << facts_text(r.observed) << '\n';
        for (const auto& line : r.observed.conntrack) out << "    conntrack: " << line << '\n';
        out << "    " << (r.differences.empty() ? "agree" : "DISAGREE") << '\n';
        for (const auto& d : r.differences) out << "      " << d << '\n';
      }
      const auto disagreements = static_cast<std::size_t>(
          std::count_if(results.begin(), results.end(), [](const auto& r) { return !r.differences.empty(); }));
      if (disagreements) {
        std::cerr << "cnisim: the kernel disagrees with the model on " << disagreements << " pair(s)\n";
        code = 1;
      }
      std::optional<dataplane::Results> emulated, simulated;
      std::optional<emulation::PingRun> ping_run;
      if (!vm.count("no-traffic") && !interrupt.flag()->load()) {
        const bool calls = emulation::add_default_chatty(spec, cluster);
        if (!calls && pings.empty()) out << "\nNo chatty traffic or ping in the scenario and no Service to call: no traffic run.\n";
        if (!pings.empty()) ping_run = emulation::run_emulated_pings(emu, pings, limits.wall, interrupt.flag());
        // With --with-sim the model runs first, and each kept-alive emulated connection is made to reach
        // the server the model's did (the kernel draws a Service's endpoint per connection), so that
        // both sides carry the same calls over the same paths.
        std::vector<dataplane::KeptConnection> model_connections, emulated_connections;
        if (calls && vm.count("with-sim")) {
          workload::RunOptions run_options;
          run_options.kept_connections = &model_connections;
          simulated = workload::run_scenario(spec, run_options);
          simulated->scenario = scenario_arg;
          limits.pins = &model_connections;
          limits.reached = &emulated_connections;
        }
        if (calls && !interrupt.flag()->load()) {
          emulated = emulation::run_emulated_traffic(emu, spec, limits, interrupt.flag());
          if (limits.pins) {
            std::sort(model_connections.begin(), model_connections.end());
            std::sort(emulated_connections.begin(), emulated_connections.end());
            std::vector<dataplane::KeptConnection> same;
            std::set_intersection(model_connections.begin(), model_connections.end(), emulated_connections.begin(),
                                  emulated_connections.end(), std::back_inserter(same));
            out << "\nKept-alive connections reaching the model's server: " << same.size() << " of "
                << model_connections.size() << (same.size() == model_connections.size() ? "" : " (the rest as the kernel chose)")
                << '\n';
          }
        } else if (ping_run) {
          emulated.emplace();
          emulated->cluster = spec.cluster.name;
          emulated->plugin = std::string(cluster::to_string(cluster.plugin_kind()));
          emulated->profile = "emulated (this machine's Linux kernel)";
          emulated->seed = spec.run.seed;
        }
        if (emulated) {
          emulated->scenario = scenario_arg;
          emulated->lookup_cost_model = "kernel";
          if (ping_run) {
            emulated->ping_latency = dataplane::summarize(ping_run->latency);
            emulated->partial = emulated->partial || ping_run->partial;
          }
          if (vm.count("with-sim") && !simulated) {
            simulated = workload::run_scenario(spec);
            simulated->scenario = scenario_arg;
          }
          print_latency(out, *emulated, simulated ? &*simulated : nullptr, calls, ping_run.has_value());
          if (calls && emulated->calls_completed == 0) {
            std::cerr << "cnisim: no call completed over the emulated network\n";
            code = 1;
          }
        }
        if (ping_run) {
          for (const auto& e : ping_run->entries) {
            out << "  " << e.path << ": " << e.description << ": " << e.answered << " of " << e.sent << " echoes answered\n";
            if (e.sent > 0 && e.answered == 0) {
              std::cerr << "cnisim: " << e.path << ": no echo reply over the emulated network\n";
              code = 1;
            }
          }
        }
      }
      if (json) {
        std::cout << emulate_json(scenario_arg, spec, cluster, emu.plan(), not_emulated, results, ping_run ? &*ping_run : nullptr,
                                  emulated, simulated);
      }
      const auto errors = emu.down();
      for (const auto& e : errors) std::cerr << "cnisim: could not remove namespace " << e << '\n';
      if (!errors.empty()) code = 1;
    } catch (const std::exception&) {
      if (!interrupt.signal()) throw;  // the namespaces are gone already: ~Emulation ran
    }
    if (interrupt.signal()) {
      std::cerr << "cnisim: interrupted; every namespace of this run was removed\n";
      return 128 + interrupt.signal();
    }
    return code;
  };
  return s;
}

}  // namespace cnisim::cli
