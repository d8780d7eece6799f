// cnisim compare: the same cluster, traffic, seed and pod placement under several plugins (and
// kube-proxy modes), run side by side on a thread pool, with differences and ratios.
#include "models/report/parallel_runs.hpp"
#include <algorithm>

#include "tools/cnisim/comparison_run.hpp"
#include "tools/cnisim/interrupt.hpp"
#include "tools/cnisim/scenario_input.hpp"
#include "tools/cnisim/strict_parse.hpp"

namespace cnisim::cli {

Subcommand compare_subcommand() {
  Subcommand s;
  s.name = "compare";
  s.summary = "run a scenario under several plugins side by side: latency differences and ratios";
  s.usage = "cnisim compare [-f FILE] [--plugins P1,P2,...] [--kube-proxy M1,M2] [-j N] [-o table|json|csv] [--html FILE]";
  s.examples =
      "  cnisim compare -f scenarios/chatty-app.yaml                       # kubenet vs azure\n"
      "  cnisim compare -f scenarios/chatty-app.yaml --plugins kubenet,azure,overlay,cilium --html report.html\n"
      "  cnisim compare -f scenarios/service-heavy.yaml --plugins kubenet --kube-proxy iptables,nftables\n"
      "  cnisim compare -f scenarios/hop-overhead.yaml -o csv -j 1 > hops.csv\n"
      "Ctrl-C stops the runs: the results so far are printed, marked partial, and cnisim exits 130.\n";
  s.options = [](po::options_description& o, po::positional_options_description&) {
    o.add_options()("file,f", po::value<std::string>()->value_name("FILE"), "scenario YAML file (default: scenarios/seed-walkthrough.yaml)")(
        "plugins", po::value<std::string>()->default_value("kubenet,azure")->value_name("LIST"),
        "plugins to compare, the first is the baseline: kubenet, azure, overlay, cilium, none (default with "
        "--byo-cni: none)")(
        "jobs,j", po::value<std::string>()->value_name("N"),
        ("runs at a time, 1 to " + std::to_string(kMaxJobs) +
         " (default: the number of cores, at most " + std::to_string(kMaxJobs) + "); output is the same for any N").c_str());
    o.add_options()("sensitivity", po::value<std::string>()->implicit_value("50")->value_name("PCT"),
                    "also rerun the first two plugins with each assumed (not measured) cost PCT% lower and higher, "
                    "one at a time (PCT 1 to 99, default 50): the range of the difference per request and the "
                    "costs that move it most (a table section, JSON, and a tornado chart in --html)");
    add_report_options(o);
    add_strict_option(o);
  };
  s.run = [](const po::variables_map& vm) {
    const InterruptHandling interrupts;  // before loading: a Ctrl-C from now on gives a partial report
    ComparisonOptions o;
    o.command = "compare";
    o.stop = interrupts.flag();
    o.plugins = parse_plugin_list(vm["plugins"].as<std::string>());
    if (vm.count("sensitivity")) {
      o.sensitivity_percent = static_cast<int>(
          parse_whole_number(vm["sensitivity"].as<std::string>(), 1, 99, "--sensitivity", "--sensitivity 50"));
      if (o.plugins.size() < 2) throw UsageError("--sensitivity compares two plugins: give at least two, e.g. --plugins kubenet,azure");
    }
    o.jobs = vm.count("jobs") ? parse_whole_number(vm["jobs"].as<std::string>(), 1, kMaxJobs, "-j", "-j 4")
                              : std::min(report::default_jobs(), kMaxJobs);
    read_report_options(vm, o);
    // --byo-cni compares bring-your-own CNIs: without --plugins, under networkPlugin none alone.
    if (!o.byo_cni.empty() && vm["plugins"].defaulted()) o.plugins = {scenario::PluginKind::None};
    const auto spec = load_scenario(vm, true);
    const std::string scenario = vm.count("file") ? vm["file"].as<std::string>() : default_scenario_path();
    const auto run = run_comparison(spec, scenario, o);
    return write_reports(run, vm, interrupts.signal());
  };
  return s;
}

}  // namespace cnisim::cli
