// Kubernetes NetworkPolicy in the data path: every engine (Calico, Azure NPM, Cilium) reaches the
// verdicts the Kubernetes semantics give, drops what they refuse as "policyDenied", lets replies of
// allowed connections through, names the deciding policy in the trace, and charges its own work.
#include <catch2/catch.hpp>

#include <random>

#include "models/cluster/network_policy.hpp"
#include "models/dataplane/trace.hpp"
#include "models/scenario/labels.hpp"
#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using cluster::PolicyDirection;
using dataplane::DropReason;
using dataplane::HostRef;
using dataplane::testing::Bench;
using scenario::NetworkPolicy;
using scenario::PluginKind;

namespace {

// web/frontend and ops/scraper call shop/orders; shop denies ingress by default and lets frontend in on
// 8080-8081; orders may only talk to payments (egress isolated); payments takes orders on 8443 and any
// address of 192.168.0.0/16 but 192.168.7.0/24.
constexpr const char* kScenario = R"(
cluster:
  name: np
  networkProfile: {networkPlugin: azure, networkPolicy: calico}
nodePools: [{name: pool1, count: 2}]
namespaces:
  - {name: web, labels: {tier: public}}
  - {name: shop}
workloads:
  - {name: frontend, namespace: web, replicas: 2, labels: {app: frontend, role: ui}}
  - {name: orders, namespace: shop, replicas: 2, labels: {app: orders}}
  - {name: payments, namespace: shop, replicas: 1, labels: {app: payments}}
  - {name: scraper, namespace: ops, replicas: 1, labels: {app: scraper}}
services:
  - {name: orders, namespace: shop, selector: {app: orders}, ports: [{port: 80, targetPort: 8080}]}
networkPolicies:
  - {name: default-deny, namespace: shop, podSelector: {}, policyTypes: [Ingress]}
  - name: orders-from-public
    namespace: shop
    podSelector: {matchLabels: {app: orders}}
    ingress:
      - from:
          - namespaceSelector: {matchLabels: {tier: public}}
            podSelector: {matchExpressions: [{key: role, operator: In, values: [ui, api]}]}
        ports: [{protocol: TCP, port: 8080, endPort: 8081}]
  - name: orders-egress
    namespace: shop
    podSelector: {matchLabels: {app: orders}}
    policyTypes: [Egress]
    egress:
      - to: [{podSelector: {matchLabels: {app: payments}}}]
  - name: payments-in
    namespace: shop
    podSelector: {matchLabels: {app: payments}}
    ingress:
      - from: [{podSelector: {matchLabels: {app: orders}}}]
        ports: [{port: 8443}]
      - from: [{ipBlock: {cidr: 192.168.0.0/16, except: [192.168.7.0/24]}}]
)";

scenario::ScenarioSpec spec_for(PluginKind plugin, NetworkPolicy engine) {
  auto spec = scenario::load_scenario_string(kScenario, "np.yaml");
  if (plugin != spec.plugin()) scenario::apply_plugin(spec, plugin);
  spec.cluster.networkProfile.networkPolicy = engine;
  return spec;
}

struct Setup {
  PluginKind plugin;
  NetworkPolicy engine;
};
// Every engine, under the plugins AKS pairs it with.
const Setup kSetups[] = {{PluginKind::Kubenet, NetworkPolicy::Calico},
                         {PluginKind::AzureNodeSubnet, NetworkPolicy::Calico},
                         {PluginKind::AzureNodeSubnet, NetworkPolicy::Azure},
                         {PluginKind::AzureOverlay, NetworkPolicy::Azure},
                         {PluginKind::Cilium, NetworkPolicy::Cilium}};

std::string name_of(const Setup& s) {
  return std::string(cluster::to_string(s.plugin)) + "/" +
         (s.engine == NetworkPolicy::Calico ? "calico" : s.engine == NetworkPolicy::Azure ? "azure" : "cilium");
}

constexpr std::uint8_t kEcho = 1;

std::size_t drops_of(const Bench& b, DropReason reason) {
  std::size_t n = 0;
  for (const auto& d : b.recorder.drops) n += d.second == reason;
  return n;
}

HostRef pod_ref(const Bench& b, std::string_view workload, std::uint32_t ordinal = 0) {
  return HostRef{HostRef::Kind::Pod, b.pod(workload, ordinal)};
}

// Sends one traced TCP packet (echoed back when it arrives) from `from` to `to`:port and runs.
dataplane::PacketId call(Bench& b, HostRef from, net::Ipv4 to, std::uint16_t port) {
  const auto id = b.network.send(from, b.tcp(from, to, port), 100, kEcho, 0, true);
  b.sim.run();
  return id;
}

