// Namespace lifecycle: what a run creates is removed on normal exit, on error, after SIGTERM, and
// `cnisim emulate --cleanup` removes what a run killed with SIGKILL left (and nothing of a live run).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "models/emulation/emulator.hpp"
#include "models/emulation/process.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;

namespace {

#ifdef CNISIM_BINARY
// cnisim with args, stdout and stderr to /dev/null; the caller reaps it.
pid_t spawn_cnisim(const std::vector<std::string>& args) {
  std::vector<std::string> argv{CNISIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::FILE* null = std::fopen("/dev/null", "w");
    if (null) ::dup2(::fileno(null), 1), ::dup2(::fileno(null), 2);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  return pid;
}

std::string prefix_of(pid_t pid) { return "cnisim-" + std::to_string(pid) + "-"; }

// Waits (bounded) until the run has created at least `count` namespaces; false if it did not.
bool wait_for_namespaces(pid_t pid, std::size_t count, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (namespaces_with_prefix(prefix_of(pid)) >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

int reap(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 6000; ++i) {  // at most 60 s
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

// Removes whatever a test's child left, so a failing test still leaves nothing behind.
struct RemoveLeftovers {
  std::string prefix;
  ~RemoveLeftovers() {
    for (const auto& name : list_namespaces()) {
      if (name.rfind(prefix, 0) == 0) run_command({"ip", "netns", "delete", name});
    }
  }
};
#endif

}  // namespace

TEST_CASE("A NamespaceSet removes its namespaces when it goes away, also when an exception unwinds it") {
  if (!skip_without_namespaces().empty()) return;
  std::string prefix;
  try {
    NamespaceSet set;
    prefix = set.prefix();
    set.create("a");
    set.create("b");
    REQUIRE(namespaces_with_prefix(prefix) == 2);
    throw std::runtime_error("midway");
  } catch (const std::runtime_error&) {
  }
  REQUIRE(namespaces_with_prefix(prefix) == 0);
}

TEST_CASE("A failing command inside the emulation reports its stderr and the namespaces are still removed") {
  if (!skip_without_namespaces().empty()) return;
  NamespaceSet set;
  const auto name = set.create("x");
  REQUIRE_THROWS_WITH(run_checked({"ip", "route", "add", "10.1.0.0/16", "dev", "nosuchdev"}, {}, netns_path(name)),
                      Catch::Contains("failed (exit") && Catch::Contains("nosuchdev"));
  const auto prefix = set.prefix();
  set.remove_all();
  REQUIRE(namespaces_with_prefix(prefix) == 0);
}

TEST_CASE("Cleanup keeps the namespaces of a run whose process is alive") {
  if (!skip_without_namespaces().empty()) return;
  NamespaceSet set;  // owner: this test process, alive
  set.create("live");
  const auto report = cleanup_stale_namespaces();
  REQUIRE(std::find(report.kept.begin(), report.kept.end(), set.prefix() + "live") != report.kept.end());
  REQUIRE(namespaces_with_prefix(set.prefix()) == 1);
}

#ifdef CNISIM_BINARY
TEST_CASE("A normal emulate run leaves no namespace behind") {
  if (!skip_without_namespaces().empty()) return;
  const pid_t pid = spawn_cnisim({"emulate", "-f", scenario_path("seed-walkthrough.yaml")});
  RemoveLeftovers guard{prefix_of(pid)};
  REQUIRE(reap(pid) == 0);
  REQUIRE(namespaces_with_prefix(prefix_of(pid)) == 0);
}

TEST_CASE("An emulate run stopped by SIGTERM removes its namespaces and exits 143") {
  if (!skip_without_namespaces().empty()) return;
  const pid_t pid = spawn_cnisim({"emulate", "-f", scenario_path("seed-walkthrough.yaml")});
  RemoveLeftovers guard{prefix_of(pid)};
  REQUIRE(wait_for_namespaces(pid, 3, std::chrono::seconds(20)));
  ::kill(pid, SIGTERM);
  REQUIRE(reap(pid) == 143);
  REQUIRE(namespaces_with_prefix(prefix_of(pid)) == 0);
}

TEST_CASE("A run killed with SIGKILL leaves namespaces that emulate --cleanup removes") {
  if (!skip_without_namespaces().empty()) return;
  const pid_t pid = spawn_cnisim({"emulate", "-f", scenario_path("seed-walkthrough.yaml")});
  RemoveLeftovers guard{prefix_of(pid)};
  REQUIRE(wait_for_namespaces(pid, 3, std::chrono::seconds(20)));
  ::kill(pid, SIGKILL);
  REQUIRE(reap(pid) == 256 + SIGKILL);
  REQUIRE(namespaces_with_prefix(prefix_of(pid)) >= 3);
  const auto r = run_command({CNISIM_BINARY, "emulate", "--cleanup"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(namespaces_with_prefix(prefix_of(pid)) == 0);
}
#endif

TEST_CASE("A link with its carrier on waits until it has a qdisc and its operstate is up") {
  const std::string output =
      "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback\n"
      "2: cbr0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether\n"
      "3: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master cbr0 state LOWERLAYERDOWN mode DEFAULT\\    link/ether\n"
      "4: veth1@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master cbr0 state UP mode DEFAULT\\    link/ether\n"
      "5: br1: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT\\    link/ether\n"
      "6: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT\\    link/ether\n";
  REQUIRE(links_not_passing(output) == std::vector<std::string>{"cbr0", "veth0"});
  REQUIRE(links_not_passing("").empty());
}

TEST_CASE("Every link of a brought-up emulation passes packets under kubenet and azure") {
  if (!skip_without_namespaces().empty()) return;
  for (const auto plugin : {cluster::PluginKind::Kubenet, cluster::PluginKind::AzureNodeSubnet}) {
    auto spec = scenario::load_scenario_file(scenario_path("seed-walkthrough.yaml"));
    scenario::apply_plugin(spec, plugin);
    const auto c = cluster::build_cluster(spec);
    Emulation emu(c);
    emu.up();
    std::size_t links = 0;
    for (std::uint32_t i = 0; i < emu.plan().namespaces.size(); ++i) {
      const auto out = run_checked({"ip", "-o", "link", "show"}, {}, netns_path(emu.plan().full_name(i)));
      INFO(out);
      links += static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n'));
      REQUIRE(links_not_passing(out).empty());
    }
    REQUIRE(links > emu.plan().namespaces.size());  // more than each namespace's lo
  }
}
