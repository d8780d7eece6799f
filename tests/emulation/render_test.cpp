#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <set>

#include "models/emulation/render.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using cnisim::emulation::testing::scenario_path;
using cnisim::emulation::testing::seed_cluster;

namespace {

bool has_line(const NamespacePlan& ns, const std::string& line) {
  return std::find(ns.ipBatch.begin(), ns.ipBatch.end(), line) != ns.ipBatch.end();
}

void check_nothing_in_root(const EmulationPlan& plan) {
  std::set<std::string> names;
  for (std::uint32_t i = 0; i < plan.namespaces.size(); ++i) names.insert(plan.full_name(i));
  for (const auto& ns : plan.namespaces) {
    for (const auto& line : ns.ipBatch) {
      if (line.rfind("link add", 0) != 0) continue;
      if (line.find(" type bridge") != std::string::npos) continue;
      // Every veth's peer goes straight into another namespace of this run.
      const auto at = line.find(" netns ");
      INFO(line);
      REQUIRE(at != std::string::npos);
      REQUIRE(names.count(line.substr(at + 7)) == 1);
    }
  }
}

}  // namespace

TEST_CASE("The seed walkthrough under kubenet renders a namespace per node, per pod, the VNet and each external host") {
  const auto c = seed_cluster("seed-walkthrough.yaml");
  const auto plan = render(c, "cnisim-1-abcd-");
  REQUIRE(plan.namespaces.size() == namespaces_needed(c));
  REQUIRE(plan.namespaces[plan.vnetNs].suffix == "vnet");
  check_nothing_in_root(plan);
  // Node 0: cbr0 with the bridge address, the model's kernel routes.
  const auto& node0 = plan.namespaces[plan.nodeNs[0]];
  REQUIRE(has_line(node0, "link add cbr0 type bridge"));
  REQUIRE(has_line(node0, "addr add 10.244.0.1/24 dev cbr0 noprefixroute"));
  REQUIRE(has_line(node0, "route add 10.244.0.0/24 dev cbr0"));
  for (auto id : c.node_route_table(0).ids()) {
    const auto& r = c.node_route_table(0).route(id);
    const bool found = std::any_of(node0.ipBatch.begin(), node0.ipBatch.end(), [&](const std::string& l) {
      return l.rfind("route add " + r.prefix.to_string() + " ", 0) == 0;
    });
    INFO(r.to_string());
    REQUIRE(found);
  }
  // The VNet holds the UDRs: node 1's pod CIDR via node 1's IP.
  const auto& vnet = plan.namespaces[plan.vnetNs];
  REQUIRE(has_line(vnet, "route add 10.244.1.0/24 via " + c.nodes()[1].ip.to_string() + " dev n1 onlink"));
  // Masquerade and Service DNAT from the model's tables.
  REQUIRE(node0.iptables.find("-A CNISIM-MASQ -d 10.244.0.0/16 -j RETURN") != std::string::npos);
  REQUIRE(node0.iptables.find("-A CNISIM-MASQ -d 0.0.0.0/0 -j MASQUERADE") != std::string::npos);
  const auto nginx = c.find_service("default", "nginx");
  REQUIRE(nginx);
  for (auto p : c.services()[*nginx].endpoints) {
    REQUIRE(node0.iptables.find("DNAT --to-destination " + c.pods()[p].ip.to_string() + ":80") != std::string::npos);
    // Hairpin: the endpoint calling its own Service is masqueraded, and may go back out its bridge port.
    REQUIRE(node0.iptables.find("-s " + c.pods()[p].ip.to_string() + "/32 -j MARK --set-xmark 0x2000/0x2000") !=
            std::string::npos);
    if (c.pods()[p].node == 0) REQUIRE(has_line(node0, "link set " + c.device_name(c.pods()[p].vethHost).substr(
                                                              c.device_name(c.pods()[p].vethHost).rfind(':') + 1) +
                                                          " type bridge_slave hairpin on"));
  }
  REQUIRE(node0.iptables.find("-A POSTROUTING -m mark --mark 0x2000/0x2000 -j MASQUERADE") != std::string::npos);
}

