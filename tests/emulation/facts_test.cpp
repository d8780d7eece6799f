// The agreement test: for each kind of pair in seed-walkthrough, under kubenet, azure and overlay, one
// real packet through the kernel must show what the model's trace says (source seen, SNAT, TTL at
// arrival, which host received it, a Service's DNAT to one of its endpoints, the reply coming back).
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "models/emulation/emulator.hpp"
#include "models/emulation/facts.hpp"
#include "models/workload/scenario_run.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;

namespace {

scenario::ScenarioSpec seed_under(const std::string& file, std::optional<cluster::PluginKind> plugin = {}) {
  auto spec = scenario::load_scenario_file(scenario_path(file));
  if (plugin) scenario::apply_plugin(spec, *plugin);
  return spec;
}

// Every pair agrees; the kinds in `unreachable` are dropped on the way in both (and the rest arrive).
void check_agreement(const scenario::ScenarioSpec& spec, const std::vector<std::string>& expected_kinds,
                     const std::vector<std::string>& unreachable = {}) {
  const auto profile = workload::effective_profile(spec);
  const auto c = cluster::build_cluster(spec);
  const auto pairs = choose_pairs(c);
  std::vector<std::string> kinds;
  for (const auto& p : pairs) kinds.push_back(p.kind);
  REQUIRE(kinds == expected_kinds);
  std::string prefix;
  {
    Emulation emu(c);
    prefix = emu.prefix();
    emu.up();
    for (const auto& pair : pairs) {
      const auto r = compare_pair(emu, profile, pair);
      INFO(pair.kind << ": " << pair.description);
      for (const auto& d : r.differences) INFO(d);
      const bool reachable = std::find(unreachable.begin(), unreachable.end(), pair.kind) == unreachable.end();
      CHECK(r.observed.reached == reachable);
      CHECK(r.observed.answered == reachable);
      CHECK(r.simulated.reached == reachable);
      CHECK(r.differences.empty());
    }
  }
  REQUIRE(namespaces_with_prefix(prefix) == 0);
}

// The model's facts for every pair of the cluster, with the scenario's profile.
std::vector<std::pair<ProbePair, Facts>> model_facts(const scenario::ScenarioSpec& spec, const cluster::Cluster& c) {
  const auto profile = workload::effective_profile(spec);
  std::vector<std::pair<ProbePair, Facts>> facts;
  for (const auto& pair : choose_pairs(c)) facts.emplace_back(pair, simulate_pair(c, profile, pair));
  return facts;
}

const std::vector<std::string> kSeedKinds = {"pod to pod, same node", "pod to pod, across nodes", "pod to VM",
                                             "VM to pod", "pod to internet host", "pod to Service"};

}  // namespace

// kubenet's UDRs are in the route table of the node subnet only: a VM in another subnet has no route
// to the pod CIDR (Azure's 10.0.0.0/8 system route, next hop None, drops it) in the model and the kernel.
TEST_CASE("Under kubenet the kernel agrees with the model on every kind of pair of the seed walkthrough") {
  if (!skip_without_namespaces().empty()) return;
  check_agreement(seed_under("seed-walkthrough.yaml"), kSeedKinds, {"VM to pod"});
}

TEST_CASE("Under azure the kernel agrees with the model on every kind of pair of the seed walkthrough") {
  if (!skip_without_namespaces().empty()) return;
  check_agreement(seed_under("seed-walkthrough-azure.yaml"), kSeedKinds);
}

TEST_CASE("Under overlay the kernel agrees with the model on every kind of pair of the seed walkthrough") {
  if (!skip_without_namespaces().empty()) return;
  check_agreement(seed_under("seed-walkthrough.yaml", cluster::PluginKind::AzureOverlay), kSeedKinds);
}

TEST_CASE("Through a NAT gateway, and with no way out, the kernel agrees with the model under kubenet") {
  if (!skip_without_namespaces().empty()) return;
  auto spec = seed_under("seed-walkthrough.yaml");
  spec.cluster.networkProfile.outboundType = scenario::OutboundType::ManagedNATGateway;
  check_agreement(spec, kSeedKinds, {"VM to pod"});
  spec.cluster.networkProfile.outboundType = scenario::OutboundType::None;
  check_agreement(spec, kSeedKinds, {"VM to pod", "pod to internet host"});
}

