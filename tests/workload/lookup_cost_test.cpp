// The route-lookup cost models: constant by default (machine-independent), proportional to the
// lookup's work, or measured on this machine (reported in the host section).
#include <catch2/catch.hpp>
#include <cstdlib>

#include "models/scenario/scenario_loader.hpp"
#include "models/workload/scenario_run.hpp"

using namespace cnisim;

namespace {

scenario::ScenarioSpec two_pods() {
  const char* dir = std::getenv("CNISIM_SOURCE_DIR");
  auto spec =
      scenario::load_scenario_file(std::string(dir ? dir : ".") + "/scenarios/dataplane-two-pods.yaml");
  spec.traffic.chatty[0].chains = 10;
  return spec;
}

}  // namespace

TEST_CASE("the constant lookup model is the default and does not time anything on the host") {
  const auto r = workload::run_scenario(two_pods());
  CHECK(r.lookup_cost_model == "constant");
  for (double ns : r.host.lookup_ns) CHECK(ns == 0.0);
}

TEST_CASE("the proportional lookup model charges per unit of lookup work, so calls get slower with it") {
  auto spec = two_pods();
  spec.costs.profile.lookup_per_work.fill(sim::us(1));
  const auto constant = workload::run_scenario(spec);
  spec.run.lookup_cost_model = scenario::LookupCostModel::Proportional;
  const auto proportional = workload::run_scenario(spec);
  CHECK(proportional.lookup_cost_model == "proportional");
  // Every lookup does at least one unit of work: 4 lookups per packet at >= 1 us each, vs tens of ns.
  CHECK(proportional.call_latency.min_ps > constant.call_latency.min_ps + 2 * 4 * 900000);
}

TEST_CASE("the measured lookup model times each table on this machine and reports it in the host section") {
  workload::RunOptions options;
  options.lookup_cost_model = scenario::LookupCostModel::Measured;
  const auto r = workload::run_scenario(two_pods(), options);
  CHECK(r.lookup_cost_model == "measured");
  for (double ns : r.host.lookup_ns) CHECK(ns > 0.0);
  const auto json = dataplane::to_json_text(r, true);
  CHECK_THAT(json, Catch::Contains("\"host\":{") && Catch::Contains("\"lookupNs\""));
  CHECK_THAT(dataplane::to_json_text(r), !Catch::Contains("\"host\""));
}