TEST_CASE("Under azure pods get /32 host routes on their node and the link-local gateway in their namespace") {
  const auto c = seed_cluster("seed-walkthrough-azure.yaml");
  const auto plan = render(c, "cnisim-1-abcd-");
  check_nothing_in_root(plan);
  cluster::PodIndex pod = 0;
  while (c.host_network(pod)) ++pod;
  const auto& pns = plan.namespaces[plan.podNs[pod]];
  REQUIRE(has_line(pns, "route add 169.254.1.1/32 dev eth0"));
  REQUIRE(has_line(pns, "route add 0.0.0.0/0 via 169.254.1.1 dev eth0"));
  const auto& node = plan.namespaces[plan.nodeNs[c.pods()[pod].node]];
  const bool host_route = std::any_of(node.ipBatch.begin(), node.ipBatch.end(), [&](const std::string& l) {
    return l.rfind("route add " + c.pods()[pod].ip.to_string() + "/32 dev azv", 0) == 0;
  });
  REQUIRE(host_route);
  // No UDRs: the pod's address is delivered by the VNet to its node's NIC.
  const auto& vnet = plan.namespaces[plan.vnetNs];
  REQUIRE(has_line(vnet, "route replace " + c.pods()[pod].ip.to_string() + "/32 via " +
                             c.nodes()[c.pods()[pod].node].ip.to_string() + " dev n" +
                             std::to_string(c.pods()[pod].node) + " onlink"));
}

TEST_CASE("Under overlay pods take the overlay CIDR with /32 routes on their node and the VNet routes each node's pod CIDR to it") {
  auto spec = scenario::load_scenario_file(scenario_path("seed-walkthrough.yaml"));
  scenario::apply_plugin(spec, cluster::PluginKind::AzureOverlay);
  const auto c = cluster::build_cluster(spec);
  REQUIRE(c.plugin_kind() == cluster::PluginKind::AzureOverlay);
  const auto plan = render(c, "cnisim-1-abcd-");
  REQUIRE(plan.namespaces.size() == namespaces_needed(c));
  check_nothing_in_root(plan);
  const auto& vnet = plan.namespaces[plan.vnetNs];
  for (cluster::NodeIndex n = 0; n < c.nodes().size(); ++n) {
    const auto& node = c.nodes()[n];
    REQUIRE(node.podCidr);
    // Azure's routing domain knows the node's pod CIDR: one route per node, not one per pod.
    REQUIRE(has_line(vnet, "route add " + node.podCidr->to_string() + " via " + node.ip.to_string() + " dev n" +
                               std::to_string(n) + " onlink"));
    const auto& ns = plan.namespaces[plan.nodeNs[n]];
    // No bridge: routed veths, proxy ARP answering the pods' gateway at once.
    for (const auto& line : ns.ipBatch) REQUIRE(line.find("type bridge") == std::string::npos);
    for (auto p : c.pods_on(n)) {
      if (c.host_network(p)) continue;
      const auto& pod = c.pods()[p];
      INFO(pod.ip.to_string());
      REQUIRE(node.podCidr->contains(pod.ip));
      const auto veth = c.device_name(pod.vethHost).substr(c.device_name(pod.vethHost).rfind(':') + 1);
      REQUIRE(has_line(ns, "route add " + pod.ip.to_string() + "/32 dev " + veth));
      const std::pair<std::string, std::string> proxy{"ipv4/conf/" + veth + "/proxy_arp", "1"};
      const std::pair<std::string, std::string> delay{"ipv4/neigh/" + veth + "/proxy_delay", "0"};
      REQUIRE(std::find(ns.sysctls.begin(), ns.sysctls.end(), proxy) != ns.sysctls.end());
      REQUIRE(std::find(ns.sysctls.begin(), ns.sysctls.end(), delay) != ns.sysctls.end());
      const auto& pns = plan.namespaces[plan.podNs[p]];
      REQUIRE(has_line(pns, "addr add " + pod.ip.to_string() + "/32 dev eth0 noprefixroute"));
      REQUIRE(has_line(pns, "route add 0.0.0.0/0 via 169.254.1.1 dev eth0"));
      // Delivered by the pod CIDR's route: no /32 per pod in the VNet.
      const std::string host_route = pod.ip.to_string() + "/32 ";
      REQUIRE(std::none_of(vnet.ipBatch.begin(), vnet.ipBatch.end(),
                           [&](const std::string& l) { return l.find(host_route) != std::string::npos; }));
    }
    // ip-masq-agent: the pod CIDR keeps the pod IP, everything else leaves with the node IP.
    REQUIRE(ns.iptables.find("-A CNISIM-MASQ -d " + spec.cluster.networkProfile.podCidr.to_string() + " -j RETURN") !=
            std::string::npos);
    REQUIRE(ns.iptables.find("-A CNISIM-MASQ -d 0.0.0.0/0 -j MASQUERADE") != std::string::npos);
  }
  REQUIRE(std::any_of(plan.notEmulated.begin(), plan.notEmulated.end(),
                      [](const std::string& l) { return l.find("Overlay's routing domain") != std::string::npos; }));
  // --dry-run prints the same plan.
  const auto text = plan_text(plan);
  REQUIRE(text.find("ip -n cnisim-1-abcd-vnet route add " + c.nodes()[0].podCidr->to_string()) != std::string::npos);
}

