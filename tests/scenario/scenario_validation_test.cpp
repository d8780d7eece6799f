// One test per validation rule: the message names file:line:col, the field, the problem, what was
// expected and a hint; and the value just inside each limit is accepted.
#include <catch2/catch.hpp>

#include "scenario_test_support.hpp"

namespace cnisim::scenario {
namespace {

using Catch::Contains;
using Catch::StartsWith;
using test::load;

// A /15 pod CIDR: 512 node blocks, room for kubenet's 400 nodes (the default /16 holds 256).
std::string kubenet_pools(const std::string& pools) {
  return "cluster: {name: a, networkProfile: {networkPlugin: kubenet, podCidr: "
         "10.244.0.0/15}}\nnodePools:\n" +
         pools;
}

}  // namespace

TEST_CASE("pod CIDR overlapping the service CIDR is reported at the field the file set") {
  REQUIRE_THROWS_WITH(
      load("cluster:\n  name: a\n  networkProfile:\n    networkPlugin: kubenet\n"
           "    serviceCidr: 10.244.128.0/17\n    dnsServiceIP: 10.244.128.10\n"),
      StartsWith("test.yaml:5:18: error: cluster.networkProfile.serviceCidr: serviceCidr "
                 "10.244.128.0/17 overlaps podCidr 10.244.0.0/16 (the default)\n"
                 "  expected: pod CIDR, service CIDR and the VNet in separate, non-overlapping "
                 "ranges\n  hint: "));
}

TEST_CASE(
    "a pod CIDR overlapping the VNet is an error, but Azure CNI node-subnet mode ignores the pod CIDR") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {networkPlugin: kubenet, podCidr: 10.230.0.0/16}}\n"),
      Contains("1:70: error: cluster.networkProfile.podCidr: podCidr 10.230.0.0/16 overlaps VNet "
               "address space 10.224.0.0/12 (the default)"));
  CHECK_NOTHROW(load("cluster: {name: a, networkProfile: {networkPlugin: azure, podCidr: 10.230.0.0/16}}\n"));
}

TEST_CASE("reserved ranges cannot be used for cluster CIDRs") {
  REQUIRE_THROWS_WITH(load("cluster: {name: a, networkProfile: {serviceCidr: 169.254.0.0/16, dnsServiceIP: "
                           "169.254.0.10}}\n"),
                      Contains("cluster.networkProfile.serviceCidr: serviceCidr 169.254.0.0/16 overlaps "
                               "169.254.0.0/16, a range AKS reserves"));
  REQUIRE_THROWS_WITH(
      load("cluster:\n  name: a\n  vnet:\n    addressSpace: [192.0.0.0/16]\n"
           "    nodeSubnet: 192.0.2.0/24\n"),
      Contains("test.yaml:5:17: error: cluster.vnet.nodeSubnet: nodeSubnet 192.0.2.0/24 overlaps "
               "192.0.2.0/24, a range AKS reserves"));
}

TEST_CASE("a service CIDR of /12 or larger is rejected and /13 is accepted") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {serviceCidr: 10.0.0.0/12}}\n"),
      Contains("serviceCidr 10.0.0.0/12 is too large: AKS requires a service CIDR smaller than "
               "/12\n  expected: a prefix length of /13 or longer"));
  CHECK_NOTHROW(load("cluster: {name: a, networkProfile: {serviceCidr: 10.0.0.0/13}}\n"));
}

TEST_CASE("dnsServiceIP must be inside the service CIDR and not its first address") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {dnsServiceIP: 10.1.0.10}}\n"),
      Contains("1:51: error: cluster.networkProfile.dnsServiceIP: dnsServiceIP 10.1.0.10 is outside "
               "serviceCidr 10.0.0.0/16\n  expected: an address inside serviceCidr 10.0.0.0/16 "
               "other than 10.0.0.0, 10.0.0.1 and 10.0.255.255, such as 10.0.0.10"));
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {dnsServiceIP: 10.0.0.1}}\n"),
      Contains("dnsServiceIP 10.0.0.1 is the first address of serviceCidr 10.0.0.0/16, which the "
               "kubernetes Service takes"));
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {dnsServiceIP: 10.0.255.255}}\n"),
      Contains("dnsServiceIP 10.0.255.255 is the broadcast address of serviceCidr 10.0.0.0/16"));
  CHECK_NOTHROW(load("cluster: {name: a, networkProfile: {dnsServiceIP: 10.0.0.2}}\n"));
}

