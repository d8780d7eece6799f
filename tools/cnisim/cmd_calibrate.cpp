// cnisim calibrate: measures on this kernel, in network namespaces it creates, the Linux costs a
// profile uses (socket, veth, bridge, forwarding, conntrack, masquerade, iptables rules, nftables
// verdict map) and writes them into a profile. Needs root, as emulate does. See docs/calibrate.md.
#include <fstream>
#include <iostream>

#include "models/calibration/calibrate.hpp"
#include "models/calibration/calibrated_profile.hpp"
#include "models/emulation/netns.hpp"
#include "models/scenario/cost_profile.hpp"
#include "tools/cnisim/interrupt.hpp"
#include "tools/cnisim/strict_parse.hpp"
#include "tools/cnisim/subcommand.hpp"

namespace cnisim::cli {

Subcommand calibrate_subcommand() {
  Subcommand s;
  s.name = "calibrate";
  s.summary = "measure this kernel's socket, veth, bridge, forwarding and netfilter costs into a profile";
  s.usage = "cnisim calibrate [-o PROFILE.yaml] [--base NAME|FILE] [--seconds S] [--stand-ins] [-q]";
  s.examples =
      "  sudo cnisim calibrate -o my-node.yaml                # about 25 s; then: cnisim compare ... --profile my-node.yaml\n"
      "  sudo cnisim calibrate --stand-ins -o standins.yaml   # to check the model against `cnisim emulate` here\n"
      "  sudo cnisim calibrate --seconds 5 -o - -q            # a quick, noisier run; the profile on stdout\n"
      "  Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN). Its namespaces are named cnisim-<pid>-<random>-cal-...; they\n"
      "  are removed on exit, on error and on Ctrl-C (`cnisim emulate --cleanup` removes what a kill -9 left).\n";
  s.options = [](po::options_description& o, po::positional_options_description&) {
    o.add_options()("output,o", po::value<std::string>()->value_name("FILE"),
                    "where to write the profile (default calibrated.yaml; - for stdout, the table then goes to stderr)")(
        "base", po::value<std::string>()->value_name("NAME|FILE"),
        "the profile whose other numbers are kept (default aks-accelerated)")(
        "seconds", po::value<std::string>()->value_name("S"), "sampling time, 2 to 600 (default 20); setup adds a few seconds")(
        "stand-ins", "charge the NIC and VNet router what emulate's stand-ins cost (a veth, an IP forward), links no delay")(
        "quiet,q", "no progress lines");
  };
  s.run = [](const po::variables_map& vm) {
    calibration::CalibrationOptions options;
    if (vm.count("seconds")) {
      options.budget = std::chrono::seconds(parse_whole_number(vm["seconds"].as<std::string>(), 2, 600, "--seconds", "--seconds 20"));
    }
    const std::string base_name = vm.count("base") ? vm["base"].as<std::string>() : std::string(scenario::kDefaultProfile);
    const auto base = scenario::load_profile(base_name);  // bad base: ScenarioError at its file:line:col, exit 2
    const std::string output = vm.count("output") ? vm["output"].as<std::string>() : "calibrated.yaml";
    if (output.empty()) throw UsageError("-o needs a file name (or - for stdout), e.g. `-o my-node.yaml`");
    if (const auto problem = emulation::privilege_problem(); !problem.empty()) throw UsageError(problem);
    // Opened before measuring: a path that cannot be written is found in a second, not after the run.
    std::ofstream file;
    if (output != "-") {
      file.open(output);
      if (!file) throw UsageError("cannot write the profile to " + output + " (-o): give a path in a writable folder");
    }
    std::ostream& table = output == "-" ? std::cerr : std::cout;
    const bool quiet = vm.count("quiet") > 0;
    InterruptHandling interrupt;
    options.stop = interrupt.flag();
    options.progress = [&](const std::string& line) {
      if (!quiet) std::cerr << "cnisim calibrate: " << line << std::endl;
    };
    calibration::Calibration result;
    try {
      result = calibration::calibrate(options);  // removes its namespaces however it ends
    } catch (const std::exception&) {
      if (!interrupt.signal()) throw;
    }
    if (interrupt.signal()) {
      std::cerr << "cnisim: interrupted; every namespace of this run was removed; no profile written\n";
      return 128 + interrupt.signal();
    }
    const auto profile = calibration::calibrated_profile(result, base, base_name, vm.count("stand-ins") > 0);
    table << calibration::table_text(result);
    if (output == "-") {
      std::cout << profile.yaml;
    } else {
      file << profile.yaml;
      file.close();
      if (!file) throw std::runtime_error("cannot write the profile to " + output);
      table << "profile written to " << output << " (" << profile.profile.measured.size()
            << " numbers measured; use it with --profile " << output << ")\n";
    }
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