TEST_CASE("Every proxy ARP port answers at once: proxy_delay 0 under kubenet and azure too") {
  for (const std::string file : {"seed-walkthrough.yaml", "seed-walkthrough-azure.yaml"}) {
    const auto plan = render(seed_cluster(file), "cnisim-1-abcd-");
    std::size_t proxies = 0;
    for (const auto& ns : plan.namespaces) {
      for (const auto& [key, value] : ns.sysctls) {
        if (!key.ends_with("/proxy_arp")) continue;
        ++proxies;
        const auto dev = key.substr(std::string("ipv4/conf/").size(), key.size() - std::string("ipv4/conf/").size() - 10);
        const std::pair<std::string, std::string> delay{"ipv4/neigh/" + dev + "/proxy_delay", "0"};
        INFO(file << " " << key);
        REQUIRE(std::find(ns.sysctls.begin(), ns.sysctls.end(), delay) != ns.sysctls.end());
      }
    }
    REQUIRE(proxies > 0);
  }
}

TEST_CASE("Plugins that cannot be emulated and clusters needing too many namespaces are refused with the count") {
  for (const auto kind : {cluster::PluginKind::Cilium, cluster::PluginKind::None}) {
    auto spec = scenario::load_scenario_file(scenario_path("seed-walkthrough.yaml"));
    scenario::apply_plugin(spec, kind);
    REQUIRE_FALSE(can_emulate(kind));
    REQUIRE_THROWS_WITH(render(cluster::build_cluster(spec), "cnisim-1-abcd-"),
                        Catch::Contains("cannot be emulated") && Catch::Contains("--plugin overlay"));
  }
  auto big = scenario::load_scenario_file(scenario_path("seed-walkthrough.yaml"));
  big.nodePools[0].count = 100;
  for (auto& w : big.workloads) {
    if (w.name == "nginx") w.replicas = 250;
  }
  const auto c = cluster::build_cluster(big);
  REQUIRE(namespaces_needed(c) > kMaxNamespaces);
  REQUIRE_THROWS_WITH(render(c, "cnisim-1-abcd-"), Catch::Contains(std::to_string(namespaces_needed(c)) + " network namespaces"));
}

TEST_CASE("Namespace names carry the run's pid and only such names are ours") {
  const auto prefix = make_run_prefix();
  REQUIRE(prefix.rfind("cnisim-", 0) == 0);
  REQUIRE(owner_pid(prefix + "vnet") == static_cast<int>(::getpid()));
  REQUIRE(owner_pid("cnisim-probe") == 0);
  REQUIRE(owner_pid("other-12-ab-vnet") == 0);
  REQUIRE(owner_pid("cnisim-12x") == 0);
}
