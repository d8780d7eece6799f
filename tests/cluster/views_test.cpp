#include <catch2/catch.hpp>

#include "models/cluster/builder.hpp"
#include "models/cluster/json_pretty.hpp"
#include "models/cluster/table_writer.hpp"
#include "models/cluster/views.hpp"
#include "tests/cluster/builder_fixture.hpp"

using namespace cnisim;
using namespace cnisim::cluster;

TEST_CASE("tables align like kubectl's tabwriter: widest cell + 3, at least 6, last column unpadded") {
  TableWriter t;
  t.row({"NAME", "AGE", "IP"});
  t.row({"a-long-name", "5m", "10.0.0.1"});
  CHECK(t.str() ==
        "NAME          AGE   IP\n"
        "a-long-name   5m    10.0.0.1\n");
}

TEST_CASE("JSON is printed with sorted keys and 4-space indentation, as kubectl -o json does") {
  boost::json::object o{{"kind", "List"}, {"apiVersion", "v1"}, {"items", boost::json::array{}},
                        {"x", boost::json::object{{"b\"q", 1}, {"a", true}}}};
  CHECK(to_kubectl_json(o) ==
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n"
        "    \"x\": {\n        \"a\": true,\n        \"b\\\"q\": 1\n    }\n}\n");
}

TEST_CASE("get nodes -o json carries podCIDR, podCIDRs and InternalIP where jq users look for them") {
  const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::Kubenet));
  const auto list = boost::json::parse(view_nodes(c, OutputFormat::Json));
  const auto& items = list.at("items").as_array();
  REQUIRE(items.size() == 3);
  CHECK(items[1].at("spec").at("podCIDR").as_string() == "10.244.1.0/24");
  CHECK(items[1].at("spec").at("podCIDRs").as_array()[0].as_string() == "10.244.1.0/24");
  CHECK(items[1].at("status").at("addresses").as_array()[0].at("address").as_string() == "10.224.0.5");
}

TEST_CASE("get pods filters by namespace and says so when nothing is there") {
  const Cluster c = build_cluster(testing::walkthrough_spec(PluginKind::Kubenet));
  NamespaceFilter f;
  f.namespace_ = "kube-system";
  const auto text = view_pods(c, f, OutputFormat::Table);
  CHECK(text.rfind("NAME ", 0) == 0);
  CHECK(text.find("nginx") == std::string::npos);
  f.namespace_ = "empty";
  CHECK(view_pods(c, f, OutputFormat::Table) == "No resources found in empty namespace.\n");
}

TEST_CASE("ip route lines print default, /32 as an address, via, dev and metric") {
  net::Route r;
  r.prefix = net::Cidr();
  r.next_hop = {net::NextHopType::Device, net::Ipv4(10, 224, 0, 1), "eth0"};
  r.metric = 100;
  CHECK(ip_route_line(r) == "default via 10.224.0.1 dev eth0 metric 100");
  r.prefix = net::Cidr(net::Ipv4(10, 224, 0, 9), 32);
  r.next_hop = {net::NextHopType::Device, {}, "azv0123456789a"};
  r.metric = 0;
  CHECK(ip_route_line(r) == "10.224.0.9 dev azv0123456789a");
}

TEST_CASE("plan: kubenet is bound by the pod CIDR's 256 /24s here, Azure CNI by the subnet at maxPods + 1 per node") {
  const auto plans = plan_addresses(testing::walkthrough_spec(PluginKind::Kubenet));
  REQUIRE(plans.size() == 5);
  CHECK(plans[0].plugin == PluginKind::Kubenet);
  CHECK(plans[0].subnetAddressesUsed == 4);  // 3 nodes + 1 surge
  CHECK(plans[0].largestNodes == 255);        // 256 /24s minus the surge node
  CHECK(plans[1].plugin == PluginKind::AzureNodeSubnet);
  CHECK(plans[1].maxPodsPerNode == 30);
  CHECK(plans[1].subnetAddressesUsed == 4 * 31);
  CHECK(plans[1].largestNodes == 65531 / 31 - 1);
}
