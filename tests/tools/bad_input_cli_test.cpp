// Bad input as a new user gives it to the program: every file of the bad-scenario corpus, through
// `cnisim run`, exits 2 with FILE:LINE:COL in under a second and under 100 MB; and the scenario
// rules that only the command line can show (--strict, --max-events, cilium and kube-proxy modes).
#include <catch2/catch.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <sstream>

#include "tests/tools/run_cnisim.hpp"

using cnisim::testing::run_cnisim;


// The bound on any one cnisim's resident set while refusing bad input: 100 MB. AddressSanitizer's
// runtime and shadow memory alone take about 90 MB (`cnisim --version` in the ASan build), so there
// the bound is that much higher: it is the input's cost that is bounded, not the sanitizer's.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kMaxRssKb = (100 + 90) * 1024;
#else
constexpr long kMaxRssKb = 100 * 1024;
#endif

TEST_CASE("every bad scenario of the corpus exits 2 with file:line:col in under a second and 100 MB") {
  const auto dir = std::filesystem::path(cnisim::testing::source_dir()) / "tests" / "scenario" / "bad";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 60);
  const std::regex located(R"(^[^:\n]+\.yaml:[0-9]+:[0-9]+: error: )");
  for (const auto& file : files) {
    INFO(file.filename().string());
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_cnisim("run -f tests/scenario/bad/" + file.filename().string());
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    INFO(r.err);
    CHECK(r.exitCode == 2);
    CHECK(r.out.empty());
    CHECK(std::regex_search(r.err, located));
    CHECK(elapsed.count() < 1.0);
  }
  // The largest resident set of any cnisim above (children are reaped by pclose).
  rusage usage{};
  REQUIRE(getrusage(RUSAGE_CHILDREN, &usage) == 0);
  CHECK(usage.ru_maxrss < kMaxRssKb);
}

TEST_CASE("the strict flag turns a warning about an unmodelled setting into an error with exit 2") {
  const std::string path = "/tmp/cnisim-strict-test.yaml";
  {
    std::string text = cnisim::testing::read_file(cnisim::testing::source_dir() + "/scenarios/dataplane-two-pods.yaml");
    text.replace(text.find("    count: 2\n"), 13, "    count: 2\n    vmSize: Standard_D2s_v3\n");
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  const auto warned = run_cnisim("run -f " + path + " -o csv");
  CHECK(warned.exitCode == 0);
  CHECK_THAT(warned.err, Catch::StartsWith(path + ":14:13: warning: nodePools[0].vmSize: Standard_D2s_v3 has no "
                                           "Accelerated Networking"));
  const auto strict = run_cnisim("run -f " + path + " --strict");
  CHECK(strict.exitCode == 2);
  CHECK(strict.out.empty());
  CHECK_THAT(strict.err, Catch::StartsWith(path + ":14:13: error: nodePools[0].vmSize:"));
  CHECK_THAT(strict.err, Catch::Contains("--strict makes this an error"));
  const auto quiet = run_cnisim("-q run -f " + path + " -o csv");
  CHECK(quiet.err.empty());
  std::remove(path.c_str());
}

TEST_CASE("a budget given with --max-events refuses a run over the budget and says how to raise it") {
  const auto r = run_cnisim("run -f scenarios/dataplane-two-pods.yaml --max-events 1000");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::StartsWith("scenarios/dataplane-two-pods.yaml:35:7: error: traffic.chatty[0]: this traffic "
                                      "asks for about 2.2e+04 engine events"));
  CHECK_THAT(r.err, Catch::Contains("--max-events N"));
  CHECK(run_cnisim("run -f scenarios/dataplane-two-pods.yaml --max-events 0").exitCode == 2);
  CHECK(run_cnisim("run -f scenarios/dataplane-two-pods.yaml --max-events lots").exitCode == 2);
  CHECK(run_cnisim("run -f scenarios/dataplane-two-pods.yaml --max-events 100000 -o csv").exitCode == 0);
}

