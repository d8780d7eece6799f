#pragma once
// A small cluster (scenarios/dataplane-two-pods.yaml: a client and a server pod on two nodes) under
// a chosen plugin, a Network over it, and a handler that records what arrives and what is dropped.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/cluster/builder.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "models/scenario/cost_profile.hpp"
#include "models/dataplane/network.hpp"

namespace cnisim::dataplane::testing {

inline std::string source_dir() {
  const char* dir = std::getenv("CNISIM_SOURCE_DIR");
  return dir ? dir : ".";
}

inline scenario::ScenarioSpec two_pods_spec(scenario::PluginKind plugin) {
  auto spec = scenario::load_scenario_file(source_dir() + "/scenarios/dataplane-two-pods.yaml");
  if (plugin != spec.plugin()) scenario::apply_plugin(spec, plugin);
  return spec;
}

struct Arrival {
  Packet packet;
  HostRef at;
  std::int64_t time_ps = 0;
};

// Records deliveries and drops; answers echo requests (kind 1) with a reply (kind 2) when asked.
class Recorder : public DeliveryHandler {
 public:
  explicit Recorder(Network& network, bool echo = false) : network_(network), echo_(echo) {}
  void delivered(PacketId, const Packet& p, HostRef at) override {
    arrivals.push_back({p, at, network_.simulator().now().ps()});
    if (echo_ && p.kind == 1) network_.send(at, p.tuple.reversed(), p.size, 2, p.tag, p.traced);
  }
  void dropped(PacketId, const Packet& p, DropReason reason) override { drops.push_back({p, reason}); }
  std::vector<Arrival> arrivals;
  std::vector<std::pair<Packet, DropReason>> drops;

 private:
  Network& network_;
  bool echo_;
};

// The cluster, engine and network of one test.
struct Bench {
  explicit Bench(scenario::PluginKind plugin, std::optional<CostProfile> costs = std::nullopt,
                 std::optional<scenario::ScenarioSpec> spec = std::nullopt, const cluster::BuildOptions& build = {})
      : cluster(cluster::build_cluster(spec ? *spec : two_pods_spec(plugin), build)),
        profile(costs ? *costs : scenario::load_profile(std::string(scenario::kDefaultProfile))),
        network(cluster, profile, sim, NetworkOptions{1, false}),
        recorder(network, true) {
    network.set_handler(&recorder);
  }
  cluster::PodIndex pod(std::string_view workload, std::uint32_t ordinal = 0) const {
    for (cluster::PodIndex p = 0; p < cluster.pods().size(); ++p) {
      if (cluster.workload(p).name == workload && cluster.pods()[p].ordinal == ordinal) return p;
    }
    throw std::runtime_error("no pod of workload " + std::string(workload));
  }
  HostRef host(std::string_view workload) const { return HostRef{HostRef::Kind::Pod, pod(workload)}; }
  net::FiveTuple tcp(HostRef from, net::Ipv4 dst, std::uint16_t port) const {
    return net::FiveTuple{net::Protocol::Tcp, network.address_of(from), 40000, dst, port};
  }
  // The devices a traced packet crossed, by kind, in order.
  std::vector<scenario::DeviceKind> path(PacketId packet) const {
    std::vector<scenario::DeviceKind> kinds;
    for (const auto& hop : network.trace()) {
      if (hop.packet == packet) kinds.push_back(cluster.devices()[hop.device].kind);
    }
    return kinds;
  }

  cluster::Cluster cluster;
  CostProfile profile;
  // The binary heap: these tests keep a handful of events pending, and it is the cheaper queue in
  // unoptimized (sanitizer) builds, where the radix heap's bucket scans dominate.
  sim::Simulator sim{sim::QueueKind::BinaryHeap};
  Network network;
  Recorder recorder;
};

}  // namespace cnisim::dataplane::testing
