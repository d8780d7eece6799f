// Golden summaries: each shipped scenario's `cnisim compare` table, compared byte for byte with
// scenarios/expected/<name>.txt. The runs are cut short with --duration where the full scenario
// would take more than a second or two (ctest also runs under ASan); the file's first line records
// the exact command. After an intended change, regenerate with
//   CNISIM_UPDATE_GOLDEN=1 ctest --test-dir <build> -R test_scenarios
// and review `git diff scenarios/expected` before committing.
#include <catch2/catch.hpp>

#include "tests/tools/golden.hpp"
#include "tests/tools/run_cnisim.hpp"

namespace {

struct ScenarioCase {
  const char* name;  // scenarios/<name>.yaml, scenarios/expected/<name>.txt
  const char* args;  // after `compare -f scenarios/<name>.yaml`
};

const ScenarioCase kCases[] = {
    {"chatty-app", "--duration 20ms"},
    {"hop-overhead", "--plugins kubenet,azure,overlay,cilium"},
    {"service-heavy", "--plugins kubenet --kube-proxy iptables,nftables --duration 10ms"},
    {"kubenet-400", "--duration 2ms"},
    {"dns-lookups", "--duration 5ms"},
    {"egress-snat", "--plugins kubenet --outbound-type loadBalancer,managedNATGateway"},
    {"egress-firewall", "--plugins kubenet,azure"},
    {"network-policy", "--plugins kubenet,azure,overlay,cilium"},
    {"nodeport-traffic-policy", "--plugins kubenet,azure --external-traffic-policy Cluster,Local"},
    {"dns-nodelocal", "--plugins kubenet,azure --node-local-dns off,on --duration 5ms"},
    {"zones", "--plugins kubenet,azure --duration 10ms"},
    {"byo-cni-vxlan", "--plugins kubenet,none --byo-cni flannel,calico/ipip,calico/none,cilium --duration 10ms"},
};

}  // namespace

TEST_CASE("every shipped scenario's comparison matches its golden summary byte for byte") {
  for (const auto& c : kCases) {
    SECTION(c.name) {
      const std::string args = std::string("compare -f scenarios/") + c.name + ".yaml " + c.args + " -j 2";
      const auto run = cnisim::testing::run_cnisim(args);
      INFO("cnisim " << args << "\nstderr: " << run.err);
      REQUIRE(run.exitCode == 0);
      const std::string summary = "# cnisim " + args + "\n" + run.out;
      cnisim::testing::check_golden(cnisim::testing::source_dir() + "/scenarios/expected/" + c.name + ".txt", summary);
    }
  }
}
