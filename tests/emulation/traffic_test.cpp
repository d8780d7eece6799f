// The chatty calls run for real between the pod namespaces: bounded, every call answered, latencies
// in the Results schema.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "models/emulation/emulator.hpp"
#include "models/emulation/traffic.hpp"
#include "models/workload/scenario_run.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;

TEST_CASE("The seed walkthrough's default calls to the nginx Service complete over real TCP under kubenet azure and overlay") {
  if (!skip_without_namespaces().empty()) return;
  for (const std::string file : {"seed-walkthrough.yaml", "seed-walkthrough-azure.yaml", "overlay"}) {
    auto spec = scenario::load_scenario_file(scenario_path(file == "overlay" ? "seed-walkthrough.yaml" : file));
    if (file == "overlay") scenario::apply_plugin(spec, cluster::PluginKind::AzureOverlay);
    const auto c = cluster::build_cluster(spec);
    REQUIRE(add_default_chatty(spec, c));
    REQUIRE(spec.traffic.chatty.size() == 1);
    std::string prefix;
    {
      Emulation emu(c);
      prefix = emu.prefix();
      emu.up();
      TrafficOptions limits;
      limits.max_calls = 200;
      limits.wall = std::chrono::milliseconds(3000);
      const auto r = run_emulated_traffic(emu, spec, limits);
      INFO(file);
      REQUIRE(r.calls_started <= 200);
      REQUIRE(r.calls_completed > 0);
      REQUIRE(r.calls_failed == 0);
      // None stuck: a pod whose connection kube-proxy sent to itself is answered (hairpin masquerade).
      REQUIRE(r.calls_cut_off == 0);
      REQUIRE_FALSE(r.partial);
      REQUIRE(r.chains_completed > 0);
      REQUIRE(r.call_latency.count == r.calls_completed);
      REQUIRE(r.call_latency.p50_ps > 0);
      REQUIRE(r.chain_latency.p50_ps >= r.call_latency.p50_ps);
      // No first-contact stall: proxy ARP answers at once (it waited up to 0.8 s before, once per pod).
      REQUIRE(r.call_latency.max_ps < 200'000'000'000);
    }
    REQUIRE(namespaces_with_prefix(prefix) == 0);
  }
}

TEST_CASE("Kept-alive connections pinned to the model's servers reach them under kubenet and azure") {
  if (!skip_without_namespaces().empty()) return;
  for (const std::string file : {"seed-walkthrough.yaml", "seed-walkthrough-azure.yaml"}) {
    auto spec = scenario::load_scenario_file(scenario_path(file));
    const auto c = cluster::build_cluster(spec);
    REQUIRE(add_default_chatty(spec, c));
    spec.traffic.chatty[0].concurrency = 2;  // 20 connections to the Service's 10 endpoints
    std::vector<dataplane::KeptConnection> model, reached, unpinned;
    workload::RunOptions run_options;
    run_options.kept_connections = &model;
    workload::run_scenario(spec, run_options);
    REQUIRE(model.size() == 20);
    Emulation emu(c);
    emu.up();
    TrafficOptions options;
    options.max_calls = 100;
    options.serial = true;
    options.reached = &unpinned;
    // Unpinned, every connection still says who answered: one of the Service's endpoints.
    REQUIRE(run_emulated_traffic(emu, spec, options).calls_failed == 0);
    REQUIRE(unpinned.size() == 20);
    for (const auto& k : unpinned) CHECK(c.workload(k.server).name == "nginx");
    options.pins = &model;
    options.reached = &reached;
    const auto r = run_emulated_traffic(emu, spec, options);
    INFO(file);
    REQUIRE(r.calls_failed == 0);
    std::sort(model.begin(), model.end());
    std::sort(reached.begin(), reached.end());
    CHECK(reached == model);
  }
}

TEST_CASE("The emulation refuses the traffic it does not run: UDP calls a pool of connections and name lookups") {
  // Refused before any namespace is used: no root needed.
  auto spec = scenario::load_scenario_file(scenario_path("seed-walkthrough.yaml"));
  const auto c = cluster::build_cluster(spec);
  REQUIRE(add_default_chatty(spec, c));
  const Emulation emu(c);
  const auto refusal = [&](const std::function<void(scenario::ChattySpec&)>& change) {
    auto changed = spec;
    change(changed.traffic.chatty[0]);
    try {
      (void)run_emulated_traffic(emu, changed, TrafficOptions{});
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(refusal([](scenario::ChattySpec& s) { s.transport = scenario::Transport::Udp; }).find("simulated only") != std::string::npos);
  CHECK(refusal([](scenario::ChattySpec& s) {
          s.connection = scenario::ConnectionMode::Pool;
          s.pool_size = 2;
        }).find("simulated only") != std::string::npos);
  CHECK(refusal([](scenario::ChattySpec& s) { s.resolve = true; }).find("resolve: true is simulated only") != std::string::npos);
}
