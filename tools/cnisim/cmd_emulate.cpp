// cnisim emulate: the cluster rendered into real Linux network namespaces, real packets sent between
// them with real sockets, and what the kernel did (source seen, TTL, DNAT target, SNAT) compared with
// what the model says. Needs root. Every namespace is removed on exit, on error and after Ctrl-C;
// `--cleanup` removes what a killed run left.
#include <iostream>
#include <optional>
#include <stdexcept>

#include "models/cluster/builder.hpp"
#include "models/emulation/emulator.hpp"
#include "models/emulation/facts.hpp"
#include "models/emulation/traffic.hpp"
#include "models/report/number_format.hpp"
#include "tools/cnisim/strict_parse.hpp"
#include "models/workload/scenario_run.hpp"
#include "tools/cnisim/interrupt.hpp"
#include "tools/cnisim/scenario_input.hpp"

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
void print_latency(const dataplane::Results& emulated, const dataplane::Results* simulated) {
  std::cout << "\nCalls over real TCP (" << emulated.calls_completed << " of " << emulated.calls_started
            << " calls completed, " << emulated.calls_failed << " failed, " << emulated.calls_cut_off << " cut off, "
            << emulated.chains_completed << " chains" << (emulated.partial ? "; stopped by the time cap" : "") << "):\n";
  std::cout << "  latency (us)    emulated p50 / p90 / p99";
  if (simulated) std::cout << "      simulated p50 / p90 / p99";
  std::cout << '\n';
  auto row = [&](const char* name, const dataplane::LatencySummary& e, const dataplane::LatencySummary* s) {
    std::cout << "  " << name << "      " << us(static_cast<double>(e.p50_ps)) << " / " << us(static_cast<double>(e.p90_ps))
              << " / " << us(static_cast<double>(e.p99_ps));
    if (s) {
      std::cout << "      " << us(static_cast<double>(s->p50_ps)) << " / " << us(static_cast<double>(s->p90_ps)) << " / "
                << us(static_cast<double>(s->p99_ps));
    }
    std::cout << '\n';
  };
  row("call ", emulated.call_latency, simulated ? &simulated->call_latency : nullptr);
  row("chain", emulated.chain_latency, simulated ? &simulated->chain_latency : nullptr);
  if (simulated) {
    std::cout << "  (simulated: the model's cost profile for Azure hardware; emulated: veth pairs on this machine)\n";
  }
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
  s.usage = "cnisim emulate [-f FILE] [--plugin P] [--dry-run] | cnisim emulate --cleanup";
  s.examples =
      "  sudo cnisim emulate                          # seed-walkthrough under kubenet: model vs kernel\n"
      "  sudo cnisim emulate -f scenarios/seed-walkthrough-azure.yaml\n"
      "  cnisim emulate --dry-run --plugin azure      # print the ip / sysctl / iptables input, create nothing\n"
      "  sudo cnisim emulate --cleanup                # remove namespaces a killed run left behind\n"
      "  Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN). Namespaces are named cnisim-<pid>-<random>-...; nothing is\n"
      "  attached to the root namespace, and no packet is sent to an address outside the created namespaces.\n";
  s.options = [](po::options_description& o, po::positional_options_description&) {
    add_scenario_options(o);
    o.add_options()("dry-run", "print what would be given to ip, sysctl and iptables-restore; create nothing")(
        "cleanup", "remove every cnisim-<pid>-... namespace whose run (pid) is gone, then exit")(
        "no-traffic", "check the facts only; do not run the chatty calls")(
        "with-sim", "print the simulation of the same calls beside the emulated latencies")(
        "max-calls", po::value<std::string>()->value_name("N"), "stop starting calls after N (default 2000)")(
        "seconds", po::value<std::string>()->value_name("S"), "hard wall-clock cap on the calls, 1 to 60 (default 5)");
  };
  s.run = [](const po::variables_map& vm) {
    if (vm.count("cleanup")) {
      if (vm.count("file") || vm.count("plugin") || vm.count("dry-run")) {
        throw UsageError("--cleanup takes no other option: `cnisim emulate --cleanup`");
      }
      return cleanup();
    }
    emulation::TrafficLimits limits;
    if (vm.count("max-calls")) {
      limits.max_calls = parse_whole_number(vm["max-calls"].as<std::string>(), 1, 100000, "--max-calls", "--max-calls 500");
    }
    if (vm.count("seconds")) {
      limits.wall = std::chrono::seconds(parse_whole_number(vm["seconds"].as<std::string>(), 1, 60, "--seconds", "--seconds 5"));
    }
    auto spec = load_scenario(vm, true);
    const auto profile = workload::effective_profile(spec);
    const auto cluster = cluster::build_cluster(spec);
    if (!emulation::can_emulate(cluster.plugin_kind())) {
      throw UsageError("plugin " + std::string(cluster::to_string(cluster.plugin_kind())) +
                       " cannot be emulated yet: emulate runs kubenet and azure (node subnet); try --plugin kubenet");
    }
    if (const auto needed = emulation::namespaces_needed(cluster); needed > emulation::kMaxNamespaces) {
      throw UsageError("this cluster would need " + std::to_string(needed) + " network namespaces; emulate creates at most " +
                       std::to_string(emulation::kMaxNamespaces) + " (emulate a smaller copy: fewer nodes or replicas)");
    }
    if (vm.count("dry-run")) {
      std::cout << emulation::plan_text(emulation::render(cluster, "cnisim-DRYRUN-0000-"));
      return 0;
    }
    if (const auto problem = emulation::privilege_problem(); !problem.empty()) throw UsageError(problem);

    InterruptHandling interrupt;
    int code = 0;
    try {
      emulation::Emulation emu(cluster);  // removes its namespaces however this block is left
      std::cout << "Emulating " << spec.cluster.name << " under " << cluster::to_string(cluster.plugin_kind()) << " in "
                << emu.plan().namespaces.size() << " network namespaces (" << emu.prefix() << "*)\n";
      emu.up(interrupt.flag());
      std::cout << "Not emulated (the kernel cannot stand in for it):\n";
      for (const auto& line : emu.plan().notEmulated) std::cout << "  - " << line << '\n';
      std::cout << "How the rest is stood in for:\n";
      for (const auto& line : emu.plan().emulationChoices) std::cout << "  - " << line << '\n';
      std::cout << "\nObserved facts (one real packet per pair: UDP port " << emulation::kProbePort
                << ", or TCP to the Service), model beside kernel:\n";
      std::size_t disagreements = 0;
      for (const auto& pair : emulation::choose_pairs(cluster)) {
        if (interrupt.flag()->load()) break;
        const auto r = emulation::compare_pair(emu, profile, pair);
        std::cout << "  " << pair.kind << ": " << pair.description << '\n'
                  << "    model:  " << facts_text(r.simulated) << '\n'
                  << "    kernel: " << facts_text(r.observed) << '\n';
        for (const auto& line : r.observed.conntrack) std::cout << "    conntrack: " << line << '\n';
        std::cout << "    " << (r.differences.empty() ? "agree" : "DISAGREE") << '\n';
        for (const auto& d : r.differences) std::cout << "      " << d << '\n';
        disagreements += r.differences.empty() ? 0 : 1;
      }
      if (disagreements) {
        std::cerr << "cnisim: the kernel disagrees with the model on " << disagreements << " pair(s)\n";
        code = 1;
      }
      if (!vm.count("no-traffic") && !interrupt.flag()->load()) {
        if (!emulation::add_default_chatty(spec, cluster)) {
          std::cout << "\nNo chatty traffic in the scenario and no Service to call: no calls run.\n";
        } else {
          const auto emulated = emulation::run_emulated_traffic(emu, spec, limits, interrupt.flag());
          std::optional<dataplane::Results> simulated;
          if (vm.count("with-sim")) simulated = workload::run_scenario(spec);
          print_latency(emulated, simulated ? &*simulated : nullptr);
          if (emulated.calls_completed == 0) {
            std::cerr << "cnisim: no call completed over the emulated network\n";
            code = 1;
          }
        }
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