TEST_CASE("Through a firewall (userDefinedRouting) the kernel agrees with the model under kubenet and azure") {
  if (!skip_without_namespaces().empty()) return;
  for (const char* file : {"seed-walkthrough.yaml", "seed-walkthrough-azure.yaml"}) {
    INFO(file);
    auto spec = seed_under(file);
    spec.cluster.networkProfile.outboundType = scenario::OutboundType::UserDefinedRouting;
    spec.cluster.vnet.routes.push_back({"to-firewall", net::Cidr::parse("0.0.0.0/0"), net::NextHopType::VirtualAppliance,
                                        net::Ipv4::parse("10.226.0.4")});
    const auto c = cluster::build_cluster(spec);
    REQUIRE(c.appliances().size() == 1);
    check_agreement(spec, kSeedKinds,
                    spec.plugin() == cluster::PluginKind::Kubenet ? std::vector<std::string>{"VM to pod"}
                                                                  : std::vector<std::string>{});
    // The internet saw the firewall's public IP, TTL one lower than without it.
    for (const auto& [pair, f] : model_facts(spec, c)) {
      if (pair.kind == "pod to internet host") CHECK(f.sourceSeen == c.appliances().front().publicIp);
    }
  }
}

TEST_CASE("The model's own facts under overlay: pods keep their address inside the pod CIDR and leave it with the node's or the load balancer's") {
  const auto spec = seed_under("seed-walkthrough.yaml", cluster::PluginKind::AzureOverlay);
  const auto c = cluster::build_cluster(spec);
  for (const auto& [pair, f] : model_facts(spec, c)) {
    INFO(pair.kind);
    REQUIRE(f.reached);
    REQUIRE(f.answered);
    const bool leaves_pod_cidr = pair.kind == "pod to VM" || pair.kind == "pod to internet host";
    REQUIRE(f.snat == leaves_pod_cidr);
    // The VM sees the node; the internet sees the load balancer's frontend IP (outboundType loadBalancer).
    if (pair.kind == "pod to VM") REQUIRE(f.sourceSeen == c.nodes()[c.pods()[pair.from.index].node].ip);
    if (pair.kind == "pod to internet host") REQUIRE(f.sourceSeen == c.egress().publicIps.front());
    if (pair.kind == "pod to pod, across nodes") REQUIRE(f.ttl == 62);
    if (pair.kind == "pod to pod, same node") REQUIRE(f.ttl == 63);  // routed through the node, no bridge
  }
}

TEST_CASE("The model's own facts for the seed walkthrough: kubenet masquerades to the VM, azure does not, and the VM reaches azure's pods only") {
  const auto spec = seed_under("seed-walkthrough.yaml");
  const auto c = cluster::build_cluster(spec);
  for (const auto& [pair, f] : model_facts(spec, c)) {
    INFO(pair.kind);
    // The UDRs to the pod CIDRs belong to the node subnet's route table, not to the VM's subnet.
    REQUIRE(f.reached == (pair.kind != "VM to pod"));
    if (pair.kind == "pod to VM") REQUIRE(f.snat);
    if (pair.kind == "pod to pod, across nodes") REQUIRE_FALSE(f.snat);
    if (pair.kind == "pod to pod, across nodes") REQUIRE(f.ttl == 62);
    if (pair.kind == "pod to pod, same node") REQUIRE(f.ttl == 64);
  }
  const auto azure_spec = seed_under("seed-walkthrough-azure.yaml");
  const auto a = cluster::build_cluster(azure_spec);
  for (const auto& [pair, f] : model_facts(azure_spec, a)) {
    INFO(pair.kind);
    REQUIRE(f.reached);  // azure's pods have VNet addresses: the VM reaches them by the VNet's own route
    if (pair.kind == "pod to VM") REQUIRE_FALSE(f.snat);
  }
}
