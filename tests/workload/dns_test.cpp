// Name lookups before connections (chatty resolve: true): which names glibc's res_search tries with
// kubelet's resolv.conf, what the queries cost on the wire, and what a lookup adds to a call when its
// queries cross the cluster to CoreDNS behind kube-dns.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "models/workload/dns.hpp"
#include "models/workload/scenario_run.hpp"

using namespace cnisim;
using namespace cnisim::workload;

namespace {

using Names = std::vector<std::string>;

const Names kShop = dns::search_list("shop", "cluster.local", {});

// A client Deployment in namespace web, the orders Service (two pods) in namespace shop, on 3 nodes;
// `chatty` is the traffic's one chatty entry (its mapping's fields after the first).
std::string cluster_with(const std::string& chatty, const std::string& costs = "") {
  return "cluster: {name: dns, networkProfile: {networkPlugin: azure}}\n"
         "nodePools:\n  - {name: pool, count: 3}\n"
         "workloads:\n"
         "  - {kind: Deployment, name: client, namespace: web, image: c, replicas: 1, labels: {app: client}}\n"
         "  - {kind: Deployment, name: orders, namespace: shop, image: s, replicas: 2, labels: {app: orders}}\n"
         "services:\n"
         "  - {name: orders, namespace: shop, selector: {app: orders}, ports: [{port: 80, targetPort: 8080}]}\n"
         "traffic:\n  chatty:\n    - {clients: {app: client}, service: shop/orders, requestSize: 100, responseSize: 100, "
         "thinkTime: 100us, chains: 20" + chatty + "}\n" + costs;
}

dataplane::Results run(const std::string& yaml) {
  return run_scenario(scenario::load_scenario_string(yaml, "dns.yaml"));
}

std::string refusal(const std::string& yaml) {
  try {
    (void)run(yaml);
  } catch (const scenario::ScenarioError& e) {
    std::string text;
    for (const auto& d : e.diagnostics()) text += scenario::format_diagnostic(d);
    return text;
  }
  return "";
}

}  // namespace

TEST_CASE("kubelet's search list puts the pod's namespace first and drops a repeated domain") {
  CHECK(kShop == Names{"shop.svc.cluster.local", "svc.cluster.local", "cluster.local"});
  CHECK(dns::search_list("web", "cluster.local", {"corp.example.com.", "cluster.local"}) ==
        Names{"web.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example.com"});
}

TEST_CASE("A name with fewer dots than ndots is tried with each search domain and then as given") {
  CHECK(dns::candidates("orders", 5, kShop) ==
        Names{"orders.shop.svc.cluster.local", "orders.svc.cluster.local", "orders.cluster.local", "orders"});
  // Four dots, one short of ndots 5: the famous case of a full name without its final dot.
  CHECK(dns::candidates("orders.shop.svc.cluster.local", 5, kShop).front() ==
        "orders.shop.svc.cluster.local.shop.svc.cluster.local");
  CHECK(dns::candidates("orders.shop.svc.cluster.local", 5, kShop).back() == "orders.shop.svc.cluster.local");
}

TEST_CASE("A name with at least ndots dots is tried as given first and a name with a final dot only as given") {
  CHECK(dns::candidates("orders.shop.svc.cluster.local", 4, kShop) ==
        Names{"orders.shop.svc.cluster.local", "orders.shop.svc.cluster.local.shop.svc.cluster.local",
              "orders.shop.svc.cluster.local.svc.cluster.local", "orders.shop.svc.cluster.local.cluster.local"});
  CHECK(dns::candidates("orders.shop.svc.cluster.local.", 5, kShop) == Names{"orders.shop.svc.cluster.local"});
  CHECK(dns::candidates("orders", 0, kShop).front() == "orders");
}

TEST_CASE("CoreDNS's kubernetes plugin answers the cluster domain and forwards the rest") {
  CHECK(dns::in_cluster_domain("orders.shop.svc.cluster.local", "cluster.local"));
  CHECK(dns::in_cluster_domain("cluster.local", "cluster.local"));
  CHECK_FALSE(dns::in_cluster_domain("orders", "cluster.local"));
  CHECK_FALSE(dns::in_cluster_domain("notcluster.local", "cluster.local"));
  CHECK_FALSE(dns::in_cluster_domain("orders.shop.svc.cluster.local.corp.example.com", "cluster.local"));
}

TEST_CASE("A query is its headers and question and an answer adds its record") {
  // 20 (IPv4) + 8 (UDP) + 12 (DNS header) + 5 ("a.b" as labels: 1 a 1 b 0) + 4 (type and class).
  CHECK(dns::query_bytes("a.b") == 49);
  CHECK(dns::query_bytes("a.b.") == 49);
  CHECK(dns::answer_bytes("a.b", dns::Answer::Address) == 49 + 16);
  CHECK(dns::answer_bytes("a.b", dns::Answer::NxDomain) == 49 + 54);
  CHECK(dns::answer_bytes("a.b", dns::Answer::NoData) == 49 + 54);
}

