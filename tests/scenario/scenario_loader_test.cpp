// Loading scenarios: the shipped seed walkthrough, AKS defaults, system workloads, marks, apply_plugin.
#include <algorithm>
#include <catch2/catch.hpp>

#include "models/scenario/aks_facts.hpp"
#include "scenario_test_support.hpp"

namespace cnisim::scenario {
namespace {

using test::load;

const WorkloadSpec* find_workload(const ScenarioSpec& spec, std::string_view name) {
  auto it = std::find_if(spec.workloads.begin(), spec.workloads.end(),
                         [&](const auto& w) { return w.name == name; });
  return it == spec.workloads.end() ? nullptr : &*it;
}

const ServiceSpec* find_service(const ScenarioSpec& spec, std::string_view name) {
  auto it =
      std::find_if(spec.services.begin(), spec.services.end(), [&](const auto& s) { return s.name == name; });
  return it == spec.services.end() ? nullptr : &*it;
}

std::vector<std::string> system_workload_names(const ScenarioSpec& spec) {
  std::vector<std::string> names;
  for (const auto& w : spec.workloads) {
    if (w.system) names.push_back(w.name);
  }
  return names;
}

ScenarioSpec seed() {
  return load_scenario_file((test::source_dir() / "scenarios" / "seed-walkthrough.yaml").string());
}

}  // namespace

TEST_CASE("the seed walkthrough is the article's 3-node kubenet cluster with 10 nginx replicas") {
  const ScenarioSpec spec = seed();
  CHECK(spec.cluster.name == "aks-cni");
  CHECK(spec.cluster.kubernetesVersion == "1.29.7");
  CHECK(spec.plugin() == PluginKind::Kubenet);
  const NetworkProfile& np = spec.cluster.networkProfile;
  CHECK(np.podCidr == net::Cidr::parse("10.244.0.0/16"));
  CHECK(np.serviceCidr == net::Cidr::parse("10.0.0.0/16"));
  CHECK(np.dnsServiceIP == net::Ipv4::parse("10.0.0.10"));
  CHECK(np.kubeProxyMode == KubeProxyMode::Iptables);
  CHECK(spec.cluster.vnet.addressSpace == std::vector{net::Cidr::parse("10.224.0.0/12")});
  CHECK(spec.cluster.vnet.nodeSubnet == net::Cidr::parse("10.224.0.0/16"));
  REQUIRE(spec.nodePools.size() == 1);
  CHECK(spec.nodePools[0].name == "nodepool1");
  CHECK(spec.nodePools[0].count == 3);
  CHECK(spec.nodePools[0].mode == PoolMode::System);
  CHECK(spec.nodePools[0].maxPods == 110);
  CHECK(spec.node_count() == 3);

  REQUIRE(spec.workloads.size() >= 1);
  const WorkloadSpec& nginx = spec.workloads[0];  // the file's own workloads come first
  CHECK(nginx.name == "nginx");
  CHECK(nginx.kind == WorkloadKind::Deployment);
  CHECK(nginx.replicas == 10);
  CHECK(nginx.labels == std::map<std::string, std::string>{{"app", "nginx"}});
  CHECK_FALSE(nginx.system);

  const ServiceSpec& svc = spec.services[0];
  CHECK(svc.name == "nginx");
  CHECK(svc.selector == nginx.labels);
  REQUIRE(svc.ports.size() == 1);
  CHECK(svc.ports[0].port == 80);
  CHECK(svc.ports[0].targetPort == 80);
  CHECK(svc.ports[0].protocol == "TCP");
}

TEST_CASE(
    "a kubenet cluster runs kube-proxy and ip-masq-agent on the host network, CoreDNS and metrics-server as "
    "pods") {
  const ScenarioSpec spec = seed();
  CHECK(system_workload_names(spec) ==
        std::vector<std::string>{"kube-proxy", "azure-ip-masq-agent", "coredns", "metrics-server"});
  const WorkloadSpec* proxy = find_workload(spec, "kube-proxy");
  REQUIRE(proxy != nullptr);
  CHECK(proxy->kind == WorkloadKind::DaemonSet);
  CHECK(proxy->hostNetwork);
  CHECK(proxy->namespace_ == "kube-system");
  const WorkloadSpec* coredns = find_workload(spec, "coredns");
  REQUIRE(coredns != nullptr);
  CHECK(coredns->replicas == aks::kCoreDnsReplicas);
  CHECK_FALSE(coredns->hostNetwork);
  CHECK(find_workload(spec, "metrics-server")->replicas == aks::kMetricsServerReplicas);
}

TEST_CASE("the kubernetes and kube-dns Services are created with their fixed ClusterIPs and ports") {
  const ScenarioSpec spec = seed();
  const ServiceSpec* kubernetes = find_service(spec, "kubernetes");
  REQUIRE(kubernetes != nullptr);
  CHECK(kubernetes->namespace_ == "default");
  CHECK(kubernetes->clusterIP == net::Ipv4::parse("10.0.0.1"));
  const ServiceSpec* dns = find_service(spec, "kube-dns");
  REQUIRE(dns != nullptr);
  CHECK(dns->namespace_ == "kube-system");
  CHECK(dns->clusterIP == net::Ipv4::parse("10.0.0.10"));
  REQUIRE(dns->ports.size() == 2);
  CHECK((dns->ports[0].protocol == "UDP" && dns->ports[0].port == 53));
  CHECK((dns->ports[1].protocol == "TCP" && dns->ports[1].port == 53));
  // kube-dns selects the CoreDNS pods.
  const WorkloadSpec* coredns = find_workload(spec, "coredns");
  for (const auto& [key, value] : dns->selector) CHECK(coredns->labels.at(key) == value);
}

TEST_CASE("source marks give the line and column of every field the file set, and line 0 for defaults") {
  const ScenarioSpec spec = seed();
  CHECK(spec.mark("cluster.networkProfile.networkPlugin").line == 16);
  CHECK(spec.mark("cluster.networkProfile.networkPlugin").column == 20);
  CHECK(spec.mark("workloads[0].replicas").line == 41);
  CHECK(spec.given("nodePools[0].maxPods"));
  CHECK_FALSE(spec.given("cluster.vnet.nodeSubnet"));
  CHECK(spec.mark("cluster.vnet.nodeSubnet").line == 0);
  CHECK(spec.mark("cluster.vnet.nodeSubnet").file == spec.sourceFile);
  // A defaulted field is located at its nearest given ancestor.
  CHECK(spec.locate("cluster.vnet.nodeSubnet").line == spec.mark("cluster").line);
}

TEST_CASE(
    "without a networkPlugin, Kubernetes 1.30 and later default to Azure CNI Overlay and earlier to "
    "kubenet") {
  const ScenarioSpec newer = load("cluster: {name: a, kubernetesVersion: '1.30.2'}\n");
  CHECK(newer.plugin() == PluginKind::AzureOverlay);
  CHECK(newer.nodePools.at(0).maxPods == aks::kOverlayDefaultMaxPods);
  const ScenarioSpec older = load("cluster: {name: a, kubernetesVersion: '1.29'}\n");
  CHECK(older.plugin() == PluginKind::Kubenet);
  CHECK(older.nodePools.at(0).maxPods == aks::kKubenetDefaultMaxPods);
  const ScenarioSpec unversioned = load("cluster: {name: a}\n");
  CHECK(unversioned.cluster.kubernetesVersion == aks::kDefaultKubernetesVersion);
  CHECK(unversioned.plugin() == PluginKind::AzureOverlay);
}

TEST_CASE("a minimal scenario gets the AKS-managed VNet, a default 3-node System pool and default CIDRs") {
  const ScenarioSpec spec = load("cluster:\n  name: minimal\n");
  CHECK(spec.cluster.vnet.name == aks::kManagedVnetName);
  CHECK(spec.cluster.vnet.subnetName == aks::kManagedSubnetName);
  CHECK(spec.cluster.vnet.nodeSubnet == net::Cidr::parse(aks::kManagedNodeSubnet));
  REQUIRE(spec.nodePools.size() == 1);
  CHECK(spec.nodePools[0].name == aks::kDefaultNodePoolName);
  CHECK(spec.nodePools[0].count == aks::kDefaultNodeCount);
  CHECK(spec.nodePools[0].vmSize == aks::kDefaultVmSize);
  CHECK(spec.nodePools[0].mode == PoolMode::System);
  CHECK(spec.nodePools[0].maxSurge == aks::kDefaultMaxSurge);
  CHECK(spec.cluster.networkProfile.podCidr == net::Cidr::parse(aks::kDefaultPodCidr));
}

TEST_CASE("maxPods defaults per plugin: kubenet 110, Azure CNI 30 or 110 with a pod subnet, overlay 250") {
  auto max_pods = [](const std::string& profile, const std::string& vnet = "") {
    return load("cluster:\n  name: a\n  networkProfile: " + profile + "\n" + vnet).nodePools.at(0).maxPods;
  };
  CHECK(max_pods("{networkPlugin: kubenet}") == 110);
  CHECK(max_pods("{networkPlugin: azure}") == 30);
  CHECK(
      max_pods("{networkPlugin: azure}",
               "  vnet: {addressSpace: [10.1.0.0/16], nodeSubnet: 10.1.0.0/24, podSubnet: 10.1.16.0/20}\n") ==
      110);
  CHECK(max_pods("{networkPlugin: azure, networkPluginMode: overlay}") == 250);
  CHECK(max_pods("{networkPlugin: azure, networkPluginMode: overlay, networkDataplane: cilium}") == 250);
  CHECK(max_pods("{networkPlugin: none}") == aks::kNoneDefaultMaxPods);
}

TEST_CASE("the cilium dataplane replaces kube-proxy and ip-masq-agent with the cilium agent") {
  const ScenarioSpec spec = load(
      "cluster: {name: a, networkProfile: {networkPlugin: azure, networkPluginMode: overlay, "
      "networkDataplane: cilium, networkPolicy: cilium}}\n");
  CHECK(spec.plugin() == PluginKind::Cilium);
  CHECK(system_workload_names(spec) == std::vector<std::string>{"cilium", "coredns", "metrics-server"});
  const ScenarioSpec byo = load("cluster: {name: a, networkProfile: {networkPlugin: none}}\n");
  CHECK(system_workload_names(byo) == std::vector<std::string>{"kube-proxy", "coredns", "metrics-server"});
}

TEST_CASE(
    "workload and service fields take Kubernetes defaults: app label, namespace, targetPort, replicas") {
  const ScenarioSpec spec = load(
      "cluster: {name: a}\n"
      "workloads:\n  - name: web\n"
      "services:\n  - {name: web, selector: {app: web}, ports: [{port: 8080}]}\n");
  CHECK(spec.workloads[0].labels == std::map<std::string, std::string>{{"app", "web"}});
  CHECK(spec.workloads[0].namespace_ == "default");
  CHECK(spec.workloads[0].replicas == 1);
  CHECK(spec.services[0].ports[0].targetPort == 8080);
  CHECK(spec.services[0].ports[0].protocol == "TCP");
}

TEST_CASE("maxSurge takes a node count or a percentage of the pool rounded up") {
  const ScenarioSpec spec = load(
      "cluster: {name: a}\n"
      "nodePools:\n  - {name: sys, count: 10, mode: System, maxSurge: '33%'}\n  - {name: usr, count: 4, "
      "maxSurge: 2}\n");
  CHECK(spec.nodePools[0].maxSurge == 4);  // 3.3 nodes -> 4
  CHECK(spec.nodePools[1].maxSurge == 2);
}

TEST_CASE("enum values are accepted in any case, as ARM accepts them") {
  const ScenarioSpec spec =
      load("cluster: {name: a, networkProfile: {networkPlugin: Kubenet, outboundType: LOADBALANCER}}\n");
  CHECK(spec.plugin() == PluginKind::Kubenet);
}

TEST_CASE("the traffic and costs and run sections are read at load time into typed structs") {
  const ScenarioSpec spec = load(
      "cluster: {name: a}\n"
      "workloads: [{name: web, replicas: 2}, {name: api}]\n"
      "traffic:\n  chatty: [{clients: {app: web}, servers: {app: api}, chainDepth: 3, duration: 2ms}]\n"
      "  ping: [{from: pod/web-0, to: pod/api-0, count: 4}]\n"
      "costs: {devices: {bridge: {fixed: 1.25us}}, ttl: 32}\n"
      "run: {seed: 7, duration: 5ms, routeTable: poptrie}\n");
  REQUIRE(spec.traffic.chatty.size() == 1);
  CHECK(spec.traffic.chatty[0].chain_depth == 3);
  CHECK(spec.traffic.chatty[0].duration == sim::ms(2));
  CHECK(spec.traffic.chatty[0].clients.at("app") == "web");
  REQUIRE(spec.traffic.ping.size() == 1);
  CHECK(spec.traffic.ping[0].count == 4);
  CHECK(spec.run.seed == 7);
  CHECK(spec.run.duration == sim::ms(5));
  CHECK(spec.run.route_table == net::RouteTableKind::Poptrie);
  CHECK(spec.costs.base == "aks-accelerated");
  CHECK(spec.costs.profile.device(DeviceKind::Bridge).fixed == sim::ns(1250));
  CHECK(spec.costs.profile.initial_ttl == 32);
  CHECK(spec.costs.profile.name == "aks-accelerated (with the scenario's costs)");
  CHECK(spec.mark("traffic.chatty[0].chainDepth").line == 4);
}

TEST_CASE("plugin names round-trip through to_string and plugin_from_string") {
  for (PluginKind kind : {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::AzureOverlay,
                          PluginKind::Cilium, PluginKind::None}) {
    CHECK(plugin_from_string(to_string(kind)) == kind);
  }
  CHECK(to_string(PluginKind::AzureNodeSubnet) == "azure");
  CHECK_FALSE(plugin_from_string("calico").has_value());
}

TEST_CASE("apply_plugin runs the seed cluster under azure with its default maxPods and the same workloads") {
  ScenarioSpec spec = seed();
  // The seed file sets maxPods: 110 explicitly, so it stays; a pool without it would get 30.
  apply_plugin(spec, PluginKind::AzureNodeSubnet);
  CHECK(spec.plugin() == PluginKind::AzureNodeSubnet);
  CHECK(spec.nodePools[0].maxPods == 110);
  CHECK(spec.workloads[0].name == "nginx");
  CHECK(system_workload_names(spec) ==
        std::vector<std::string>{"kube-proxy", "azure-ip-masq-agent", "coredns", "metrics-server"});

  ScenarioSpec defaulted = load("cluster: {name: a, kubernetesVersion: '1.29'}\n");
  CHECK(defaulted.nodePools[0].maxPods == 110);
  apply_plugin(defaulted, PluginKind::AzureNodeSubnet);
  CHECK(defaulted.nodePools[0].maxPods == 30);
  apply_plugin(defaulted, PluginKind::Cilium);
  CHECK(defaulted.nodePools[0].maxPods == 250);
  CHECK(system_workload_names(defaulted) == std::vector<std::string>{"cilium", "coredns", "metrics-server"});
  CHECK(std::count_if(defaulted.services.begin(), defaulted.services.end(),
                      [](auto& s) { return s.system; }) == 3);
}

TEST_CASE("the azure variant of the seed walkthrough loads as Azure CNI with 30 pods per node") {
  const ScenarioSpec spec =
      load_scenario_file((test::source_dir() / "scenarios" / "seed-walkthrough-azure.yaml").string());
  CHECK(spec.plugin() == PluginKind::AzureNodeSubnet);
  CHECK(spec.nodePools[0].maxPods == 30);
  CHECK(spec.workloads[0].replicas == 10);
}

TEST_CASE("apply_plugin re-validates: the cluster must fit the new plugin") {
  ScenarioSpec spec = load(
      "cluster: {name: a, networkProfile: {networkPlugin: azure, networkPluginMode: overlay}}\n"
      "nodePools:\n  - {name: sys, count: 2, mode: System}\n  - {name: win, count: 2, osType: Windows}\n");
  REQUIRE_THROWS_WITH(
      apply_plugin(spec, PluginKind::Kubenet),
      Catch::StartsWith("test.yaml:4:35: error: nodePools[1].osType: kubenet does not support "
                        "Windows node pools (pool 'win')"));
}

}  // namespace cnisim::scenario
