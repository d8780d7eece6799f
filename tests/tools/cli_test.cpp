#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/tools/run_cnisim.hpp"

using cnisim::testing::run_cnisim;

TEST_CASE("cnisim --help lists every subcommand and exits 0") {
  const auto r = run_cnisim("--help");
  CHECK(r.exitCode == 0);
  for (const char* cmd : {"get", "routes", "plan", "graph"}) CHECK_THAT(r.out, Catch::Contains(std::string("  ") + cmd));
  CHECK_THAT(r.out, Catch::Contains("Examples:"));
}

TEST_CASE("a subcommand's --help shows its options and examples") {
  const auto r = run_cnisim("get --help");
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Catch::Contains("-o [ --output ] FORMAT"));
  CHECK_THAT(r.out, Catch::Contains("cnisim get pods -A -o wide"));
  CHECK_THAT(r.out, Catch::Contains("--plugin"));
}

TEST_CASE("cnisim without a command prints the overview to stderr and exits 2") {
  const auto r = run_cnisim("");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("Commands:"));
}

TEST_CASE("an unknown command exits 2 and points at --help") {
  const auto r = run_cnisim("frobnicate");
  CHECK(r.exitCode == 2);
  CHECK(r.err == "cnisim: unknown command 'frobnicate'; run `cnisim --help` for the list\n");
}

TEST_CASE("an unknown plugin exits 2 and lists the plugins") {
  const auto r = run_cnisim("get nodes --plugin calico");
  CHECK(r.exitCode == 2);
  CHECK(r.err == "cnisim: unknown plugin 'calico': expected one of kubenet, azure, overlay, cilium, none\n");
}

TEST_CASE("an unknown option exits 2") {
  const auto r = run_cnisim("get nodes --frobnicate");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("frobnicate"));
}

TEST_CASE("an unknown resource or output format exits 2 and says what is accepted") {
  auto r = run_cnisim("get deploymnts");
  CHECK(r.exitCode == 2);
  CHECK(r.err == "cnisim: unknown resource type 'deploymnts'; did you mean 'deployments'? expected one of nodes (no), "
                 "pods (po), services (svc), deployments (deploy), endpoints (ep), namespaces (ns)\n");
  r = run_cnisim("get pods -o xml");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::StartsWith("cnisim: unknown output format 'xml': expected wide, json, yaml, name, "
                                      "jsonpath=TEMPLATE or custom-columns=SPEC"));
  r = run_cnisim("get pods -o jsonpath");
  CHECK(r.exitCode == 2);
}

TEST_CASE("a bad scenario file exits 2 and prints the loader's file:line:col message") {
  const std::string path = "/tmp/cnisim-cli-test-bad.yaml";
  std::ofstream(path) << "cluster:\n  name: x\n  networkProfile:\n    podCidr: not-a-cidr\n";
  const auto r = run_cnisim("get nodes -f " + path);
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::StartsWith(path + ":4:"));
  CHECK_THAT(r.err, Catch::Contains("podCidr"));
  CHECK(r.out.empty());
}

TEST_CASE("a missing scenario file exits 2 and names the file") {
  const auto r = run_cnisim("routes -f /nonexistent/cluster.yaml");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("/nonexistent/cluster.yaml"));
}

TEST_CASE("a plugin the cluster does not fit exits 2 with the validation message") {
  const std::string path = "/tmp/cnisim-cli-test-windows.yaml";
  std::ofstream(path) << "cluster:\n  name: win\n  kubernetesVersion: \"1.29.7\"\n  networkProfile:\n"
                         "    networkPlugin: azure\nnodePools:\n  - name: sys\n    count: 1\n    mode: System\n"
                         "  - name: win\n    count: 1\n    osType: Windows\n";
  const auto r = run_cnisim("get nodes -f " + path + " --plugin kubenet");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("Windows"));
}

TEST_CASE("the -q and -v flags are accepted anywhere and -v logs to stderr only") {
  const auto quiet = run_cnisim("-q get nodes");
  const auto verbose = run_cnisim("get nodes -v");
  CHECK(quiet.exitCode == 0);
  CHECK(verbose.exitCode == 0);
  CHECK(quiet.out == verbose.out);
  CHECK_THAT(verbose.err, Catch::Contains("loading scenario"));
  CHECK(quiet.err.empty());
}

TEST_CASE("CNISIM_SCENARIOS overrides the folder of the default scenario") {
  const auto r = run_cnisim("get nodes", "CNISIM_SCENARIOS=/nonexistent");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("/nonexistent/seed-walkthrough.yaml"));
}

TEST_CASE("describe refuses what it cannot show and names what is missing") {
  auto r = run_cnisim("describe deploy nginx");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("expected node, pod or svc"));
  r = run_cnisim("describe pod nope");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("pods \"nope\" not found in namespace default"));
  r = run_cnisim("describe node");
  CHECK(r.exitCode == 2);
}

TEST_CASE("a node's capacity is its VM size's and its allocatable what AKS leaves of it") {
  // An 8-vCPU, 32 GiB D8s_v5 pool under azure with maxPods 30: CPU 8000m - 180m; memory 32768 MiB
  // less min(20 x 30 + 50, 8192) MiB kube-reserved and the 100Mi eviction threshold (AKS 1.29+).
  const std::string path = "/tmp/cnisim-capacity-" + std::to_string(::getpid()) + ".yaml";
  {
    std::ofstream f(path);
    f << "cluster: {name: c, kubernetesVersion: '1.30.1', networkProfile: {networkPlugin: azure}}\n"
         "nodePools: [{name: big, count: 1, vmSize: Standard_D8s_v5, maxPods: 30}]\n";
  }
  const auto r = run_cnisim("get nodes -f " + path +
                            " -o jsonpath={.items[0].status.capacity.cpu},{.items[0].status.capacity.memory},"
                            "{.items[0].status.allocatable.cpu},{.items[0].status.allocatable.memory},"
                            "{.items[0].status.allocatable.pods}");
  std::remove(path.c_str());
  CHECK(r.exitCode == 0);
  CHECK(r.out == "8,33554432Ki,7820m," + std::to_string((32768 - 650 - 100) * 1024) + "Ki,30");
}