TEST_CASE("kubenet allows 400 nodes and names the route table limit at 401") {
  CHECK_NOTHROW(load(kubenet_pools("  - {name: a, count: 400, mode: System}\n")));
  REQUIRE_THROWS_WITH(
      load(kubenet_pools("  - {name: a, count: 400, mode: System}\n  - {name: b, count: 1}\n")),
      StartsWith(
          "test.yaml:3:3: error: nodePools: a kubenet cluster of 401 nodes exceeds the Azure route table "
          "limit: kubenet needs one route per node, and a route table holds at most 400 routes\n"
          "  expected: at most 400 nodes with kubenet\n  hint: use Azure CNI Overlay"));
}

TEST_CASE("kubenet rejects a Windows pool") {
  REQUIRE_THROWS_WITH(
      load(kubenet_pools(
          "  - {name: a, count: 1, mode: System}\n  - {name: win, count: 1, osType: Windows}\n")),
      Contains("test.yaml:4:35: error: nodePools[1].osType: kubenet does not support Windows node pools"));
}

TEST_CASE("maxPods must be 10 to 250 for every plugin, and the message names the plugin") {
  CHECK_NOTHROW(load(kubenet_pools("  - {name: a, count: 1, mode: System, maxPods: 250}\n")));
  REQUIRE_THROWS_WITH(load(kubenet_pools("  - {name: a, count: 1, mode: System, maxPods: 251}\n")),
                      Contains("nodePools[0].maxPods: maxPods 251 is out of range for kubenet\n"
                               "  expected: 10 to 250 pods per node with kubenet (default 110)"));
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {networkPlugin: azure}}\n"
           "nodePools: [{name: a, count: 1, mode: System, maxPods: 9}]\n"),
      Contains("maxPods 9 is out of range for Azure CNI (node subnet)\n"
               "  expected: 10 to 250 pods per node with Azure CNI (node subnet) (default 30)"));
}

TEST_CASE(
    "an Azure CNI node subnet too small says how many addresses are needed, available, and the prefix that "
    "fits") {
  const std::string head =
      "cluster:\n  name: a\n  networkProfile: {networkPlugin: azure}\n"
      "  vnet: {addressSpace: [10.1.0.0/16], nodeSubnet: 10.1.0.0/26}\n";
  // (1 + 1) x (29 + 1) = 60 addresses, 64 - 5 = 59 usable.
  REQUIRE_THROWS_WITH(
      load(head + "nodePools: [{name: a, count: 1, mode: System, maxPods: 29}]\n"),
      Contains("test.yaml:4:51: error: cluster.vnet.nodeSubnet: nodeSubnet 10.1.0.0/26 is too small "
               "for Azure CNI (node subnet): it needs (nodes + surge) x (maxPods + 1) = (1 + 1) x "
               "(29 + 1) = 60 addresses, and the subnet has 59 (64 minus the 5 Azure reserves)\n"
               "  expected: a node subnet of /25 or larger (123 usable addresses)"));
  CHECK_NOTHROW(load(head + "nodePools: [{name: a, count: 1, mode: System, maxPods: 28}]\n"));  // 58 fit
}