TEST_CASE("Each lookup costs the queries its name's candidates take and the kept-alive connection looks up once") {
  // From namespace web, orders.shop misses web.svc.cluster.local and is found with svc.cluster.local:
  // two names, an A and an AAAA query each; the first name's two answers say NXDOMAIN.
  const auto kept = run(cluster_with(", resolve: true"));
  REQUIRE(kept.calls_completed == 20);
  CHECK(kept.dns.lookups == 1);
  CHECK(kept.dns.queries == 4);
  CHECK(kept.dns.nxdomain == 2);
  CHECK(kept.dns.upstream == 0);
  const auto fresh = run(cluster_with(", resolve: true, connection: perCall"));
  REQUIRE(fresh.calls_completed == 20);
  CHECK(fresh.dns.lookups == 20);
  CHECK(fresh.dns.queries == 80);
  CHECK(fresh.dns.lookups_failed == 0);
  CHECK(fresh.dns.latency.count == 20);
}

TEST_CASE("A full name without its final dot tries four other names first and with the dot is one pair of queries") {
  const auto undotted = run(cluster_with(", resolve: true, hostname: orders.shop.svc.cluster.local"));
  const auto dotted = run(cluster_with(", resolve: true, hostname: orders.shop.svc.cluster.local."));
  REQUIRE(undotted.calls_completed == 20);
  REQUIRE(dotted.calls_completed == 20);
  CHECK(undotted.dns.queries == 8);  // three search domains, then the name as given
  CHECK(undotted.dns.nxdomain == 6);
  CHECK(dotted.dns.queries == 2);
  CHECK(dotted.dns.nxdomain == 0);
  CHECK(undotted.dns.latency.mean_ps > 3 * dotted.dns.latency.mean_ps);
}

TEST_CASE("A lookup adds its rounds of CoreDNS time and path to a call on a new connection") {
  // CoreDNS made slow (1 ms a query) so that its time dominates: orders.shop from web is two rounds.
  const std::string slow = "costs: {dns: {corednsServe: 1ms}}\n";
  const auto plain = run(cluster_with(", connection: perCall", slow));
  const auto looked_up = run(cluster_with(", connection: perCall, resolve: true", slow));
  REQUIRE(plain.calls_completed == 20);
  REQUIRE(looked_up.calls_completed == 20);
  const double lookup = looked_up.dns.latency.mean_ps;
  // Two rounds of 1 ms at CoreDNS plus the path there and back twice: about what a call on a new
  // connection takes without its lookup (a handshake and a request are two round trips too).
  CHECK(lookup > 2e9);
  CHECK(lookup < 2e9 + 1.5 * plain.call_latency.mean_ps);
  CHECK(looked_up.call_latency.mean_ps == Approx(plain.call_latency.mean_ps + lookup).epsilon(0.02));
  // The TCP split names the lookup's part and leaves the handshake as it was.
  CHECK(looked_up.tcp.per_call(static_cast<double>(looked_up.tcp.lookup_ps)) == Approx(lookup).epsilon(0.001));
  CHECK(looked_up.tcp.per_call(static_cast<double>(looked_up.tcp.handshake_ps)) ==
        Approx(plain.tcp.per_call(static_cast<double>(plain.tcp.handshake_ps))).epsilon(0.05));
}