TEST_CASE("kube-proxy modes do not make distinct cilium variants: cilium runs once, and alone it is refused") {
  const auto both = run_cnisim("compare -f scenarios/dataplane-two-pods.yaml --plugins kubenet,cilium "
                               "--kube-proxy iptables,nftables -o csv");
  CHECK(both.exitCode == 0);
  CHECK_THAT(both.out, Catch::Contains("kubenet/iptables,kubenet,iptables,"));
  CHECK_THAT(both.out, Catch::Contains("kubenet/nftables,kubenet,nftables,"));
  CHECK_THAT(both.out, Catch::Contains("cilium/ebpf,cilium,none (eBPF),"));
  CHECK_THAT(both.out, !Catch::Contains("cilium/nftables") && !Catch::Contains("cilium/iptables"));
  const auto alone = run_cnisim("compare -f scenarios/dataplane-two-pods.yaml --plugins cilium --kube-proxy ipvs");
  CHECK(alone.exitCode == 2);
  CHECK_THAT(alone.err, Catch::Contains("--kube-proxy does not apply under cilium"));
}

TEST_CASE("compare's --outbound-type makes a variant per egress type, and refuses what it cannot run") {
  const auto both = run_cnisim("compare -f scenarios/egress-snat.yaml --plugins kubenet --duration 20ms "
                               "--outbound-type loadBalancer,none -o csv");
  INFO(both.err);
  CHECK(both.exitCode == 1);  // no call completes without a way out, and the exit code says so
  CHECK_THAT(both.out, Catch::Contains("kubenet/loadBalancer,kubenet,iptables,"));
  CHECK_THAT(both.out, Catch::Contains("kubenet/none,kubenet,iptables,"));
  const auto unknown = run_cnisim("compare -f scenarios/egress-snat.yaml --outbound-type loadbalancer");
  CHECK(unknown.exitCode == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown outbound type 'loadbalancer' in --outbound-type: expected loadBalancer,"));
  const auto twice = run_cnisim("compare -f scenarios/egress-snat.yaml --outbound-type none,none");
  CHECK(twice.exitCode == 2);
  CHECK_THAT(twice.err, Catch::Contains("listed twice"));
  const auto udr = run_cnisim("compare -f scenarios/egress-snat.yaml --outbound-type userDefinedRouting");
  CHECK(udr.exitCode == 2);
  CHECK_THAT(udr.err, Catch::Contains("needs a route for 0.0.0.0/0"));
}

TEST_CASE("a profile given with --profile replaces the scenario's base profile and a bad one exits 2") {
  const std::string path = "/tmp/cnisim-profile-option-test.yaml";
  {
    std::string text = cnisim::testing::read_file(cnisim::testing::source_dir() + "/models/profiles/aks-accelerated.yaml");
    const std::string from = "name: aks-accelerated";
    text.replace(text.find(from), from.size(), "name: slow-bridge");
    const std::string bridge = "bridge: {fixed: 400ns, perByte: 0}";
    REQUIRE(text.find(bridge) != std::string::npos);
    text.replace(text.find(bridge), bridge.size(), "bridge: {fixed: 40us, perByte: 0}");
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  const auto base = run_cnisim("run -f scenarios/dataplane-two-pods.yaml -o json");
  const auto slow = run_cnisim("run -f scenarios/dataplane-two-pods.yaml -o json --profile " + path);
  CHECK(base.exitCode == 0);
  CHECK(slow.exitCode == 0);
  CHECK_THAT(slow.out, Catch::Contains("\"profile\": \"slow-bridge\""));
  CHECK(slow.out != base.out);
  const auto bad = run_cnisim("run -f scenarios/dataplane-two-pods.yaml --profile /dev/zero");
  CHECK(bad.exitCode == 2);
  CHECK_THAT(bad.err, Catch::StartsWith("/dev/zero:1:1: error: is a character device, not a regular file"));
  std::remove(path.c_str());
}

TEST_CASE("every scenario refused before its run exits 2 at the traffic item's line within a second") {
  // tests/scenario/bad-run/: files that load but must not run: traffic over the work budget, endpoints
  // naming nothing in the built cluster. Each NAME.expected lists lines the error must contain.
  const auto dir = std::filesystem::path(cnisim::testing::source_dir()) / "tests" / "scenario" / "bad-run";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 7);
  for (const auto& file : files) {
    INFO(file.filename().string());
    auto expected_path = file;
    expected_path.replace_extension(".expected");
    bool found = false;
    const std::string expected = cnisim::testing::read_file(expected_path.string(), &found);
    REQUIRE(found);
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_cnisim("run -f tests/scenario/bad-run/" + file.filename().string());
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    INFO(r.err);
    CHECK(r.exitCode == 2);
    CHECK(r.out.empty());
    CHECK(elapsed.count() < 1.0);
    CHECK(r.err.starts_with("tests/scenario/bad-run/" + file.filename().string() + ":"));
    std::istringstream lines(expected);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) CHECK_THAT(r.err, Catch::Contains(line));
    }
  }
  rusage usage{};
  REQUIRE(getrusage(RUSAGE_CHILDREN, &usage) == 0);
  CHECK(usage.ru_maxrss < kMaxRssKb);
}