TEST_CASE("a pod CIDR needs one /24 per node, surge nodes included") {
  const std::string head =
      "cluster: {name: a, networkProfile: {networkPlugin: kubenet, podCidr: 10.244.0.0/22}}\n";
  CHECK_NOTHROW(load(head + "nodePools: [{name: a, count: 3, mode: System}]\n"));  // 3 + 1 surge = 4
  REQUIRE_THROWS_WITH(
      load(head + "nodePools: [{name: a, count: 4, mode: System}]\n"),
      Contains("podCidr 10.244.0.0/22 has room for 4 node blocks of /24, but kubenet gives one to "
               "each of the 4 nodes + 1 surge nodes (5)\n"
               "  expected: a pod CIDR of /21 or larger"));
}

TEST_CASE(
    "replicas beyond the pods the nodes can hold are unschedulable, counting DaemonSet and system pods") {
  // 3 nodes x 110 = 330 slots; kube-proxy and ip-masq-agent take 2 per node (324 left); coredns and
  // metrics-server take 4: 320 remain for nginx.
  const std::string pools = kubenet_pools("  - {name: a, count: 3, mode: System}\n");
  CHECK_NOTHROW(load(pools + "workloads: [{name: nginx, replicas: 320}]\n"));
  REQUIRE_THROWS_WITH(
      load(pools + "workloads: [{name: nginx, replicas: 321}]\n"),
      Contains("test.yaml:4:37: error: workloads[0].replicas: cannot schedule all pods on the 3 "
               "Linux nodes: Deployments ask for 325 pods, but 324 slots are left"));
  // A hostNetwork DaemonSet of the user's own takes one more slot per node.
  REQUIRE_THROWS_WITH(load(pools + "workloads:\n  - {kind: DaemonSet, name: agent, hostNetwork: true}\n"
                                   "  - {name: nginx, replicas: 318}\n"),
                      Contains("workloads[1].replicas: cannot schedule all pods"));
}

TEST_CASE("pods for an OS without nodes cannot be scheduled") {
  REQUIRE_THROWS_WITH(load("cluster: {name: a}\n"
                           "workloads: [{name: iis, nodeSelector: {kubernetes.io/os: windows}}]\n"),
                      Contains("workloads[0].replicas: no Windows nodes to run default/iis"));
}

TEST_CASE("node and pool count limits are enforced") {
  REQUIRE_THROWS_WITH(load("cluster: {name: a}\nnodePools: [{name: a, count: 1001, mode: System}]\n"),
                      Contains("nodePools[0].count: '1001' is too large\n"
                               "  expected: a whole number from 0 to 1000 (AKS allows 1000 nodes per pool)"));
  std::string pools;
  for (int i = 0; i < 101; ++i) pools += "  - {name: p" + std::to_string(i) + ", count: 0}\n";
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a}\nnodePools:\n  - {name: sys, count: 1, mode: System}\n" + pools),
      Contains("nodePools: 102 node pools is more than AKS allows"));
}

TEST_CASE("unknown keys suggest the closest known key") {
  REQUIRE_THROWS_WITH(
      load("cluster:\n  name: a\n  networkProfle: {}\n"),
      StartsWith("test.yaml:3:3: error: cluster.networkProfle: unknown key 'networkProfle'\n"
                 "  expected: a key of cluster: name, kubernetesVersion, networkProfile, vnet, nodeLocalDNSCache or byoCni\n"
                 "  hint: did you mean 'networkProfile'?"));
  REQUIRE_THROWS_WITH(load("cluster:\n  name: a\n  colour: blue\n"),
                      Contains("hint: remove it, or check the spelling (keys are case-sensitive)"));
}

TEST_CASE("wrong types and enum values list what is accepted") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {kubeProxyConfig: {mode: ipvss}}}\n"),
      Contains("cluster.networkProfile.kubeProxyConfig.mode: unknown value 'ipvss'\n"
               "  expected: one of IPTABLES, IPVS or NFTABLES\n  hint: did you mean 'IPVS'?"));
  REQUIRE_THROWS_WITH(load("cluster: {name: a}\nnodePools: [{name: a, count: three}]\n"),
                      Contains("nodePools[0].count: expected a number, got 'three'"));
  REQUIRE_THROWS_WITH(load("cluster: {name: a}\nnodePools: [{name: a, count: 2.5}]\n"),
                      Contains("'2.5' is not a whole number written in digits"));
  REQUIRE_THROWS_WITH(load("cluster: {name: [a, b]}\n"),
                      Contains("cluster.name: expected a single value, got a list"));
  REQUIRE_THROWS_WITH(load("cluster: {name: a, networkProfile: {podCidr: }}\n"),
                      Contains("cluster.networkProfile.podCidr: has no value"));
}

