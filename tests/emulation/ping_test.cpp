// The scenario's pings run for real: ICMP echo between the emulation's namespaces, bounded in count
// and time, round trips reported as the simulator's ping latency is; entries that name something
// emulate cannot ping are refused at their place in the file.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "models/dataplane/results.hpp"
#include "models/emulation/emulator.hpp"
#include "models/emulation/ping.hpp"
#include "models/scenario/diagnostics.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;

namespace {

std::string diagnostics_text(const scenario::ScenarioError& e) {
  std::string text;
  for (const auto& d : e.diagnostics()) text += scenario::format_diagnostic(d);
  return text;
}

constexpr std::array kEmulable = {cluster::PluginKind::Kubenet, cluster::PluginKind::AzureNodeSubnet,
                                  cluster::PluginKind::AzureOverlay};

scenario::ScenarioSpec scenario_under(const std::string& file, cluster::PluginKind plugin) {
  auto spec = scenario::load_scenario_file(scenario_path(file));
  scenario::apply_plugin(spec, plugin);
  return spec;
}

}  // namespace

TEST_CASE("The hop-overhead scenario's ping entry resolves to the client and server pods with its count and interval") {
  const auto spec = scenario::load_scenario_file(scenario_path("hop-overhead.yaml"));
  const auto c = cluster::build_cluster(spec);
  const auto targets = plan_pings(spec, c);
  REQUIRE(targets.size() == 1);
  const auto& t = targets[0];
  REQUIRE(t.path == "traffic.ping[0]");
  REQUIRE(t.from.kind == dataplane::HostRef::Kind::Pod);
  REQUIRE(t.to);
  REQUIRE(t.to->kind == dataplane::HostRef::Kind::Pod);
  REQUIRE(t.address == c.pods()[t.to->index].ip);
  REQUIRE(c.pods()[t.from.index].node != c.pods()[t.to->index].node);
  REQUIRE_FALSE(t.service);
  REQUIRE(t.count == 200);
  REQUIRE(t.interval == std::chrono::milliseconds(1));
  REQUIRE(t.size == 64);
  REQUIRE(t.description.find("client-") != std::string::npos);
}

TEST_CASE("A ping to a Service is a handshake to its ClusterIP whose endpoints listen on the target port") {
  auto spec = scenario::load_scenario_file(scenario_path("seed-walkthrough.yaml"));
  const auto c = cluster::build_cluster(spec);
  spec.traffic.ping.push_back({"pod/" + c.pod_namespace(0) + "/" + c.pod_name(0), "svc/default/nginx", 3, sim::ms(1), 64});
  const auto targets = plan_pings(spec, c);
  REQUIRE(targets.size() == 1);
  const auto nginx = c.find_service("default", "nginx");
  REQUIRE(nginx);
  REQUIRE(targets[0].service == nginx);
  REQUIRE_FALSE(targets[0].to);
  REQUIRE(targets[0].port == 80);
  REQUIRE(targets[0].target_port == 80);
  REQUIRE(targets[0].endpoints == c.services()[*nginx].endpoints);
  REQUIRE(targets[0].description.find("TCP handshake") != std::string::npos);
}

TEST_CASE("A ping to an address no namespace owns or a sized ping to a Service is refused at the entry's place in the file") {
  const auto path = scenario_path("hop-overhead.yaml");
  auto spec = scenario::load_scenario_file(path);
  const auto c = cluster::build_cluster(spec);
  const auto client = spec.traffic.ping[0].from;
  spec.traffic.ping.push_back({client, "192.0.2.77", 3, sim::ms(1), 64});
  spec.traffic.ping.push_back({client, "pod/no-such-pod", 3, sim::ms(1), 64});
  spec.traffic.ping.push_back({"svc/kube-system/kube-dns", spec.traffic.ping[0].to, 3, sim::ms(1), 64});
  try {
    (void)plan_pings(spec, c);
    FAIL("plan_pings accepted entries it cannot emulate");
  } catch (const scenario::ScenarioError& e) {
    const auto text = diagnostics_text(e);
    INFO(text);
    REQUIRE(e.diagnostics().size() == 3);
    REQUIRE(text.find("hop-overhead.yaml:") != std::string::npos);
    REQUIRE(text.find("traffic.ping[1].to: '192.0.2.77' (192.0.2.77) is no host of the cluster") != std::string::npos);
    REQUIRE(text.find("traffic.ping[2].to") != std::string::npos);
    REQUIRE(text.find("traffic.ping[3].from: 'svc/kube-system/kube-dns' is not a host that can send") != std::string::npos);
    REQUIRE(text.find("hint:") != std::string::npos);
  }
}

TEST_CASE("A ping to a Service that sets size is refused at the size in the file") {
  // A copy of the seed walkthrough with one ping entry at its end.
  const auto file = std::filesystem::temp_directory_path() / ("cnisim-ping-size-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ifstream in(scenario_path("seed-walkthrough.yaml"));
    REQUIRE(in);
    std::ofstream out(file);
    out << in.rdbuf() << "\ntraffic:\n  ping:\n    - {from: node/aks-nodepool1-12883929-vmss000000, to: svc/default/nginx, size: 100}\n";
  }
  const auto spec = scenario::load_scenario_file(file.string());
  std::filesystem::remove(file);
  try {
    (void)plan_pings(spec, cluster::build_cluster(spec));
    FAIL("a sized ping to a Service was accepted");
  } catch (const scenario::ScenarioError& e) {
    const auto text = diagnostics_text(e);
    INFO(text);
    REQUIRE(e.diagnostics().size() == 1);
    REQUIRE(e.diagnostics()[0].line > 1);
    REQUIRE(text.find("traffic.ping[0].size: a ping to a Service is a TCP handshake") != std::string::npos);
  }
}

