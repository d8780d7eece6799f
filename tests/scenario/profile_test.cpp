// Cost profiles: quantities parse exactly, the shipped profile is complete, a scenario's costs
// override it, and mistakes are reported with file:line:col like the scenario loader's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "models/scenario/cost_profile.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/quantity.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/scenario/scenario_test_support.hpp"

using namespace cnisim;
using namespace cnisim::scenario;

TEST_CASE("durations and rates parse exactly in integers and print back the same") {
  CHECK(parse_duration("1.5us") == sim::ps(1500000));
  CHECK(parse_duration("0.05ns") == sim::ps(50));
  CHECK(parse_duration("2ms") == sim::ms(2));
  CHECK(parse_duration("0") == sim::Time::zero());
  CHECK_FALSE(parse_duration("0.5ps"));  // finer than a picosecond
  CHECK_FALSE(parse_duration("5"));      // no unit
  CHECK_FALSE(parse_duration("-1ns"));
  CHECK(parse_rate("12.5Gbps") == sim::mbps(12500));
  CHECK(parse_rate("unlimited") == sim::DataRate{});
  CHECK_FALSE(parse_rate("0Gbps"));
  CHECK(format_duration(sim::ps(1500000)) == "1.5us");
  CHECK(format_duration(sim::ps(64000)) == "64ns");
  CHECK(format_rate(sim::mbps(12500)) == "12.5Gbps");
}

TEST_CASE("the shipped aks-accelerated profile loads and prints as YAML that loads to the same numbers") {
  const auto p = load_profile(std::string(kDefaultProfile));
  CHECK(p.name == "aks-accelerated");
  CHECK(p.lookup_model == LookupCostModel::Constant);
  CHECK(p.iptables_per_rule == sim::ns(64));
  const auto again = load_profile_string(format_profile(p), "printed");
  CHECK(format_profile(again) == format_profile(p));
  CHECK(again.devices[3].fixed == p.devices[3].fixed);
  CHECK(again.links[6].rate == p.links[6].rate);
}

TEST_CASE("a profile missing a number is rejected, naming the missing key") {
  REQUIRE_THROWS_WITH(
      load_profile_string("name: partial\nttl: 64\n", "partial.yaml"),
      Catch::Contains(
          "partial.yaml:1:1: error: routeLookup.model: missing routeLookup.model and 94 more numbers "
          "(devices.podNamespace.fixed, devices.podNamespace.perByte,"));
}

TEST_CASE("a scenario's costs override single numbers of the profile") {
  const auto spec = test::load(
      "cluster: {name: c}\ncosts:\n  devices:\n    bridge: {fixed: 1.25us}\n  netfilter: {iptablesPerRule: 90ns}\n");
  const auto& p = spec.costs.profile;
  const auto base = load_profile(std::string(kDefaultProfile));
  CHECK(p.device(scenario::DeviceKind::Bridge).fixed == sim::ns(1250));
  CHECK(p.device(scenario::DeviceKind::Bridge).per_byte == base.device(scenario::DeviceKind::Bridge).per_byte);
  CHECK(p.iptables_per_rule == sim::ns(90));
  CHECK(p.conntrack_lookup == base.conntrack_lookup);
}

TEST_CASE("unknown keys and bad quantities in costs give file, line, column and a hint") {
  const std::string yaml = R"(cluster:
  name: c
  kubernetesVersion: "1.29.7"
  networkProfile: {networkPlugin: kubenet}
nodePools:
  - {name: pool, count: 1, vmSize: Standard_D8s_v5, osType: Linux, mode: System}
costs:
  devices:
    brigde: {fixed: 1us}
    nic: {fixed: fast}
)";
  REQUIRE_THROWS_WITH(
      scenario::load_scenario_string(yaml, "bad-costs.yaml"),
      Catch::Contains("bad-costs.yaml:9:5: error: costs.devices.brigde: unknown key") &&
          Catch::Contains("did you mean 'bridge'?") &&
          Catch::Contains("bad-costs.yaml:10:18: error: costs.devices.nic.fixed: not a duration"));
}

TEST_CASE("the sockets block sets what opening a connection costs, from the profile or the scenario, and says where it is wrong") {
  auto base = load_profile(std::string(kDefaultProfile));
  CHECK(base.sockets.connect == sim::us(8));
  CHECK(base.sockets.accept == sim::us(20));
  // The printed profile carries the block, and reads back the same.
  const std::string printed = format_profile(base);
  CHECK_THAT(printed, Catch::Contains("sockets:\n  connect: 8us\n  accept: 20us"));
  CHECK(load_profile_string(printed, "printed").sockets.accept == sim::us(20));
  // A scenario overrides one number and keeps the other.
  const auto spec = test::load("cluster: {name: c}\ncosts:\n  sockets: {accept: 1.5us}\n");
  CHECK(spec.costs.profile.sockets.accept == sim::ns(1500));
  CHECK(spec.costs.profile.sockets.connect == sim::us(8));
  // Both are assumed numbers, so --sensitivity varies them.
  std::vector<std::string> varied;
  for (const auto& n : cost_knobs(base)) varied.push_back(n.path);
  CHECK(std::count(varied.begin(), varied.end(), "sockets.connect") == 1);
  CHECK(std::count(varied.begin(), varied.end(), "sockets.accept") == 1);
  REQUIRE_THROWS_WITH(
      test::load("cluster: {name: c}\ncosts:\n  sockets: {conect: 1us, accept: -2us}\n"),
      Catch::Contains(":3:13: error: costs.sockets.conect: unknown key") && Catch::Contains("did you mean 'connect'?") &&
          Catch::Contains("costs.sockets.accept: not a duration"));
}