TEST_CASE("A search domain outside the cluster is forwarded upstream once per replica and then answered from CoreDNS's cache") {
  const std::string slow_upstream = "costs: {dns: {upstream: 2ms}}\n";
  const auto r = run(cluster_with(", connection: perCall, resolve: true, hostname: orders.shop.svc.cluster.local, "
                                  "searches: [corp.example.com]", slow_upstream));
  REQUIRE(r.calls_completed == 20);
  // Five names per lookup: three in the cluster domain, corp.example.com's, then the name as given.
  CHECK(r.dns.queries == 20 * 10);
  // The upstream name's A and AAAA, once at each of CoreDNS's two replicas at most; every later
  // query for it is a cache hit.
  CHECK(r.dns.upstream >= 2);
  CHECK(r.dns.upstream <= 4);
  CHECK(r.dns.upstream + r.dns.cache_hits == 20 * 2);
  // A lookup that went upstream waited 2 ms more.
  CHECK(r.dns.latency.max_ps > r.dns.latency.min_ps + 2'000'000'000 - 1);
}

TEST_CASE("A lookup whose queries are lost is sent again after the resolver's timeout and then fails its call") {
  // A conntrack table of 2 entries per node: once a call's connection and a lookup's flow hold them,
  // the next lookup's queries find the client node's table full and are dropped.
  const std::string tiny = "costs: {conntrack: {maxPerCore: 1, min: 1}";
  const auto two = run(cluster_with(", resolve: true, connection: perCall", tiny + "}\n"));
  const auto three = run(cluster_with(", resolve: true, connection: perCall", tiny + ", dns: {resolverAttempts: 3}}\n"));
  for (const auto* r : {&two, &three}) {
    REQUIRE(r->dns.lookups_failed > 0);
    CHECK(r->drops[static_cast<std::size_t>(dataplane::DropReason::ConntrackFull)] > 0);
    CHECK(r->calls_failed == r->dns.lookups_failed);
    CHECK(r->dns.lookups + r->dns.lookups_failed == 20);
  }
  // attempts: 2 sends each failed lookup's round once more, attempts: 3 twice.
  CHECK(two.dns.resent == two.dns.lookups_failed);
  CHECK(three.dns.resent == 2 * three.dns.lookups_failed);
  // Each round waits the resolver's 5 s: a failed lookup holds its call 10 s (attempts 2), and the
  // calls run one after another. The run ends at its last packet: the last lookup's second round.
  const std::int64_t five_s = 5'000'000'000'000;
  const auto rounds = static_cast<std::int64_t>(2 * two.dns.lookups_failed - 1);
  CHECK(two.simulated_ps >= rounds * five_s);
  CHECK(two.simulated_ps < rounds * five_s + five_s / 5);
}

TEST_CASE("With the conntrack race opted in a lost AAAA query costs its lookup the resolver's timeout") {
  const auto off = run(cluster_with(", resolve: true, connection: perCall"));
  const auto on = run(cluster_with(", resolve: true, connection: perCall", "costs: {dns: {conntrackRace: 0.1}}\n"));
  CHECK(off.dns.race_drops == 0);
  REQUIRE(on.dns.race_drops > 0);
  // Each lost query's round is sent again after the timeout, or ends its lookup on the last attempt.
  CHECK(on.dns.race_drops == on.dns.resent + on.dns.lookups_failed);
  CHECK(on.dns.lookups + on.dns.lookups_failed == 20);
  // Most lookups did not lose the race (two rounds each, 0.9 x 0.9), those that did waited 5 s.
  CHECK(on.dns.latency.p50_ps < 1'000'000'000);
  CHECK(on.dns.latency.max_ps >= 5'000'000'000'000);
  CHECK(off.dns.latency.max_ps < 1'000'000'000);
}

TEST_CASE("A lookup whose name finds another Service than the one called is refused at its place in the file") {
  // From namespace shop, the short name finds shop/orders; a client in web with hostname orders finds
  // nothing in web and then orders.svc.cluster.local (no such name), so it finds no name at all.
  const auto text = refusal(cluster_with(", resolve: true, hostname: orders"));
  INFO(text);
  CHECK(text.find("dns.yaml:") != std::string::npos);
  CHECK(text.find("traffic.chatty[0].hostname: 'orders' looked up from namespace 'web' finds no name") != std::string::npos);
  CHECK(text.find("hint:") != std::string::npos);
  // With an orders Service in web too, the short name from web finds that one.
  std::string shadowed = cluster_with(", resolve: true, hostname: orders");
  shadowed.replace(shadowed.find("traffic:"), 0,
                   "  - {name: orders, namespace: web, selector: {app: client}, ports: [{port: 80, targetPort: 8080}]}\n");
  const auto other = refusal(shadowed);
  INFO(other);
  CHECK(other.find("'orders' looked up from namespace 'web' finds the Service web/orders, not the Service called (shop/orders)") !=
        std::string::npos);
}

TEST_CASE("Name resolution settings that cannot apply are refused with what is expected") {
  const auto udp = refusal(cluster_with(", resolve: true, transport: udp"));
  CHECK(udp.find("traffic.chatty[0].resolve: resolve is modelled before each TCP connection") != std::string::npos);
  std::string by_labels = cluster_with(", resolve: true");
  by_labels.replace(by_labels.find("service: shop/orders"), std::string("service: shop/orders").size(), "servers: {app: orders}");
  const auto pods = refusal(by_labels);
  CHECK(pods.find("traffic.chatty[0].resolve: resolve looks up the name of the Service called") != std::string::npos);
  std::string on_host = cluster_with(", resolve: true");
  on_host.replace(on_host.find("replicas: 1, labels: {app: client}"), std::string("replicas: 1,").size(), "replicas: 1, hostNetwork: true,");
  const auto host = refusal(on_host);
  CHECK(host.find("traffic.chatty[0].clients: client client-") != std::string::npos);
  CHECK(host.find("is a hostNetwork pod") != std::string::npos);
  const auto stray = refusal(cluster_with(", ndots: 2"));
  CHECK(stray.find("traffic.chatty[0].ndots: ndots applies to name resolution") != std::string::npos);
  const auto bad_name = refusal(cluster_with(", resolve: true, hostname: 'orders..shop'"));
  CHECK(bad_name.find("traffic.chatty[0].hostname: DNS name 'orders..shop'") != std::string::npos);
  const auto deep = refusal(cluster_with(", resolve: true, ndots: 16"));
  CHECK(deep.find("traffic.chatty[0].ndots") != std::string::npos);
  const auto cost = refusal(cluster_with("", "costs: {dns: {resolverTimeout: 0s}}\n"));
  CHECK(cost.find("costs.dns.resolverTimeout: a resolver timeout of 0") != std::string::npos);
}

namespace {

// cluster_with's cluster with NodeLocal DNSCache on (and kube-proxy's mode, if given).
std::string with_node_cache(const std::string& chatty, const std::string& costs = "", const std::string& mode = "") {
  std::string yaml = cluster_with(chatty, costs);
  const std::string plain = "cluster: {name: dns, networkProfile: {networkPlugin: azure}}";
  yaml.replace(yaml.find(plain), plain.size(),
               "cluster: {name: dns, nodeLocalDNSCache: true, networkProfile: {networkPlugin: azure" +
                   (mode.empty() ? std::string() : ", kubeProxyConfig: {mode: " + mode + "}") + "}}");
  return yaml;
}

}  // namespace

TEST_CASE("NodeLocal DNSCache answers a node's repeated lookups from its cache: CoreDNS sees each query once") {
  for (const std::string mode : {"", "IPVS"}) {
    CAPTURE(mode);
    const auto r = run(with_node_cache(", connection: perCall, resolve: true", "", mode));
    REQUIRE(r.calls_completed == 20);
    // orders.shop from web: orders.shop.web.svc... (NXDOMAIN) then orders.shop.svc... (found): 4 queries.
    CHECK(r.dns.queries == 20 * 4);
    CHECK(r.dns.node_cache_misses == 4);  // the first lookup's, forwarded to CoreDNS
    CHECK(r.dns.node_cache_hits == 19 * 4);
    CHECK(r.dns.nxdomain == 20 * 2);      // the first name's A and AAAA, every time (from CoreDNS, then the cache)
  }
}

TEST_CASE("NodeLocal DNSCache's queries stay on the node untracked: faster lookups, no conntrack entry, no race") {
  const std::string racy = "costs: {dns: {conntrackRace: 0.5}}\n";
  const auto through_kube_dns = run(cluster_with(", connection: perCall, resolve: true", racy));
  const auto cached = run(with_node_cache(", connection: perCall, resolve: true", racy));
  REQUIRE(cached.calls_completed == 20);
  CHECK(through_kube_dns.dns.race_drops > 0);
  CHECK(cached.dns.race_drops == 0);
  const auto plain = run(cluster_with(", connection: perCall, resolve: true"));
  CHECK(cached.dns.latency.mean_ps < plain.dns.latency.mean_ps);
  // Each lookup's flow to kube-dns took a conntrack entry at the client's node (DNAT); with the cache
  // only the cache's one forward flow does.
  CHECK(plain.nat.conntrack_created >= cached.nat.conntrack_created + 19);
  CHECK(plain.nat.dnat > cached.nat.dnat);
}

TEST_CASE("NodeLocal DNSCache keeps denials only nodeLocalDenialTtl, answers 30 s") {
  const auto r = run(with_node_cache(", connection: perCall, resolve: true", "costs: {dns: {nodeLocalDenialTtl: 1us}}\n"));
  REQUIRE(r.calls_completed == 20);
  // The found name's A answer stays cached; its NODATA AAAA and the first name's two NXDOMAINs expire
  // at once, so those three go to CoreDNS every time.
  CHECK(r.dns.node_cache_hits == 19);
  CHECK(r.dns.node_cache_misses == 4 + 19 * 3);
}

TEST_CASE("NodeLocal DNSCache adds its DaemonSet and is refused under the cilium dataplane") {
  const auto spec = scenario::load_scenario_string(with_node_cache(""), "dns.yaml");
  CHECK(std::any_of(spec.workloads.begin(), spec.workloads.end(),
                    [](const scenario::WorkloadSpec& w) { return w.name == "node-local-dns" && w.hostNetwork; }));
  std::string yaml = with_node_cache("");
  yaml.replace(yaml.find("networkPlugin: azure"), 20,
               "networkPlugin: azure, networkPluginMode: overlay, networkDataplane: cilium, networkPolicy: cilium");
  CHECK_THAT(refusal(yaml), Catch::Contains("cluster.nodeLocalDNSCache") && Catch::Contains("Local Redirect Policy"));
}
