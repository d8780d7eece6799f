// Before a run: traffic that would take hours or exhaust memory is refused at once with the estimate,
// the traffic item's file:line:col and the flag that raises the budget; endpoints that name nothing
// are reported at their own field; a run cut short by its duration says how many calls it cut off.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "models/workload/scenario_run.hpp"

using namespace cnisim;

namespace {

const std::string kCluster =
    "cluster: {name: c, kubernetesVersion: \"1.29.7\", networkProfile: {networkPlugin: kubenet}}\n"
    "nodePools: [{name: pool1, count: 2}]\n"
    "workloads: [{name: client, replicas: 2}, {name: server, replicas: 2}]\n"
    "traffic:\n";

struct Refusal {
  std::string text;
  std::chrono::duration<double> elapsed{};
};

Refusal refuse(const std::string& traffic, std::uint64_t max_events = workload::kDefaultMaxEvents) {
  const auto start = std::chrono::steady_clock::now();
  Refusal r;
  try {
    workload::RunOptions options;
    options.max_events = max_events;
    workload::run_scenario(scenario::load_scenario_string(kCluster + traffic, "budget.yaml"), options);
  } catch (const scenario::ScenarioError& e) {
    r.text = e.what();
  }
  r.elapsed = std::chrono::steady_clock::now() - start;
  return r;
}

}  // namespace

TEST_CASE("traffic far beyond the work budget is refused within a second with the estimate and --max-events") {
  struct Case {
    std::string name;
    std::string traffic;
    std::string where;
  };
  const std::vector<Case> cases = {
      {"a million seconds", "  chatty: [{clients: {app: client}, servers: {app: server}, duration: 1000000s}]\n",
       "budget.yaml:5:12: error: traffic.chatty[0]: this traffic asks for about"},
      {"a trillion chains", "  chatty: [{clients: {app: client}, servers: {app: server}, chains: 1000000000000}]\n",
       "budget.yaml:5:12: error: traffic.chatty[0]"},
      {"concurrency 100000 at depth 1000",
       "  chatty: [{clients: {app: client}, servers: {app: server}, concurrency: 100000, chainDepth: 1000, "
       "duration: 1s}]\n",
       "budget.yaml:5:12: error: traffic.chatty[0]"},
      {"an open loop at 10^12 per second",
       "  chatty: [{clients: {app: client}, servers: {app: server}, rate: 1000000000000, duration: 10ms}]\n",
       "budget.yaml:5:12: error: traffic.chatty[0]"},
      {"bulk at 100 Gbps for 10^6 s",
       "  bulk: [{from: 10.224.0.4, to: 10.224.0.5, rate: 100Gbps, duration: 1000000s}]\n",
       "budget.yaml:5:10: error: traffic.bulk[0]"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const Refusal r = refuse(c.traffic);
    INFO(r.text);
    CHECK_THAT(r.text, Catch::Contains(c.where));
    CHECK_THAT(r.text, Catch::Contains("more than the budget of 6e+09 events"));
    CHECK_THAT(r.text, Catch::Contains("--max-events N"));
    CHECK(r.elapsed.count() < 1.0);
  }
}

TEST_CASE("a run within the budget is not refused and a lower budget refuses it") {
  const std::string traffic = "  chatty: [{clients: {app: client}, servers: {app: server}, chains: 1000}]\n";
  CHECK(refuse(traffic).text.empty());
  // 1,000 calls x (2 segments + an ACK for every two) x 25 events is 7.5e4: a budget of 1,000 events
  // refuses it.
  CHECK_THAT(refuse(traffic, 1000).text, Catch::Contains("about 7.5e+04 engine events (1e+03 calls, 3e+03 packets)"));
}

TEST_CASE("a ping endpoint that names no pod is reported at its field with the names that exist") {
  const Refusal r = refuse("  ping: [{from: 10.224.0.4, to: pod/nobody}]\n");
  CHECK_THAT(r.text, Catch::StartsWith("budget.yaml:5:33: error: traffic.ping[0].to: 'pod/nobody': no pod"));
  CHECK_THAT(r.text, Catch::Contains("cnisim get pods -A"));
}

TEST_CASE("a run stopped by its duration counts the calls it cut off") {
  auto spec = scenario::load_scenario_string(
      kCluster + "  chatty: [{clients: {app: client}, servers: {app: server}, serverTime: 1ms, chains: 1000}]\n"
                 "run: {duration: 2500us}\n",
      "cut.yaml");
  const auto r = workload::run_scenario(spec);
  CHECK(r.calls_cut_off > 0);
  CHECK(r.calls_started == r.calls_completed + r.calls_failed + r.calls_cut_off);
  // Two clients, one slot each, 1 ms of server time per call: two or three calls each before 2.5 ms.
  CHECK(r.calls_completed >= 4);
  CHECK(r.calls_completed <= 6);
  CHECK(r.calls_cut_off == 2);
}
