// cnisim init: starter scenarios from az aks create's flags and from az aks show's JSON (fixtures in
// tests/scenario/az/, written in the shape of the ARM ManagedCluster the az CLI prints).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/tools/run_cnisim.hpp"

namespace {

using cnisim::testing::run_cnisim;

std::string temp_path(const std::string& name) {
  return "/tmp/cnisim-init-test-" + std::to_string(::getpid()) + "-" + name;
}

const std::string kAz = "tests/scenario/az/";

}  // namespace

TEST_CASE("init from az aks create flags writes a scenario of the cluster those flags describe") {
  const auto file = temp_path("flags.yaml");
  std::remove(file.c_str());
  const auto init = run_cnisim("init --network-plugin kubenet --node-count 4 --pod-cidr 10.100.0.0/16 --max-pods 50 "
                               "--name shop -o " + file);
  INFO(init.err);
  REQUIRE(init.exitCode == 0);
  const auto nodes = run_cnisim("get nodes -o json -f " + file);
  REQUIRE(nodes.exitCode == 0);
  for (int i = 0; i < 4; ++i) {
    CHECK_THAT(nodes.out, Catch::Contains("\"podCIDR\": \"10.100." + std::to_string(i) + ".0/24\""));
  }
  const auto written = cnisim::testing::read_file(file);
  CHECK_THAT(written, Catch::Contains("maxPods: 50"));
  CHECK_THAT(written, Catch::Contains("# Written by `cnisim init` from: az aks create --network-plugin kubenet"));
  CHECK_THAT(nodes.out, !Catch::Contains("10.100.4.0/24"));
  // Writing over a file needs --force.
  const auto again = run_cnisim("init -o " + file);
  CHECK(again.exitCode == 2);
  CHECK_THAT(again.err, Catch::Contains("--force"));
  CHECK(run_cnisim("init --force -o " + file).exitCode == 0);
  std::remove(file.c_str());
}

TEST_CASE("every starter traffic template runs and moves traffic under each plugin") {
  for (const char* traffic : {"chatty", "bulk", "service-heavy"}) {
    for (const char* plugin : {"kubenet", "azure"}) {
      INFO(traffic << " " << plugin);
      const auto file = temp_path(std::string(traffic) + "-" + plugin + ".yaml");
      std::remove(file.c_str());
      const auto init = run_cnisim(std::string("init --traffic ") + traffic + " --network-plugin " + plugin + " -o " + file);
      INFO(init.err);
      REQUIRE(init.exitCode == 0);
      const auto run = run_cnisim("run -o json -f " + file);
      INFO(run.err);
      REQUIRE(run.exitCode == 0);
      if (std::string(traffic) == "bulk") {
        CHECK_THAT(run.out, !Catch::Contains("\"bulkBytesDelivered\": 0,"));
      } else {
        CHECK_THAT(run.out, !Catch::Contains("\"completed\": 0,"));
      }
      std::remove(file.c_str());
    }
  }
}

TEST_CASE("init names the flag whose value the scenario refuses and exits 2") {
  const auto plugin = run_cnisim("init --network-plugin calico");
  CHECK(plugin.exitCode == 2);
  CHECK_THAT(plugin.err, Catch::Contains("--network-plugin: unknown value 'calico'"));
  const auto cidr = run_cnisim("init --pod-cidr 10.0.0/8");
  CHECK(cidr.exitCode == 2);
  CHECK_THAT(cidr.err, Catch::Contains("--pod-cidr:"));
  const auto mode = run_cnisim("init --network-plugin kubenet --network-plugin-mode overlay");
  CHECK(mode.exitCode == 2);
  CHECK_THAT(mode.err, Catch::Contains("--network-plugin-mode:"));
  const auto traffic = run_cnisim("init --traffic heavy");
  CHECK(traffic.exitCode == 2);
  CHECK_THAT(traffic.err, Catch::Contains("expected chatty, bulk, service-heavy or none"));
  const auto zones = run_cnisim("init --zones 1 2 3");
  CHECK(zones.exitCode == 0);
  CHECK_THAT(zones.err, Catch::Contains("--zones 1 2 3: zones are not modelled yet"));
  CHECK_THAT(zones.out, Catch::Contains("--zones 1 2 3: zones are not modelled yet"));  // kept as a comment
}