TEST_CASE("cilium network policy needs the cilium dataplane") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {networkPlugin: azure, networkPolicy: cilium}}\n"),
      Contains("networkPolicy cilium needs the cilium dataplane"));
  CHECK_NOTHROW(
      load("cluster: {name: a, networkProfile: {networkPlugin: azure, networkPluginMode: overlay, "
           "networkDataplane: cilium, networkPolicy: cilium}}\n"));
}

TEST_CASE("overlay mode with kubenet is rejected") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {networkPlugin: kubenet, networkPluginMode: overlay}}\n"),
      Contains("1:80: error: cluster.networkProfile.networkPluginMode: overlay mode needs networkPlugin "
               "azure, but networkPlugin is kubenet"));
}

TEST_CASE("Azure Network Policy Manager is rejected with kubenet") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, networkProfile: {networkPlugin: kubenet, networkPolicy: azure}}\n"),
      Contains("Azure Network Policy Manager is not supported with kubenet"));
}

TEST_CASE("a subnet must lie inside the VNet's address space") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a, vnet: {addressSpace: 10.1.0.0/16, nodeSubnet: 10.2.0.0/24}}\n"),
      Contains("nodeSubnet 10.2.0.0/24 is not inside the VNet's address space (10.1.0.0/16)"));
}

TEST_CASE("a pod subnet needs one batch of 16 addresses per node") {
  const std::string head =
      "cluster:\n  name: a\n  networkProfile: {networkPlugin: azure}\n"
      "  vnet: {addressSpace: [10.1.0.0/16], nodeSubnet: 10.1.0.0/24, podSubnet: 10.1.1.0/26}\n";
  CHECK_NOTHROW(
      load(head + "nodePools: [{name: a, count: 2, mode: System, maxPods: 20}]\n"));  // 3 x 16 = 48 <= 59
  REQUIRE_THROWS_WITH(
      load(head + "nodePools: [{name: a, count: 3, mode: System, maxPods: 20}]\n"),
      Contains("podSubnet 10.1.1.0/26 is too small: each of the 3 nodes + 1 surge nodes takes pod "
               "IPs in batches of 16, so it needs at least 64 addresses"));
}

TEST_CASE("names must be unique, and system object names are taken") {
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a}\nnodePools: [{name: a, count: 1, mode: System}, {name: a, count: 1}]\n"),
      Contains("nodePools[1].name: node pool name 'a' is already used by nodePools[0]"));
  REQUIRE_THROWS_WITH(
      load("cluster: {name: a}\nworkloads: [{name: coredns, namespace: kube-system}]\n"),
      Contains("workloads[0].name: 'kube-system/coredns' is a system workload AKS creates itself"));
}

TEST_CASE("all problems in a file are reported in one run, without follow-on errors") {
  const std::string text = test::error_text([] {
    load(
        "cluster:\n  name: a\n  networkProfile:\n    networkPlugin: kubnet\n    podCidr: 10.244.0.0/33\n"
        "nodePools:\n  - {name: a, count: -1, mode: System}\n");
  });
  // Three independent mistakes, three messages; nothing about what they would have implied.
  CHECK_THAT(text, Contains("4:20: error: cluster.networkProfile.networkPlugin: unknown value 'kubnet'"));
  CHECK_THAT(text, Contains("5:14: error: cluster.networkProfile.podCidr:"));
  CHECK_THAT(text, Contains("7:22: error: nodePools[0].count: '-1' is negative"));
  CHECK(std::count(text.begin(), text.end(), '\n') == 3 * 3 - 1);
}

}  // namespace cnisim::scenario
