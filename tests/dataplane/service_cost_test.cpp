// kube-proxy's cost for a new connection to a Service: iptables walks KUBE-SERVICES in order, so the
// cost grows with the Services ahead; nftables (a verdict map) does one lookup whatever their number.
#include <catch2/catch.hpp>

#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using scenario::PluginKind;
using dataplane::testing::Bench;

namespace {

// Service time of the first packet at the client's node stack, with `ahead` Services listed before
// the server's, under a kube-proxy mode.
std::int64_t client_stack_cost(std::size_t ahead, scenario::KubeProxyMode mode) {
  auto spec = dataplane::testing::two_pods_spec(PluginKind::Kubenet);
  spec.cluster.networkProfile.kubeProxyMode = mode;
  auto at = spec.services.begin();
  while (at != spec.services.end() && at->name != "server") ++at;
  std::vector<scenario::ServiceSpec> extra(ahead);
  for (std::size_t i = 0; i < ahead; ++i) {
    extra[i].name = "ahead-" + std::to_string(i);
    extra[i].selector = {{"app", "ahead"}};
    extra[i].ports = {{"http", "TCP", 80, 80}};
  }
  spec.services.insert(at, extra.begin(), extra.end());
  Bench b(PluginKind::Kubenet, std::nullopt, spec);
  const auto client = b.host("client");
  const auto svc = b.cluster.find_service("default", "server");
  const auto id =
      b.network.send(client, b.tcp(client, b.cluster.services()[*svc].clusterIP, 80), 100, 0, 0, true);
  b.sim.run();
  REQUIRE(b.recorder.arrivals.size() == 1);
  const auto client_stack = b.cluster.nodes()[b.cluster.pods()[client.index].node].stack;
  for (const auto& hop : b.network.trace()) {
    if (hop.packet == id && hop.device == client_stack) return hop.end_ps - hop.start_ps;
  }
  FAIL("the packet did not cross the client's node stack");
  return 0;
}

}  // namespace

TEST_CASE("in iptables mode a new Service connection costs one rule per Service ahead of it") {
  const auto per_rule = scenario::load_profile("aks-accelerated").iptables_per_rule.ps();
  const auto base = client_stack_cost(0, scenario::KubeProxyMode::Iptables);
  CHECK(client_stack_cost(10, scenario::KubeProxyMode::Iptables) - base == 10 * per_rule);
  CHECK(client_stack_cost(100, scenario::KubeProxyMode::Iptables) - base == 100 * per_rule);
}

TEST_CASE("in nftables mode a new Service connection costs the same however many Services are ahead") {
  const auto base = client_stack_cost(0, scenario::KubeProxyMode::Nftables);
  CHECK(client_stack_cost(10, scenario::KubeProxyMode::Nftables) == base);
  CHECK(client_stack_cost(100, scenario::KubeProxyMode::Nftables) == base);
}
