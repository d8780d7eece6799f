// cnisim run: one scenario under one plugin, the figures of issue 6 in a table, JSON or CSV.
#include <iostream>

#include "tools/cnisim/capture_options.hpp"
#include "tools/cnisim/comparison_run.hpp"
#include "tools/cnisim/interrupt.hpp"
#include "tools/cnisim/scenario_input.hpp"

namespace cnisim::cli {

Subcommand run_subcommand() {
  Subcommand s;
  s.name = "run";
  s.summary = "run a scenario's traffic and report latency, hops, lookups, NAT and drops";
  s.usage = "cnisim run [-f FILE] [--plugin P] [-o table|json|csv] [--seed N] [--duration DURATION] [--html FILE] [--pcap DIR]";
  s.examples =
      "  cnisim run -f scenarios/chatty-app.yaml                  # the scenario's own plugin\n"
      "  cnisim run -f scenarios/chatty-app.yaml --plugin azure -o json > azure.json\n"
      "  cnisim run -f scenarios/hop-overhead.yaml -o csv --seed 42\n"
      "  cnisim run -f scenarios/chatty-app.yaml --html run.html  # a page with the latency CDF\n"
      "  cnisim run -f scenarios/chatty-app.yaml --duration 1ms --pcap captures/  # pcap per interface\n"
      "Ctrl-C stops the run: the results so far are printed, marked partial, and cnisim exits 130.\n";
  s.options = [](po::options_description& o, po::positional_options_description&) {
    add_scenario_options(o);
    add_strict_option(o);
    add_report_options(o);
    add_capture_options(o);
  };
  s.run = [](const po::variables_map& vm) {
    const InterruptHandling interrupts;  // before loading: a Ctrl-C from now on gives a partial report
    const auto spec = load_scenario(vm, true);  // applies --plugin
    ComparisonOptions o;
    o.command = "run";
    o.stop = interrupts.flag();
    read_report_options(vm, o);
    o.capture = read_capture_options(vm);
    capture::CaptureSummary summary;
    o.capture_summary = &summary;
    const std::string scenario = vm.count("file") ? vm["file"].as<std::string>() : default_scenario_path();
    const auto run = run_comparison(spec, scenario, o);
    if (o.capture) std::cerr << "cnisim run: " << summary.text() << '\n';
    return write_reports(run, vm, interrupts.signal());
  };
  return s;
}

}  // namespace cnisim::cli
