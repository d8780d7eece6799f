#include <catch2/catch.hpp>

#include <set>

#include "models/cluster/builder.hpp"
#include "models/cluster/pod_naming.hpp"
#include "tests/cluster/builder_fixture.hpp"

using namespace cnisim;
using namespace cnisim::cluster;

namespace {
std::vector<std::uint32_t> per_node(const Cluster& c, const std::string& workload) {
  std::vector<std::uint32_t> counts(c.nodes().size(), 0);
  for (PodIndex p = 0; p < c.pods().size(); ++p) counts[c.pods()[p].node] += c.workload(p).name == workload;
  return counts;
}
}  // namespace

TEST_CASE("replicas spread to the least-loaded node, ties going to the earlier node") {
  // kube-proxy on every node, CoreDNS on nodes 0 and 1, so nginx starts on node 2.
  const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::Kubenet, 3, 10));
  CHECK(per_node(c, "coredns") == std::vector<std::uint32_t>{1, 1, 0});
  CHECK(per_node(c, "nginx") == std::vector<std::uint32_t>{3, 3, 4});
  CHECK(per_node(c, "kube-proxy") == std::vector<std::uint32_t>{1, 1, 1});
  std::vector<std::uint32_t> nodes_in_order;
  for (PodIndex p = 0; p < c.pods().size(); ++p) {
    if (c.workload(p).name == "nginx") nodes_in_order.push_back(c.pods()[p].node);
  }
  CHECK(nodes_in_order == std::vector<std::uint32_t>{2, 0, 1, 2, 0, 1, 2, 0, 1, 2});
}

TEST_CASE("maxPods caps every node, hostNetwork pods included") {
  auto spec = testing::walkthrough_spec(PluginKind::Kubenet, 2, 16);
  spec.nodePools[0].maxPods = 10;  // 1 kube-proxy + CoreDNS 1 + 8 nginx per node fills both
  const Cluster c = build_cluster(spec);
  for (const auto& n : c.nodes()) CHECK(n.podCount == 10);
}

TEST_CASE("replicas that do not fit are reported with the workload, the count and a hint") {
  auto spec = testing::walkthrough_spec(PluginKind::Kubenet, 2, 17);
  spec.nodePools[0].maxPods = 10;
  REQUIRE_THROWS_WITH(build_cluster(spec),
                      "cannot build cluster aks-cni: Deployment default/nginx: 1 of 17 replicas cannot be scheduled: "
                      "every Linux node is at maxPods; add nodes, raise maxPods or lower replicas");
}

TEST_CASE("Linux workloads never land on Windows nodes and Windows ones only there") {
  auto spec = testing::walkthrough_spec(PluginKind::AzureOverlay, 2, 6);
  NodePoolSpec win = spec.nodePools[0];
  win.name = "win";
  win.osType = OsType::Windows;
  win.mode = PoolMode::User;
  spec.nodePools.push_back(win);
  auto iis = testing::workload(WorkloadKind::Deployment, "default", "iis", 4, {{"app", "iis"}}, false, false);
  iis.nodeOs = OsType::Windows;
  spec.workloads.push_back(iis);
  const Cluster c = build_cluster(spec);
  for (PodIndex p = 0; p < c.pods().size(); ++p) {
    const bool windows_node = c.nodes()[c.pods()[p].node].os == OsType::Windows;
    CHECK(windows_node == (c.workload(p).name == "iis"));
  }
  CHECK(c.nodes()[2].name == "akswin000000");
}

TEST_CASE("pod names are unique within a workload and deterministic") {
  const auto w = testing::workload(WorkloadKind::Deployment, "default", "web", 0, {}, false, false);
  std::set<std::string> names;
  for (std::uint32_t i = 0; i < 200'000; ++i) names.insert(pod_name(w, i));
  CHECK(names.size() == 200'000);
  CHECK(pod_name(w, 7) == pod_name(w, 7));
  const auto ds = testing::workload(WorkloadKind::DaemonSet, "kube-system", "kube-proxy", 0, {}, true, true);
  CHECK(pod_name(ds, 0).size() == std::string("kube-proxy-").size() + 5);
}

TEST_CASE("Linux node names follow AKS: aks-<pool>-<8 digits>-vmss<6 base-36 digits>") {
  NodePoolSpec pool;
  pool.name = "nodepool1";
  const std::string name = node_name("aks-cni", pool, 10);
  CHECK(name.size() == std::string("aks-nodepool1-12345678-vmss00000a").size());
  CHECK(name.rfind("aks-nodepool1-", 0) == 0);
  CHECK(name.substr(name.size() - 10) == "vmss00000a");
}
