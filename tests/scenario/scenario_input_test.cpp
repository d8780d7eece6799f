// Reading input files never blocks or reads without bound, warnings name what is not modelled, and
// yaml-cpp stays inside models/scenario.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "models/scenario/scenario_loader.hpp"
#include "models/scenario/yaml_input_guard.hpp"
#include "tests/scenario/scenario_test_support.hpp"

namespace cnisim::scenario {
namespace {

using Catch::Contains;
using test::error_text;
using test::load;

// A FIFO with no writer: opening it for reading the ordinary way would block forever.
struct Fifo {
  std::string path = "/tmp/cnisim-scenario-test-fifo-" + std::to_string(::getpid());
  Fifo() {
    ::unlink(path.c_str());
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  }
  ~Fifo() { ::unlink(path.c_str()); }
};

const char* kTwoWorkloads =
    "cluster: {name: c, networkProfile: {networkPlugin: kubenet}}\n"
    "workloads: [{name: web}, {name: api}]\n";

}  // namespace

TEST_CASE("a FIFO named as the scenario is refused at once without blocking") {
  const Fifo fifo;
  const auto start = std::chrono::steady_clock::now();
  const std::string text = error_text([&] { load_scenario_file(fifo.path); });
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK_THAT(text, Contains(fifo.path + ":1:1: error: is a FIFO (named pipe), not a regular file"));
}

TEST_CASE("a FIFO or a device named as the cost profile is refused at costs.profile") {
  const Fifo fifo;
  const std::string fifo_text = error_text([&] { load(std::string(kTwoWorkloads) + "costs: {profile: " + fifo.path + "}\n"); });
  CHECK_THAT(fifo_text, Contains("test.yaml:3:18: error: costs.profile: cannot read the cost profile '" + fifo.path +
                                 "': is a FIFO (named pipe), not a regular file"));
  const std::string device_text = error_text([&] { load(std::string(kTwoWorkloads) + "costs: {profile: /dev/zero}\n"); });
  CHECK_THAT(device_text, Contains("is a character device, not a regular file"));
}

TEST_CASE("a cost profile over the size limit is refused without reading it whole") {
  const std::string path = "/tmp/cnisim-scenario-test-big-profile.yaml";
  {
    std::ofstream out(path);
    out << "name: big\n# " << std::string(InputLimits{}.max_bytes, 'x') << "\n";
  }
  const std::string text = error_text([&] { load(std::string(kTwoWorkloads) + "costs: {profile: " + path + "}\n"); });
  CHECK_THAT(text, Contains(path + ":1:1: error: the file is") && Contains("limit for a cost profile"));
  std::remove(path.c_str());
}

TEST_CASE("a cost profile's own YAML errors point at the profile's line and column") {
  const std::string path = "/tmp/cnisim-scenario-test-bad-profile.yaml";
  std::ofstream(path) << "name: p\ndevices:\n  bridge: {fixed: 1us\n";
  const std::string text = error_text([&] { load(std::string(kTwoWorkloads) + "costs: {profile: " + path + "}\n"); });
  CHECK_THAT(text, Contains(path + ":4:1: error: YAML syntax error"));
  std::remove(path.c_str());
}

TEST_CASE("settings that are accepted but not modelled come back as warnings naming the field") {
  const ScenarioSpec spec = load(
      "cluster:\n  name: c\n  networkProfile:\n    networkPlugin: azure\n    networkPolicy: calico\n"
      "    outboundType: managedNATGateway\n"
      "nodePools: [{name: pool1, count: 2, vmSize: Standard_D2s_v3}]\n");
  // A network policy engine is modelled (docs/network-policy.md): no warning for it.
  REQUIRE(spec.warnings.size() == 1);
  CHECK(format_diagnostic(spec.warnings[0]).starts_with("test.yaml:7:45: warning: nodePools[0].vmSize: "));
  CHECK_THAT(spec.warnings[0].message, Contains("Standard_D2s_v3 has no Accelerated Networking"));
  CHECK(load("cluster: {name: c}\n").warnings.empty());
  // The egress types that are modelled give no warning.
  for (const char* type : {"loadBalancer", "managedNATGateway", "userAssignedNATGateway", "none"}) {
    CAPTURE(type);
    CHECK(load(std::string("cluster: {name: c, networkProfile: {outboundType: ") + type + "}}\n").warnings.empty());
  }
  CHECK(load("cluster: {name: c, networkProfile: {outboundType: userDefinedRouting}, vnet: {addressSpace: [10.1.0.0/16], "
             "nodeSubnet: 10.1.0.0/22, routes: [{addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, "
             "nextHopIpAddress: 10.1.8.4}]}}\n")
            .warnings.empty());
}

TEST_CASE("a load balancer's default SNAT allocation on over 1,000 nodes is a warning: Azure's table stops there") {
  const ScenarioSpec spec = load(
      "cluster: {name: c, networkProfile: {networkPlugin: azure, networkPluginMode: overlay, podCidr: 10.240.0.0/12}}\n"
      "nodePools: [{name: pool1, count: 1000}, {name: pool2, count: 10}]\n");
  REQUIRE(spec.warnings.size() == 1);
  CHECK_THAT(spec.warnings[0].message, Contains("1,000 VMs") && Contains("1010"));
  CHECK(load("cluster: {name: c, networkProfile: {networkPlugin: azure, networkPluginMode: overlay, podCidr: 10.240.0.0/12, loadBalancerProfile: "
             "{allocatedOutboundPorts: 48, managedOutboundIPs: {count: 2}}}}\n"
             "nodePools: [{name: pool1, count: 1000}, {name: pool2, count: 10}]\n")
            .warnings.empty());
}

TEST_CASE("a kube-proxy mode under the cilium dataplane is a warning: cilium replaces kube-proxy") {
  const ScenarioSpec spec = load(
      "cluster: {name: c, networkProfile: {networkPlugin: azure, networkPluginMode: overlay, networkDataplane: "
      "cilium, kubeProxyConfig: {mode: IPVS}}}\n");
  REQUIRE(spec.warnings.size() == 1);
  CHECK_THAT(spec.warnings[0].message, Contains("replaces kube-proxy"));
}

TEST_CASE("moving a cluster with traffic to networkPlugin none is refused: pods there have no network") {
  ScenarioSpec spec = load(std::string(kTwoWorkloads) +
                           "traffic: {chatty: [{clients: {app: web}, servers: {app: api}, chains: 5}]}\n");
  CHECK_THAT(error_text([&] { apply_plugin(spec, PluginKind::None); }),
             Contains("test.yaml:3:10: error: traffic: traffic cannot run under networkPlugin none"));
}

TEST_CASE("the work-bound durations and counts are read exactly and a zero duration is refused") {
  const ScenarioSpec spec = load(std::string(kTwoWorkloads) +
                                 "traffic: {chatty: [{clients: {app: web}, servers: {app: api}, duration: 1000000s, "
                                 "chains: 1000000000000}]}\n");
  CHECK(spec.traffic.chatty[0].duration == sim::seconds(1000000));
  CHECK(spec.traffic.chatty[0].chains == 1000000000000ull);
  CHECK_THAT(error_text([&] { load(std::string(kTwoWorkloads) + "run: {duration: 0}\n"); }),
             Contains("test.yaml:3:17: error: run.duration: must be more than 0"));
}

TEST_CASE("no code outside models/scenario includes yaml-cpp") {
  std::vector<std::string> offenders;
  for (const char* area : {"sim", "models", "tools", "bench"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(test::source_dir() / area)) {
      const auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      if (entry.path().parent_path().filename() == "scenario") continue;
      std::ifstream in(entry.path());
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find("yaml-cpp/") != std::string::npos || text.find("YAML::") != std::string::npos) {
        offenders.push_back(entry.path().string());
      }
    }
  }
  CHECK(offenders.empty());
  INFO("files: " << offenders.size());
}

}  // namespace cnisim::scenario