std::vector<dataplane::facts::PolicyChecked> policy_facts(const Bench& b) {
  std::vector<dataplane::facts::PolicyChecked> out;
  for (const auto& hop : b.network.trace()) {
    for (const auto& f : hop.facts) {
      if (const auto* p = std::get_if<dataplane::facts::PolicyChecked>(&f)) out.push_back(*p);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every engine drops a new connection no rule allows, as policyDenied, and the trace names the isolating policies") {
  for (const Setup& s : kSetups) {
    CAPTURE(name_of(s));
    Bench b(s.plugin, std::nullopt, spec_for(s.plugin, s.engine));
    const auto scraper = pod_ref(b, "scraper");
    const net::Ipv4 orders = b.network.address_of(pod_ref(b, "orders"));
    call(b, scraper, orders, 8080);
    CHECK(b.recorder.arrivals.empty());
    REQUIRE(drops_of(b, DropReason::PolicyDenied) == 1);
    CHECK(b.network.trace().back().reason == DropReason::PolicyDenied);
    const auto checks = policy_facts(b);
    REQUIRE_FALSE(checks.empty());
    const auto& last = checks.back().verdicts.back();
    CHECK(last.direction == PolicyDirection::Ingress);
    CHECK_FALSE(last.allowed);
    CHECK(last.selecting.size() == 2);  // default-deny and orders-from-public
    const std::string text = dataplane::describe(b.cluster, dataplane::TraceFact{checks.back()});
    CHECK_THAT(text, Catch::Contains("DENIED: isolated by shop/") && Catch::Contains("shop/orders-from-public"));
  }
}

TEST_CASE("every engine lets an allowed connection through and its replies back, though the answering pod's egress is isolated") {
  for (const Setup& s : kSetups) {
    CAPTURE(name_of(s));
    Bench b(s.plugin, std::nullopt, spec_for(s.plugin, s.engine));
    const auto frontend = pod_ref(b, "frontend");
    const auto orders = pod_ref(b, "orders");
    call(b, frontend, b.network.address_of(orders), 8081);
    REQUIRE(b.recorder.arrivals.size() == 2);  // the request, then the echo from orders (egress: only payments)
    CHECK(b.recorder.arrivals[1].at == frontend);
    CHECK(b.recorder.drops.empty());
    bool named = false;
    for (const auto& check : policy_facts(b)) {
      for (const auto& v : check.verdicts) {
        if (v.direction == PolicyDirection::Ingress && v.isolated) {
          CHECK(v.allowed);
          named = b.cluster.spec().networkPolicies[v.policy].name == "orders-from-public" && v.rule == 0;
        }
      }
    }
    CHECK(named);
    // Port 8082 is outside 8080-8081; a new connection from orders to anything but payments is refused.
    call(b, frontend, b.network.address_of(orders), 8082);
    CHECK(drops_of(b, DropReason::PolicyDenied) == 1);
    call(b, orders, b.network.address_of(frontend), 9000);
    CHECK(drops_of(b, DropReason::PolicyDenied) == 2);
  }
}

TEST_CASE("a connection through a Service is judged after DNAT, on the endpoint's port") {
  for (const Setup& s : kSetups) {
    CAPTURE(name_of(s));
    Bench b(s.plugin, std::nullopt, spec_for(s.plugin, s.engine));
    const auto svc = b.cluster.find_service("shop", "orders");
    REQUIRE(svc);
    const net::Ipv4 vip = b.cluster.services()[*svc].clusterIP;
    call(b, pod_ref(b, "frontend"), vip, 80);  // DNAT to 8080: allowed
    CHECK(b.recorder.arrivals.size() == 2);
    call(b, pod_ref(b, "scraper"), vip, 80);
    CHECK(drops_of(b, DropReason::PolicyDenied) == 1);
  }
}

TEST_CASE("ingress from the pod's own node is always allowed, from another node only by a rule") {
  for (const Setup& s : kSetups) {
    CAPTURE(name_of(s));
    Bench b(s.plugin, std::nullopt, spec_for(s.plugin, s.engine));
    const auto orders = b.pod("orders");
    const auto node = b.cluster.pods()[orders].node;
    const HostRef own{HostRef::Kind::Node, node};
    const HostRef other{HostRef::Kind::Node, node == 0 ? 1u : 0u};
    call(b, own, b.cluster.pods()[orders].ip, 8080);
    CHECK(b.recorder.arrivals.size() == 2);
    call(b, other, b.cluster.pods()[orders].ip, 8080);
    CHECK(drops_of(b, DropReason::PolicyDenied) == 1);
  }
}

TEST_CASE("the engines agree with a plain reading of the Kubernetes rules on random connections") {
  for (const Setup& s : kSetups) {
    CAPTURE(name_of(s));
    const auto cluster = cluster::build_cluster(spec_for(s.plugin, s.engine));
    const cluster::NetworkPolicies policies(cluster);
    const auto& spec = cluster.spec();
    // The reference: isolated if a policy of the pod's namespace selects it for the direction; then
    // allowed if any of those policies' rules has a matching peer (or none) and port (or none).
    auto labels_of_ns = [&](const std::string& ns) {
      scenario::Labels l{{"kubernetes.io/metadata.name", ns}};
      for (const auto& n : spec.namespaces) {
        if (n.name == ns) l.insert(n.labels.begin(), n.labels.end());
      }
      return l;
    };
    auto reference = [&](PolicyDirection d, cluster::PodIndex pod, net::Ipv4 peer, std::uint16_t port) {
      const auto& w = cluster.workload(pod);
      bool isolated = false;
      for (const auto& p : spec.networkPolicies) {
        if (p.namespace_ != w.namespace_ || !scenario::matches(p.podSelector, w.labels)) continue;
        if (!(d == PolicyDirection::Ingress ? p.ingressType : p.egressType)) continue;
        isolated = true;
        for (const auto& rule : d == PolicyDirection::Ingress ? p.ingress : p.egress) {
          bool port_ok = rule.ports.empty();
          for (const auto& pp : rule.ports) {
            port_ok = port_ok || (pp.protocol == "TCP" && (pp.port == 0 || (port >= pp.port && port <= std::max(pp.port, pp.endPort))));
          }
          bool peer_ok = rule.peers.empty();
          for (const auto& peer_spec : rule.peers) {
            if (peer_spec.ipBlock) {
              bool in = peer_spec.ipBlock->cidr.contains(peer);
              for (const auto& e : peer_spec.ipBlock->except) in = in && !e.contains(peer);
              peer_ok = peer_ok || in;
              continue;
            }
            const auto owner = cluster.owner_of(peer);
            if (!owner || owner->kind != cluster::Cluster::AddressOwner::Kind::Pod || cluster.host_network(owner->index)) continue;
            const auto& pw = cluster.workload(owner->index);
            const bool ns_ok = peer_spec.namespaceSelector ? scenario::matches(*peer_spec.namespaceSelector, labels_of_ns(pw.namespace_))
                                                           : pw.namespace_ == p.namespace_;
            peer_ok = peer_ok || (ns_ok && (!peer_spec.podSelector || scenario::matches(*peer_spec.podSelector, pw.labels)));
          }
          if (port_ok && peer_ok) return true;
        }
      }
      if (isolated && d == PolicyDirection::Ingress && peer == cluster.nodes()[cluster.pods()[pod].node].ip) return true;
      return !isolated;
    };
    std::mt19937_64 rng(42);
    std::vector<net::Ipv4> peers;
    for (const auto& pod : cluster.pods()) peers.push_back(pod.ip);
    for (const auto& node : cluster.nodes()) peers.push_back(node.ip);
    peers.push_back(net::Ipv4::parse("192.168.1.9"));
    peers.push_back(net::Ipv4::parse("192.168.7.9"));
    std::size_t denied = 0;
    for (int i = 0; i < 3000; ++i) {
      const auto pod = static_cast<cluster::PodIndex>(rng() % cluster.pods().size());
      if (cluster.host_network(pod)) continue;
      const auto d = rng() % 2 ? PolicyDirection::Ingress : PolicyDirection::Egress;
      const net::Ipv4 peer = peers[rng() % peers.size()];
      const std::uint16_t port = static_cast<std::uint16_t>(8078 + rng() % 6 + (rng() % 4 == 0 ? 365 : 0));
      const auto v = policies.decide(d, pod, peer, net::Protocol::Tcp, port);
      CAPTURE(cluster.pod_name(pod), peer.to_string(), port, cluster::to_string(d));
      REQUIRE(v.allowed == reference(d, pod, peer, port));
      denied += !v.allowed;
    }
    CHECK(denied > 100);  // the draw reaches both verdicts
  }
}

TEST_CASE("NPM walks a jump per policy of the cluster, Calico only the policies selecting the pod") {
  auto work_with = [](NetworkPolicy engine, int extra) {
    auto spec = spec_for(PluginKind::AzureNodeSubnet, engine);
    for (int i = 0; i < extra; ++i) {  // policies selecting nobody here
      scenario::NetworkPolicySpec p;
      p.namespace_ = "other";
      p.name = "p" + std::to_string(i);
      spec.networkPolicies.push_back(p);
    }
    const auto cluster = cluster::build_cluster(spec);
    const cluster::NetworkPolicies policies(cluster);
    cluster::PodIndex from = 0, to = 0;
    for (cluster::PodIndex p = 0; p < cluster.pods().size(); ++p) {
      if (cluster.workload(p).name == "frontend" && cluster.pods()[p].ordinal == 0) from = p;
      if (cluster.workload(p).name == "orders" && cluster.pods()[p].ordinal == 0) to = p;
    }
    const net::FiveTuple t{net::Protocol::Tcp, cluster.pods()[from].ip, 40000, cluster.pods()[to].ip, 8080};
    auto work = policies.check_new(cluster.pods()[to].node, t).work;
    return std::pair{work, cluster.pods()[from].node == cluster.pods()[to].node ? 2u : 1u};  // ends on the node
  };
  const auto npm = work_with(NetworkPolicy::Azure, 0).first;
  const auto npm40 = work_with(NetworkPolicy::Azure, 40).first;
  CHECK(npm40.rules == npm.rules + 40);  // one ingress jump each (no egress type)
  CHECK(npm40.setLookups == npm.setLookups + 40);
  const auto calico = work_with(NetworkPolicy::Calico, 0).first;
  const auto calico40 = work_with(NetworkPolicy::Calico, 40).first;
  CHECK(calico40.rules == calico.rules);
  CHECK(calico.rules > 0);
  const auto [cilium, ends] = work_with(NetworkPolicy::Cilium, 40);
  CHECK(cilium.rules == 0);
  CHECK(cilium.mapLookups == 2 * ends);  // each endpoint here: the ipcache, then its policy map
}

TEST_CASE("the engine's work is charged at the iptables, ipset and map prices of the profile") {
  Bench b(PluginKind::AzureNodeSubnet, std::nullopt, spec_for(PluginKind::AzureNodeSubnet, NetworkPolicy::Azure));
  const auto frontend = pod_ref(b, "frontend");
  call(b, frontend, b.network.address_of(pod_ref(b, "orders")), 8080);
  dataplane::Results r;
  b.network.add_to(r);
  CHECK(r.policy.engine == "azure");
  CHECK(r.policy.connections_checked >= 1);
  CHECK(r.policy.rules_walked > 0);
  CHECK(r.policy.set_lookups > 0);
  // Pricing the work at zero takes exactly its cost out of the node stacks' service time.
  auto free = b.profile;
  free.iptables_per_rule = free.ipset_lookup = free.policy_map_lookup = sim::Time{};
  Bench c(PluginKind::AzureNodeSubnet, free, spec_for(PluginKind::AzureNodeSubnet, NetworkPolicy::Azure));
  call(c, pod_ref(c, "frontend"), c.network.address_of(pod_ref(c, "orders")), 8080);
  dataplane::Results q;
  c.network.add_to(q);
  const auto stack = static_cast<std::size_t>(scenario::DeviceKind::NodeStack);
  const std::int64_t expected = b.profile.iptables_per_rule.ps() * static_cast<std::int64_t>(r.policy.rules_walked + r.iptables_rules_walked) +
                                b.profile.ipset_lookup.ps() * static_cast<std::int64_t>(r.policy.set_lookups);
  CHECK(r.devices[stack].service_ps - q.devices[stack].service_ps == expected);
}

TEST_CASE("under kubenet two pods on one node are judged at the bridge, which tracks the new flow") {
  auto spec = spec_for(PluginKind::Kubenet, NetworkPolicy::Calico);
  spec.nodePools[0].count = 1;
  Bench b(PluginKind::Kubenet, std::nullopt, spec);
  call(b, pod_ref(b, "scraper"), b.network.address_of(pod_ref(b, "orders")), 8080);
  CHECK(drops_of(b, DropReason::PolicyDenied) == 1);
  CHECK(b.cluster.devices()[b.network.trace().back().device].kind == scenario::DeviceKind::Bridge);
  const auto before = b.network.conntrack(0).size();
  call(b, pod_ref(b, "frontend"), b.network.address_of(pod_ref(b, "orders")), 8080);
  CHECK(b.recorder.arrivals.size() == 2);
  CHECK(b.network.conntrack(0).size() == before + 1);
}

TEST_CASE("compare gives each plugin the engine AKS pairs with it") {
  auto spec = scenario::load_scenario_string(kScenario, "np.yaml");
  spec.cluster.networkProfile.networkPolicy = NetworkPolicy::Azure;
  auto kubenet = spec;
  scenario::apply_plugin(kubenet, PluginKind::Kubenet);
  CHECK(kubenet.cluster.networkProfile.networkPolicy == NetworkPolicy::Calico);  // AKS refuses NPM with kubenet
  auto cilium = spec;
  scenario::apply_plugin(cilium, PluginKind::Cilium);
  CHECK(cilium.cluster.networkProfile.networkPolicy == NetworkPolicy::Cilium);
  auto back = cilium;
  scenario::apply_plugin(back, PluginKind::AzureOverlay);
  CHECK(back.cluster.networkProfile.networkPolicy == NetworkPolicy::Calico);
  auto overlay = spec;
  scenario::apply_plugin(overlay, PluginKind::AzureOverlay);
  CHECK(overlay.cluster.networkProfile.networkPolicy == NetworkPolicy::Azure);
}