TEST_CASE("emulate refuses a scenario with network policies, which it does not render, at the policies' line") {
  const auto r = run_cnisim("emulate -f scenarios/network-policy.yaml --dry-run");
  CHECK(r.exitCode == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("scenarios/network-policy.yaml:") &&
                        Catch::Contains("networkPolicies[0]: emulate does not render NetworkPolicies"));
}

TEST_CASE("compare's NodeLocal DNSCache axis takes off and on, once each, and names its variants") {
  const auto bad = run_cnisim("compare -f scenarios/dns-nodelocal.yaml --node-local-dns off,maybe");
  CHECK(bad.exitCode == 2);
  CHECK_THAT(bad.err, Catch::Contains("unknown value 'maybe' in --node-local-dns"));
  CHECK(run_cnisim("compare -f scenarios/dns-nodelocal.yaml --node-local-dns on,on").exitCode == 2);
  const auto cilium = run_cnisim("compare -f scenarios/dns-nodelocal.yaml --plugins cilium --node-local-dns on");
  CHECK(cilium.exitCode == 2);
  CHECK_THAT(cilium.err, Catch::Contains("Local Redirect Policy"));
  const auto ok = run_cnisim("compare -f scenarios/dns-nodelocal.yaml --plugins azure --node-local-dns off,on --duration 2ms -o csv");
  CHECK(ok.exitCode == 0);
  CHECK_THAT(ok.out, Catch::Contains("azure/coredns") && Catch::Contains("azure/nodelocaldns"));
}

TEST_CASE("compare's externalTrafficPolicy axis needs a NodePort Service and knows only Cluster and Local") {
  const auto none = run_cnisim("compare -f scenarios/chatty-app.yaml --external-traffic-policy Cluster,Local");
  CHECK(none.exitCode == 2);
  CHECK_THAT(none.err, Catch::Contains("applies to NodePort Services, and this scenario has none"));
  const auto bad = run_cnisim("compare -f scenarios/nodeport-traffic-policy.yaml --external-traffic-policy Cluster,Nearest");
  CHECK(bad.exitCode == 2);
  CHECK_THAT(bad.err, Catch::Contains("unknown traffic policy 'Nearest'"));
  const auto twice = run_cnisim("compare -f scenarios/nodeport-traffic-policy.yaml --external-traffic-policy Local,Local");
  CHECK(twice.exitCode == 2);
  const auto ok = run_cnisim("compare -f scenarios/nodeport-traffic-policy.yaml --plugins azure --external-traffic-policy "
                             "Cluster,Local --duration 2ms -o csv");
  CHECK(ok.exitCode == 0);
  CHECK_THAT(ok.out, Catch::Contains("azure/etp-cluster") && Catch::Contains("azure/etp-local"));
}

TEST_CASE("emulate refuses NodePort Services, which it does not render yet, at the Service's line") {
  const auto r = run_cnisim("emulate -f scenarios/nodeport-traffic-policy.yaml --dry-run");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::StartsWith("scenarios/nodeport-traffic-policy.yaml:") &&
                        Catch::Contains("services[0]: emulate renders kube-proxy's ClusterIP rules only"));
}
