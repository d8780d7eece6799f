// Golden outputs: every view of cnisim on the shipped scenarios, compared byte for byte with
// tests/golden/<name>.txt. After an intended change, regenerate them with
//   CNISIM_UPDATE_GOLDEN=1 ctest --test-dir <build> -R test_tools
// and review the diff (git diff tests/golden) before committing.
#include <catch2/catch.hpp>

#include "tests/tools/golden.hpp"
#include "tests/tools/run_cnisim.hpp"

namespace {

struct GoldenCase {
  const char* name;  // tests/golden/<name>.txt
  const char* args;
};

// Both shipped scenarios through every view, plus the other plugins' routes and pods.
const GoldenCase kCases[] = {
    {"kubenet-get-nodes", "get nodes"},
    {"kubenet-get-nodes-wide", "get nodes -o wide"},
    {"kubenet-get-nodes-json", "get nodes -o json"},
    {"kubenet-get-pods", "get pods"},
    {"kubenet-get-pods-all-wide", "get pods -A -o wide"},
    {"kubenet-get-pods-kube-system", "get pods -n kube-system"},
    {"kubenet-get-pods-json", "get pods -A -o json"},
    {"kubenet-get-svc-all", "get svc -A"},
    {"kubenet-get-svc-all-wide", "get svc -A -o wide"},
    {"kubenet-get-svc-json", "get svc -A -o json"},
    {"kubenet-get-nodes-jsonpath-podcidr", "get node -o jsonpath={.items[*].spec.podCIDR}"},
    {"kubenet-get-pods-custom-columns", "get pods -A -o custom-columns=NAME:.metadata.name,IP:.status.podIP,NODE:.spec.nodeName"},
    {"kubenet-get-pods-selector-labels", "get pods -l app=nginx --show-labels --sort-by .status.podIP"},
    {"kubenet-get-svc-endpoints", "get svc,endpoints -A"},
    {"kubenet-get-deploy-ns", "get deploy,ns -A -o wide"},
    {"kubenet-get-pods-name", "get pods -A -o name"},
    {"kubenet-get-svc-yaml", "get svc nginx -o yaml"},
    {"kubenet-describe-node", "describe node aks-nodepool1-12883929-vmss000000"},
    {"kubenet-describe-svc", "describe svc nginx"},
    {"kubenet-describe-pod", "describe pod coredns-cfn2th6xr8-4v8cf -n kube-system"},
    {"kubenet-routes", "routes"},
    {"kubenet-plan", "plan"},
    {"kubenet-graph", "graph"},
    {"azure-get-nodes-wide", "get nodes -o wide -f scenarios/seed-walkthrough-azure.yaml"},
    {"azure-get-nodes-json", "get nodes -o json -f scenarios/seed-walkthrough-azure.yaml"},
    {"azure-get-pods-all-wide", "get pods -A -o wide -f scenarios/seed-walkthrough-azure.yaml"},
    {"azure-get-pods-json", "get pods -A -o json -f scenarios/seed-walkthrough-azure.yaml"},
    {"azure-get-svc-all-wide", "get svc -A -o wide -f scenarios/seed-walkthrough-azure.yaml"},
    {"azure-routes", "routes -f scenarios/seed-walkthrough-azure.yaml"},
    {"azure-plan", "plan -f scenarios/seed-walkthrough-azure.yaml"},
    {"azure-graph", "graph -f scenarios/seed-walkthrough-azure.yaml"},
    {"overlay-get-pods-all-wide", "get pods -A -o wide --plugin overlay"},
    {"overlay-routes", "routes --plugin overlay"},
    {"cilium-get-pods-all-wide", "get pods -A -o wide --plugin cilium"},
    {"cilium-routes", "routes --plugin cilium"},
    {"none-routes", "routes --plugin none"},
    // Traces: the renderer's words for every kind of fact a hop records (routes in each table, the
    // bridge's gateway and FDB, Service DNAT, conntrack, masquerade rules and SNAT, Azure's drop).
    {"kubenet-trace-pod-to-pod", "trace pod/nginx-c7vhv85b8x-bw7zs pod/nginx-c7vhv85b8x-p6zzt"},
    {"kubenet-trace-svc", "trace pod/nginx-c7vhv85b8x-bw7zs svc/nginx"},
    {"kubenet-trace-internet", "trace pod/nginx-c7vhv85b8x-bw7zs vm/internet-host"},
    {"kubenet-trace-unowned", "trace pod/nginx-c7vhv85b8x-bw7zs 10.224.0.200"},
    {"kubenet-trace-call-svc", "trace --call --response 20000 pod/nginx-c7vhv85b8x-bw7zs svc/nginx"},
    {"azure-trace-call-pod", "trace --call pod/nginx-c7vhv85b8x-bw7zs pod/nginx-c7vhv85b8x-p6zzt -f scenarios/seed-walkthrough-azure.yaml"},
    {"azure-trace-svc", "trace pod/nginx-c7vhv85b8x-bw7zs svc/kube-system/kube-dns -f scenarios/seed-walkthrough-azure.yaml"},
    {"overlay-trace-vm", "trace pod/nginx-c7vhv85b8x-bw7zs vm/vm-in-vnet --plugin overlay"},
    // The VM's subnet has no UDRs (the cluster's route table is the node subnet's); any internet address
    // leaves through the egress device.
    {"kubenet-trace-vm-to-pod", "trace vm/vm-in-vnet pod/nginx-c7vhv85b8x-bw7zs"},
    {"egress-trace-internet-address", "trace pod/checkout-bqxwgb4x5j-6rdpk 8.8.8.8 -f scenarios/egress-snat.yaml"},
    {"network-policy-trace-denied", "trace pod/ops/scraper-bwp2vghdf6-wkcq8 svc/shop/orders -f scenarios/network-policy.yaml"},
    {"nodeport-trace-cluster", "trace vm/vm-in-vnet 10.224.0.4:30080 -f scenarios/nodeport-traffic-policy.yaml"},
    // A bring-your-own CNI's VXLAN: encapsulated on one node, decapsulated on the other; the call's MSS.
    {"byo-flannel-trace-vxlan", "trace pod/client-cwkfdr9zxm-zpbkw 10.244.1.3:8080 -f scenarios/byo-cni-vxlan.yaml"},
    {"byo-calico-trace-call", "trace --call --response 5000 pod/client-cwkfdr9zxm-zpbkw 10.244.1.3:8080 -f scenarios/byo-cni-vxlan.yaml"},
    // Availability zones: the VNet hands a packet for another zone's node to the crossing between them.
    {"zones-trace-across", "trace pod/frontend-crxzcnpw58-sbqjm 10.224.0.39:8080 -f scenarios/zones.yaml"},
    {"network-policy-trace-cilium", "trace pod/ops/scraper-bwp2vghdf6-wkcq8 svc/shop/orders -f scenarios/network-policy.yaml --plugin cilium"},
};

}  // namespace

TEST_CASE("every view of the shipped scenarios matches its golden output byte for byte") {
  for (const auto& c : kCases) {
    SECTION(c.name) {
      const auto run = cnisim::testing::run_cnisim(c.args);
      INFO("cnisim " << c.args << "\nstderr: " << run.err);
      REQUIRE(run.exitCode == 0);
      cnisim::testing::check_golden(cnisim::testing::source_dir() + "/tests/golden/" + c.name + ".txt", run.out);
    }
  }
}
