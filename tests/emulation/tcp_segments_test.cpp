// Against the kernel: the segments a TCP call costs in the model are the segments Linux sends for the
// same calls between the emulation's pod namespaces (each namespace's own /proc/net/snmp counters).
#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

#include "models/emulation/emulator.hpp"
#include "models/emulation/process.hpp"
#include "models/emulation/traffic.hpp"
#include "models/workload/scenario_run.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;

namespace {

struct TcpSnmp {
  std::uint64_t out_segs = 0, retrans_segs = 0, active_opens = 0;
};

// The Tcp: counters of /proc/net/snmp as the namespace sees them.
TcpSnmp snmp(const std::string& netns_path) {
  const auto r = run_command({"cat", "/proc/net/snmp"}, "", netns_path);
  REQUIRE(r.ok());
  std::istringstream in(r.out);
  std::string names, values;
  while (std::getline(in, names)) {
    if (names.rfind("Tcp:", 0) != 0) continue;
    std::getline(in, values);
    break;
  }
  std::istringstream n(names), v(values);
  std::string name, value;
  TcpSnmp out;
  while (n >> name && v >> value) {
    if (name == "OutSegs") out.out_segs = std::stoull(value);
    if (name == "RetransSegs") out.retrans_segs = std::stoull(value);
    if (name == "ActiveOpens") out.active_opens = std::stoull(value);
  }
  return out;
}

// The segments the client and server pods' kernels sent while the scenario's calls ran one at a time.
struct KernelCount {
  std::uint64_t calls = 0, client_segs = 0, server_segs = 0, retrans = 0, connections = 0;
};

KernelCount emulate_and_count(const scenario::ScenarioSpec& spec, const cluster::Cluster& c, std::uint64_t calls,
                              std::chrono::milliseconds settle) {
  cluster::PodIndex client = 0, server = 0;
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
    if (c.workload(p).name == "client") client = p;
    if (c.workload(p).name == "server") server = p;
  }
  KernelCount k;
  std::string prefix;
  {
    Emulation emu(c);
    prefix = emu.prefix();
    emu.up();
    const TcpSnmp client_before = snmp(emu.path_of_pod(client)), server_before = snmp(emu.path_of_pod(server));
    TrafficOptions limits;
    limits.max_calls = calls;
    limits.serial = true;
    limits.wall = std::chrono::milliseconds(5000);
    k.calls = run_emulated_traffic(emu, spec, limits).calls_completed;
    std::this_thread::sleep_for(settle);  // the last FINs or delayed ACK
    const TcpSnmp client_after = snmp(emu.path_of_pod(client)), server_after = snmp(emu.path_of_pod(server));
    k.client_segs = client_after.out_segs - client_before.out_segs;
    k.server_segs = server_after.out_segs - server_before.out_segs;
    k.retrans = client_after.retrans_segs - client_before.retrans_segs + server_after.retrans_segs - server_before.retrans_segs;
    k.connections = client_after.active_opens - client_before.active_opens;  // with the warm-up's
  }
  REQUIRE(namespaces_with_prefix(prefix) == 0);
  return k;
}

}  // namespace

TEST_CASE("A call on a new connection sends as many segments in the model as Linux does under kubenet and azure") {
  if (!skip_without_namespaces().empty()) return;
  for (const auto plugin : {cluster::PluginKind::Kubenet, cluster::PluginKind::AzureNodeSubnet}) {
    auto spec = scenario::load_scenario_file(scenario_path("dataplane-two-pods.yaml"));
    if (plugin != spec.plugin()) scenario::apply_plugin(spec, plugin);
    auto& chatty = spec.traffic.chatty.at(0);
    chatty.connection = scenario::ConnectionMode::PerCall;
    chatty.chain_depth = 1;
    chatty.chains = 30;
    const auto c = cluster::build_cluster(spec);
    // The model: every connection's segments, both ends.
    const auto model = workload::run_scenario(spec);
    REQUIRE(model.calls_completed == 30);
    REQUIRE(model.tcp.connections == 30);
    REQUIRE(model.tcp.retransmissions == 0);
    const double model_per_connection = static_cast<double>(model.tcp.segments()) / 30.0;
    // The kernel: the same calls, one at a time.
    const KernelCount k = emulate_and_count(spec, c, 30, std::chrono::milliseconds(50));
    REQUIRE(k.calls == 30);
    REQUIRE(k.connections >= 30);
    const double kernel_per_connection = static_cast<double>(k.client_segs + k.server_segs) / static_cast<double>(k.connections);
    INFO(cluster::to_string(plugin) << ": kernel " << k.client_segs << " + " << k.server_segs << " segments over "
                                    << k.connections << " connections (" << k.retrans << " retransmitted), model "
                                    << model_per_connection << " per connection");
    CHECK(k.retrans == 0);
    CHECK(kernel_per_connection == Approx(model_per_connection).epsilon(1e-9));
    // And the split: the client's SYN, handshake ACK, request, ACK of the response, FIN and last ACK;
    // the server's SYN-ACK, quick ACK, response and FIN.
    CHECK(k.client_segs == 6 * k.connections);
    CHECK(k.server_segs == 4 * k.connections);
  }
}

TEST_CASE("Calls on a kept-alive connection send a segment each way in the model as in Linux") {
  if (!skip_without_namespaces().empty()) return;
  auto spec = scenario::load_scenario_file(scenario_path("dataplane-two-pods.yaml"));
  auto& chatty = spec.traffic.chatty.at(0);
  chatty.chain_depth = 1;
  chatty.chains = 30;
  const auto c = cluster::build_cluster(spec);
  const auto model = workload::run_scenario(spec);
  REQUIRE(model.calls_completed == 30);
  REQUIRE(model.tcp.connections == 1);
  const KernelCount k = emulate_and_count(spec, c, 30, std::chrono::milliseconds(300));
  REQUIRE(k.calls == 30);
  // The kernel's count has the warm-up call and the close at the end (FINs and their ACKs) too.
  INFO("kernel " << k.client_segs << " + " << k.server_segs << " segments for 31 calls and a close; model "
                 << model.tcp.segments() << " for 30 calls (handshake " << model.tcp.handshake_segments << ", data "
                 << model.tcp.data_segments << ", pure ACKs " << model.tcp.pure_acks << ")");
  CHECK(model.tcp.data_segments == 60);
  const double kernel_beyond = static_cast<double>(k.client_segs + k.server_segs) - 2.0 * 31;
  const double model_beyond = static_cast<double>(model.tcp.segments()) - 2.0 * 30;
  // Beyond a request and a response per call: the handshake and a few ACKs that nothing carried.
  CHECK(kernel_beyond >= model_beyond);
  CHECK(kernel_beyond <= model_beyond + 4);  // + the close: a FIN each way and the last ACK
}