namespace cnisim::scenario {

TEST_CASE("document markers are found in the text: a second document after content is refused at its line") {
  const std::string head = "cluster: {name: c}\n";
  CHECK(load("---\n# a leading marker opens the only document\n" + head).cluster.name == "c");
  CHECK(load(head + "workloads:\n  - name: w\n    image: |\n      --- not a marker when indented\n").workloads.size() >= 1);
  CHECK_THAT(error_text([&] { load(head + "--- \nb: 2\n"); }), Contains("test.yaml:2:1: error: a second YAML document"));
  CHECK_THAT(error_text([&] { load(head + "...\nb: 2\n"); }), Contains("test.yaml:2:1: error: a second YAML document"));
  CHECK_THAT(error_text([&] { load("---\n" + head + "---\n"); }), Contains("test.yaml:3:1: error: a second YAML document"));
  CHECK(load(head + "...\n# only comments after the end marker\n").cluster.name == "c");
}

TEST_CASE("input on which yaml-cpp's LoadAll never returns is rejected at once") {
  // Found by the fuzzer: yaml-cpp 0.7's LoadAll keeps creating nodes on it; the loader uses Load.
  const auto start = std::chrono::steady_clock::now();
  const std::string text = error_text([&] { load(", 6 in a row.\n    - name: a\n      clients: {app: b}\n      ser   mode: System\n"); });
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK_THAT(text, Contains("test.yaml:1:1: error:"));
}

}  // namespace cnisim::scenario
