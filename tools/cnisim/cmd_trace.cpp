// cnisim trace FROM TO: one packet and its reply, hop by hop, explained.
#include <iostream>
#include <stdexcept>

#include "models/capture/pcap_capture.hpp"
#include "models/cluster/builder.hpp"
#include "models/dataplane/trace.hpp"
#include "models/workload/scenario_run.hpp"
#include "tools/cnisim/capture_options.hpp"
#include "tools/cnisim/scenario_input.hpp"
#include "tools/cnisim/strict_parse.hpp"

namespace cnisim::cli {

Subcommand trace_subcommand() {
  Subcommand s;
  s.name = "trace";
  s.summary = "follow one packet and its reply through the cluster, explaining every hop";
  s.usage = "cnisim trace [-f FILE] [--plugin P] [--size BYTES] [--show-profile] [--pcap DIR] FROM TO";
  s.examples =
      "  FROM and TO: pod/NAME (or pod/NAMESPACE/NAME), svc/NAME, node/NAME, vm/NAME or an IP address\n"
      "  cnisim get pods -A -o wide                      # find pod names first\n"
      "  cnisim trace pod/nginx-xxxxx-aaaaa pod/nginx-xxxxx-bbbbb        # kubenet: bridge + UDR\n"
      "  cnisim trace --plugin azure pod/nginx-xxxxx-aaaaa svc/nginx    # Service DNAT, VNet-native\n"
      "  cnisim trace pod/nginx-xxxxx-aaaaa vm/vm-in-vnet              # masquerade to the node IP\n"
      "  cnisim trace pod/nginx-xxxxx-aaaaa svc/nginx --pcap captures/  # and a pcap file per interface\n";
  s.options = [](po::options_description& o, po::positional_options_description& positional) {
    add_scenario_options(o);
    add_strict_option(o);
    add_capture_options(o);
    o.add_options()("size", po::value<std::string>()->value_name("BYTES"), "packet size in bytes, 1 to 65535 (default: 64)")(
        "show-profile", "print the cost profile in use (YAML) before the trace")(
        "endpoints", po::value<std::vector<std::string>>()->composing(), "FROM TO");
    positional.add("endpoints", 2);
  };
  s.run = [](const po::variables_map& vm) {
    const auto ends =
        vm.count("endpoints") ? vm["endpoints"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (ends.size() != 2) {
      throw UsageError(
          "trace needs FROM and TO, e.g. `cnisim trace pod/NAME svc/NAME`; see `cnisim trace --help`");
    }
    const auto size = vm.count("size")
                          ? static_cast<std::uint32_t>(parse_whole_number(vm["size"].as<std::string>(), 1, 65535, "--size", "--size 1500"))
                          : 64u;
    const auto capture_options = read_capture_options(vm);
    const auto spec = load_scenario(vm, true);
    const auto profile = workload::effective_profile(spec);
    const auto cluster = cluster::build_cluster(spec, cluster::BuildOptions{spec.run.route_table, {}});
    if (vm.count("show-profile")) std::cout << scenario::format_profile(profile) << '\n';
    try {
      std::optional<capture::PacketCapture> capture;
      if (capture_options) capture.emplace(cluster, *capture_options);
      const auto out = dataplane::trace(cluster, profile, ends[0], ends[1], size, capture ? &*capture : nullptr);
      for (const auto& line : out.lines) std::cout << line << '\n';
      if (capture) std::cerr << "cnisim trace: " << capture->write().text() << '\n';
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
