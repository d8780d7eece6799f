// End-to-end data-path throughput: simulated packet-hops (device or link traversals) per wall-clock
// second on a chatty kubenet scenario: 3 nodes, 10 pods (5 clients, 5 servers), 10^6 calls in
// chains of 4, 4 calls in flight per client. --short runs 10^5 calls. --transport tcp (the default:
// kept-alive connections, segments and ACKs) or udp (a datagram each way).
#include <boost/program_options.hpp>
#include <iostream>
#include <string>

#include "bench/bench_report.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "models/workload/scenario_run.hpp"

namespace po = boost::program_options;
using namespace cnisim;

namespace {

std::string scenario_yaml(std::uint64_t chains, const std::string& plugin, const std::string& transport) {
  return R"(cluster:
  name: throughput
  kubernetesVersion: "1.29.7"
  networkProfile: {networkPlugin: kubenet}
nodePools:
  - {name: nodepool1, count: 3, vmSize: Standard_D8s_v5, osType: Linux, mode: System}
workloads:
  - {kind: Deployment, name: client, image: curl, replicas: 5, labels: {app: client}}
  - {kind: Deployment, name: server, image: nginx, replicas: 5, labels: {app: server}}
traffic:
  chatty:
    - {name: calls, clients: {app: client}, servers: {app: server}, requestSize: 200, responseSize: 1000,
       chainDepth: 4, concurrency: 4, thinkTime: 1us, transport: )" + transport + R"(, chains: )" +
         std::to_string(chains) + R"(}
run: {seed: 1, plugin: )" +
         plugin + "}\n";
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts("scenario_throughput options");
  opts.add_options()("help", "show this help")("json", "one JSON object per line")(
      "short", "10^5 calls instead of 10^6")("plugin", po::value<std::string>()->default_value("kubenet"),
                                             "kubenet | azure | overlay | cilium")(
      "transport", po::value<std::string>()->default_value("tcp"), "tcp | udp");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, opts), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts << '\n';
    return 0;
  }
  const std::uint64_t calls = vm.count("short") ? 100000 : 1000000;
  const std::string plugin = vm["plugin"].as<std::string>();
  const std::string transport = vm["transport"].as<std::string>();
  const auto spec = scenario::load_scenario_string(scenario_yaml(calls / 4, plugin, transport), "scenario_throughput");
  const auto r = workload::run_scenario(spec);

  bench::BenchReport report("scenario_throughput", vm.count("json") > 0);
  boost::json::object row;
  row["impl"] = plugin + "/" + transport;
  row["calls"] = r.calls_completed;
  row["packets"] = r.packets_delivered;
  row["packet_hops"] = r.packet_hops;
  row["events"] = r.events;
  row["wall_s"] = r.host.wall_seconds;
  row["packet_hops_per_s"] = r.host.packet_hops_per_second;
  row["events_per_s"] = r.host.events_per_second;
  row["ns_per_hop"] = r.packet_hops ? r.host.wall_seconds * 1e9 / static_cast<double>(r.packet_hops) : 0.0;
  row["call_p50_us"] = static_cast<double>(r.call_latency.p50_ps) / 1e6;
  row["call_p99_us"] = static_cast<double>(r.call_latency.p99_ps) / 1e6;
  row["segments_per_call"] = r.tcp.per_call(static_cast<double>(r.tcp.segments()));
  report.row(std::move(row));
  report.print_table();
  return r.calls_completed == calls ? 0 : 1;
}