TEST_CASE("The hop-overhead pings cross nodes over real ICMP and are all answered under kubenet azure and overlay") {
  if (!skip_without_namespaces().empty()) return;
  for (const auto plugin : kEmulable) {
    const auto spec = scenario_under("hop-overhead.yaml", plugin);
    const auto c = cluster::build_cluster(spec);
    const auto targets = plan_pings(spec, c);
    std::string prefix;
    {
      Emulation emu(c);
      prefix = emu.prefix();
      emu.up();
      const auto t0 = std::chrono::steady_clock::now();
      const auto run = run_emulated_pings(emu, targets, std::chrono::seconds(5));
      const auto took = std::chrono::steady_clock::now() - t0;
      const auto summary = dataplane::summarize(run.latency);
      INFO(cluster::to_string(plugin) << ": took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
           << " ms, partial " << run.partial << ", sent " << (run.entries.empty() ? 0 : run.entries[0].sent) << ", answered "
           << (run.entries.empty() ? 0 : run.entries[0].answered) << ", round trips p50 " << summary.p50_ps / 1e6
           << " us max " << summary.max_ps / 1e6 << " us");
      REQUIRE_FALSE(run.partial);
      REQUIRE(run.entries.size() == 1);
      REQUIRE(run.entries[0].sent == 200);
      REQUIRE(run.entries[0].answered == 200);
      REQUIRE(summary.count == 200);
      REQUIRE(summary.p50_ps > 0);
      REQUIRE(summary.max_ps < std::chrono::duration_cast<std::chrono::nanoseconds>(kReplyWait).count() * 1000);
      // 200 requests 1 ms apart: paced, not sent at once.
      REQUIRE(took >= std::chrono::milliseconds(199));
    }
    REQUIRE(namespaces_with_prefix(prefix) == 0);
  }
}

TEST_CASE("Pings stop at the wall-clock cap and say so") {
  if (!skip_without_namespaces().empty()) return;
  auto spec = scenario::load_scenario_file(scenario_path("hop-overhead.yaml"));
  spec.traffic.ping[0].count = 1000000;
  const auto c = cluster::build_cluster(spec);
  Emulation emu(c);
  emu.up();
  const auto t0 = std::chrono::steady_clock::now();
  const auto run = run_emulated_pings(emu, plan_pings(spec, c), std::chrono::milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE(run.partial);
  REQUIRE(run.entries[0].sent > 0);
  REQUIRE(run.entries[0].sent < 1000);
  REQUIRE(run.entries[0].answered > 0);
  REQUIRE(took < std::chrono::milliseconds(300) + kReplyWait + std::chrono::milliseconds(500));
}

TEST_CASE("Pings to the nginx Service are answered by its endpoints through kube-proxy's DNAT under kubenet azure and overlay") {
  if (!skip_without_namespaces().empty()) return;
  for (const auto plugin : kEmulable) {
    auto spec = scenario_under("seed-walkthrough.yaml", plugin);
    const auto c = cluster::build_cluster(spec);
    // From a pod that is not an endpoint (coredns) and from the first node (hostNetwork side).
    cluster::PodIndex client = 0;
    while (c.host_network(client) || (c.workload(client).labels.count("app") && c.workload(client).labels.at("app") == "nginx")) ++client;
    spec.traffic.ping.push_back({"pod/" + c.pod_namespace(client) + "/" + c.pod_name(client), "svc/default/nginx", 100, sim::us(500), 64});
    spec.traffic.ping.push_back({"node/" + c.nodes()[0].name, "svc/default/nginx", 100, sim::us(500), 64});
    const auto targets = plan_pings(spec, c);
    Emulation emu(c);
    emu.up();
    const auto run = run_emulated_pings(emu, targets, std::chrono::seconds(5));
    INFO(cluster::to_string(plugin));
    REQUIRE_FALSE(run.partial);
    for (const auto& entry : run.entries) {
      INFO(entry.description);
      REQUIRE(entry.sent == 100);
      REQUIRE(entry.answered == 100);
    }
    REQUIRE(dataplane::summarize(run.latency).count == 200);
  }
}

TEST_CASE("A stop request ends the pings at once") {
  if (!skip_without_namespaces().empty()) return;
  const auto spec = scenario::load_scenario_file(scenario_path("hop-overhead.yaml"));
  const auto c = cluster::build_cluster(spec);
  Emulation emu(c);
  emu.up();
  const std::atomic<bool> stop{true};
  const auto run = run_emulated_pings(emu, plan_pings(spec, c), std::chrono::seconds(5), &stop);
  REQUIRE(run.partial);
  REQUIRE(run.entries[0].sent == 0);
}
