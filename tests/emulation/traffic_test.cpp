// The chatty calls run for real between the pod namespaces: bounded, every call answered, latencies
// in the Results schema.
#include <catch2/catch.hpp>

#include "models/emulation/emulator.hpp"
#include "models/emulation/traffic.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;

TEST_CASE("The seed walkthrough's default calls to the nginx Service complete over real TCP under kubenet and azure") {
  if (!skip_without_namespaces().empty()) return;
  for (const std::string file : {"seed-walkthrough.yaml", "seed-walkthrough-azure.yaml"}) {
    auto spec = scenario::load_scenario_file(scenario_path(file));
    const auto c = cluster::build_cluster(spec);
    REQUIRE(add_default_chatty(spec, c));
    REQUIRE(spec.traffic.chatty.size() == 1);
    std::string prefix;
    {
      Emulation emu(c);
      prefix = emu.prefix();
      emu.up();
      TrafficLimits limits;
      limits.max_calls = 200;
      limits.wall = std::chrono::milliseconds(3000);
      const auto r = run_emulated_traffic(emu, spec, limits);
      INFO(file);
      REQUIRE(r.calls_started <= 200);
      REQUIRE(r.calls_completed > 0);
      REQUIRE(r.calls_failed == 0);
      REQUIRE(r.chains_completed > 0);
      REQUIRE(r.call_latency.count == r.calls_completed);
      REQUIRE(r.call_latency.p50_ps > 0);
      REQUIRE(r.chain_latency.p50_ps >= r.call_latency.p50_ps);
    }
    REQUIRE(namespaces_with_prefix(prefix) == 0);
  }
}