TEST_CASE("init from az aks show carries the network profile and the agent pools over") {
  const auto kubenet = run_cnisim("init --from-az " + kAz + "kubenet-basic.json");
  INFO(kubenet.err);
  REQUIRE(kubenet.exitCode == 0);
  CHECK_THAT(kubenet.out, Catch::Contains("name: aks-cni"));
  CHECK_THAT(kubenet.out, Catch::Contains("networkPlugin: kubenet"));
  CHECK_THAT(kubenet.out, Catch::Contains("maxSurge: 10%"));
  CHECK_THAT(kubenet.out, Catch::Contains("kubernetesVersion: \"1.29.7\""));
  // Every field is accounted for; a switched-off setting loses nothing and is not listed.
  CHECK_THAT(kubenet.err, !Catch::Contains("loadBalancerSku"));  // standard: what the egress model follows
  CHECK_THAT(kubenet.err, Catch::Contains("not about the data path, left out: azurePortalFqdn"));
  CHECK_THAT(kubenet.err, !Catch::Contains("enableAutoScaling"));

  const auto overlay = run_cnisim("init --from-az " + kAz + "overlay-cilium-two-pools.json --traffic none");
  INFO(overlay.err);
  REQUIRE(overlay.exitCode == 0);
  for (const char* line : {"networkPluginMode: overlay", "networkDataplane: cilium", "podCidr: 192.168.0.0/16",
                           "dnsServiceIP: 172.16.0.10", "name: apps", "count: 5", "vmSize: Standard_D8s_v5", "mode: User"}) {
    CHECK_THAT(overlay.out, Catch::Contains(line));
  }
  CHECK_THAT(overlay.err, Catch::Contains("agentPoolProfiles[1].someFutureField: unknown to cnisim, left out"));
  CHECK_THAT(overlay.out, Catch::Contains("availabilityZones: [\"1\", \"2\", \"3\"]"));  // the pool's zones, kept
  CHECK_THAT(overlay.err, Catch::Contains("agentPoolProfiles[0].vnetSubnetId: your own subnet"));
  CHECK_THAT(overlay.err, Catch::Contains("agentPoolProfiles[1].enableAutoScaling: not modelled yet"));
  CHECK_THAT(overlay.out, !Catch::Contains("traffic:"));
  CHECK_THAT(overlay.out, Catch::Contains("loadBalancerProfile:\n      managedOutboundIPs: {count: 2}"));
  CHECK_THAT(overlay.err, !Catch::Contains("loadBalancerProfile"));
  // The written file is a scenario of 7 nodes in two pools.
  const auto file = temp_path("overlay.yaml");
  std::remove(file.c_str());
  REQUIRE(run_cnisim("init --from-az " + kAz + "overlay-cilium-two-pools.json -o " + file).exitCode == 0);
  const auto nodes = run_cnisim("get nodes -f " + file);
  REQUIRE(nodes.exitCode == 0);
  CHECK_THAT(nodes.out, Catch::Contains("aks-apps-"));
  CHECK_THAT(nodes.out, Catch::Contains("aks-system-"));
  const auto labels = run_cnisim("get nodes --show-labels -f " + file);
  CHECK_THAT(labels.out, Catch::Contains("topology.kubernetes.io/zone=1"));
  std::remove(file.c_str());
}

TEST_CASE("a value of az aks show that the scenario refuses is reported at its line and column in the JSON") {
  const auto cidr = run_cnisim("init --from-az " + kAz + "bad-pod-cidr.json");
  CHECK(cidr.exitCode == 2);
  CHECK_THAT(cidr.err, Catch::StartsWith(kAz + "bad-pod-cidr.json:5:5: error: networkProfile.podCidr:"));
  const auto type = run_cnisim("init --from-az " + kAz + "bad-type.json");
  CHECK(type.exitCode == 2);
  CHECK_THAT(type.err, Catch::StartsWith(kAz + "bad-type.json:4:27: error: agentPoolProfiles[0].count: is not a whole number"));
  const auto broken = run_cnisim("init --from-az " + kAz + "not-json.json");
  CHECK(broken.exitCode == 2);
  CHECK_THAT(broken.err, Catch::Contains("not-json.json:4:1: error: is not JSON"));
  const auto missing = run_cnisim("init --from-az " + kAz + "no-such-file.json");
  CHECK(missing.exitCode == 2);
  const auto mixed = run_cnisim("init --from-az " + kAz + "kubenet-basic.json --network-plugin azure");
  CHECK(mixed.exitCode == 2);
  CHECK_THAT(mixed.err, Catch::Contains("--network-plugin with --from-az"));
}

TEST_CASE("init from az aks show carries a NAT gateway's public IPs and idle timeout over") {
  const auto json = temp_path("nat.json");
  std::ofstream(json) << R"({"name": "nat", "kubernetesVersion": "1.30.5",
    "agentPoolProfiles": [{"name": "nodepool1", "count": 3, "mode": "System", "osType": "Linux"}],
    "networkProfile": {"networkPlugin": "kubenet", "outboundType": "managedNATGateway", "loadBalancerSku": "standard",
      "natGatewayProfile": {"managedOutboundIPProfile": {"count": 2}, "idleTimeoutInMinutes": 10,
                            "effectiveOutboundIPs": [{"id": "/subscriptions/x/ip1"}, {"id": "/subscriptions/x/ip2"}]}}})";
  const auto run = run_cnisim("init --from-az " + json + " --traffic none");
  INFO(run.err);
  REQUIRE(run.exitCode == 0);
  CHECK_THAT(run.out, Catch::Contains("outboundType: managedNATGateway"));
  CHECK_THAT(run.out, Catch::Contains("natGatewayProfile:\n      managedOutboundIPProfile: {count: 2}\n      idleTimeoutInMinutes: 10"));
  CHECK_THAT(run.err, !Catch::Contains("natGatewayProfile"));
  std::remove(json.c_str());
}
