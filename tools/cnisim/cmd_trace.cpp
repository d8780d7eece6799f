// cnisim trace FROM TO: one packet and its reply, hop by hop, explained.
#include <iostream>
#include <stdexcept>

#include "models/capture/pcap_capture.hpp"
#include "models/cluster/builder.hpp"
#include "models/dataplane/trace.hpp"
#include "models/dataplane/trace_call.hpp"
#include "models/workload/scenario_run.hpp"
#include "tools/cnisim/capture_options.hpp"
#include "tools/cnisim/scenario_input.hpp"
#include "tools/cnisim/strict_parse.hpp"

namespace cnisim::cli {

Subcommand trace_subcommand() {
  Subcommand s;
  s.name = "trace";
  s.summary = "follow one packet and its reply through the cluster, explaining every hop, or one TCP call's segments";
  s.usage = "cnisim trace [-f FILE] [--plugin P] [--size BYTES | --call [--request B] [--response B] [--nagle]]\n"
            "                    [--show-profile] [--pcap DIR] FROM TO";
  s.examples =
      "  FROM and TO: pod/NAME (or pod/NAMESPACE/NAME), svc/NAME, node/NAME, vm/NAME or an IP address\n"
      "  cnisim get pods -A -o wide                      # find pod names first\n"
      "  cnisim trace pod/nginx-xxxxx-aaaaa pod/nginx-xxxxx-bbbbb        # kubenet: bridge + UDR\n"
      "  cnisim trace --plugin azure pod/nginx-xxxxx-aaaaa svc/nginx    # Service DNAT, VNet-native\n"
      "  cnisim trace pod/nginx-xxxxx-aaaaa vm/vm-in-vnet              # masquerade to the node IP\n"
      "  cnisim trace pod/nginx-xxxxx-aaaaa svc/nginx --pcap captures/  # and a pcap file per interface\n"
      "  cnisim trace --call --response 20000 pod/nginx-xxxxx-aaaaa svc/nginx  # a TCP call, segment by segment\n";
  s.options = [](po::options_description& o, po::positional_options_description& positional) {
    add_scenario_options(o);
    add_strict_option(o);
    add_capture_options(o);
    o.add_options()("size", po::value<std::string>()->value_name("BYTES"), "packet size in bytes, 1 to 65535 (default: 64)")(
        "show-profile", "print the cost profile in use (YAML) before the trace")(
        "call", "trace one TCP call on a new connection instead: every segment (handshake, data, ACKs, FINs)")(
        "request", po::value<std::string>()->value_name("BYTES"), "with --call: the request's bytes (default: 200)")(
        "response", po::value<std::string>()->value_name("BYTES"), "with --call: the response's bytes (default: 1000)")(
        "nagle", "with --call: leave Nagle's algorithm on (default: TCP_NODELAY, as gRPC and Go set it)")(
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
    const bool call = vm.count("call") > 0;
    for (const char* only : {"request", "response", "nagle"}) {
      if (!call && vm.count(only)) throw UsageError(std::string("--") + only + " goes with --call, which traces a TCP call");
    }
    if (call && vm.count("size")) throw UsageError("--size is the packet of a one-packet trace; with --call give --request and --response");
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
      dataplane::CallTraceOptions call_options;
      if (vm.count("request"))
        call_options.request = static_cast<std::uint32_t>(parse_whole_number(vm["request"].as<std::string>(), 1, 1u << 30, "--request", "--request 200"));
      if (vm.count("response"))
        call_options.response = static_cast<std::uint32_t>(parse_whole_number(vm["response"].as<std::string>(), 1, 1u << 30, "--response", "--response 1000"));
      call_options.no_delay = vm.count("nagle") == 0;
      const auto out = call ? dataplane::trace_call(cluster, profile, ends[0], ends[1], call_options, capture ? &*capture : nullptr)
                            : dataplane::trace(cluster, profile, ends[0], ends[1], size, capture ? &*capture : nullptr);
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
