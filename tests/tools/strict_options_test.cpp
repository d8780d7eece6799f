// The command line is strict: no abbreviated options, a "did you mean" for what is mistyped, option
// values checked (jobs, seed, packet size, lists), --version, and help texts without internal names.
#include <catch2/catch.hpp>

#include <regex>

#include "tests/tools/run_cnisim.hpp"

using cnisim::testing::run_cnisim;

namespace {

const std::string kHops = "-f scenarios/hop-overhead.yaml";
const std::string kHopsPods = "pod/client-cwkfdr9zxm-fv5kx pod/server-bjpwqlzvxt-m2xft";

// Help text with every run of spaces and newlines made one space (Boost wraps the descriptions).
std::string squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (space && !out.empty() && out.back() == ' ') continue;
    out += space ? ' ' : c;
  }
  return out;
}

}  // namespace

TEST_CASE("an abbreviated option is refused, not guessed, and the full name is suggested") {
  auto r = run_cnisim("get nodes --plug azure");
  CHECK(r.exitCode == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "cnisim: unknown option '--plug' (did you mean '--plugin'?); run `cnisim get --help` for the options\n");
  r = run_cnisim("run " + kHops + " --dur 1ms");
  CHECK(r.exitCode == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "cnisim: unknown option '--dur' (did you mean '--duration'?); run `cnisim run --help` for the options\n");
  r = run_cnisim("compare " + kHops + " --plugin kubenet");  // compare takes --plugins only
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown option '--plugin' (did you mean '--plugins'?)"));
}

TEST_CASE("an abbreviated global option is refused too") {
  for (const char* args : {"--verb get nodes", "get nodes --verb", "--vers", "--he"}) {
    const auto r = run_cnisim(args);
    INFO("cnisim " << args);
    CHECK(r.exitCode == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("cnisim: unknown option '--"));
    CHECK_THAT(r.err, Catch::Contains("did you mean '--"));
  }
}

TEST_CASE("a mistyped option exits 2 and names the closest option, written either way") {
  for (const char* args : {"get nodes --plugn azure", "get nodes --plugn=azure"}) {
    const auto r = run_cnisim(args);
    INFO("cnisim " << args);
    CHECK(r.exitCode == 2);
    CHECK(r.err == "cnisim: unknown option '--plugn' (did you mean '--plugin'?); run `cnisim get --help` for the options\n");
  }
  const auto dash = run_cnisim("get nodes -plugin azure");  // a long name with one dash
  CHECK(dash.exitCode == 2);
  CHECK(dash.err == "cnisim: unknown option '-plugin' (did you mean '--plugin'?); run `cnisim get --help` for the options\n");
  const auto r = run_cnisim("--verison");
  CHECK(r.exitCode == 2);
  CHECK(r.err == "cnisim: unknown option '--verison' (did you mean '--version'?); run `cnisim --help` for the options\n");
}

TEST_CASE("a mistyped command exits 2 and names the closest command") {
  auto r = run_cnisim("compar " + kHops);
  CHECK(r.exitCode == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "cnisim: unknown command 'compar' (did you mean 'compare'?); run `cnisim --help` for the list\n");
  r = run_cnisim("rotues");
  CHECK(r.exitCode == 2);
  CHECK(r.err == "cnisim: unknown command 'rotues' (did you mean 'routes'?); run `cnisim --help` for the list\n");
}

TEST_CASE("nothing is suggested when no option or command is close") {
  auto r = run_cnisim("get nodes --frobnicate");
  CHECK(r.exitCode == 2);
  CHECK(r.err == "cnisim: unknown option '--frobnicate'; run `cnisim get --help` for the options\n");
  r = run_cnisim("get nodes -x");
  CHECK(r.exitCode == 2);
  CHECK(r.err == "cnisim: unknown option '-x'; run `cnisim get --help` for the options\n");
  r = run_cnisim("deploy");
  CHECK(r.exitCode == 2);
  CHECK(r.err == "cnisim: unknown command 'deploy'; run `cnisim --help` for the list\n");
}

TEST_CASE("positional arguments cannot be given under the internal names they are stored as") {
  for (const char* args : {"get --resource nodes", "trace --endpoints pod/a --endpoints pod/b", "--command get nodes",
                           "get nodes --args pods"}) {
    const auto r = run_cnisim(args);
    INFO("cnisim " << args);
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::StartsWith("cnisim: unknown option '--"));
    CHECK(r.out.empty());
  }
}

TEST_CASE("a command's option written before the command exits 2 and says where it goes") {
  const auto r = run_cnisim("--plugin azure get nodes");
  CHECK(r.exitCode == 2);
  CHECK(r.err ==
        "cnisim: unknown option '--plugin' before the command: only -h, -v, -q and --version go there; a command's own "
        "options go after its name, e.g. `cnisim get nodes --plugin azure`\n");
}

TEST_CASE("too many arguments exit 2 and show the command's usage") {
  const auto r = run_cnisim("trace pod/a pod/b pod/c");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::StartsWith("cnisim: too many arguments for trace: usage: cnisim trace"));
}

TEST_CASE("cnisim --version prints the project version and the git revision it was configured from") {
  const auto r = run_cnisim("--version");
  CHECK(r.exitCode == 0);
  CHECK(r.err.empty());
  CHECK(r.out == std::string("cnisim ") + CNISIM_EXPECTED_VERSION + " (git " + CNISIM_EXPECTED_REVISION + ")\n");
  // A version like 0.1.0, and a revision from `git describe --always --dirty` or "unknown".
  CHECK(std::regex_match(r.out, std::regex(R"(cnisim [0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9A-Za-z._/-]+|unknown)\)\n)")));
  CHECK(run_cnisim("--version get nodes").out == r.out);
}

TEST_CASE("the overview lists --version among the global options") {
  const auto r = run_cnisim("--help");
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Catch::Contains("--version"));
  CHECK_THAT(r.out, Catch::Contains("cnisim --version"));
}

TEST_CASE("compare -j takes 1 to 256 runs at a time and refuses 0, negatives, more and non-numbers") {
  for (const char* j : {"0", "-1", "257", "four", "2.5", ""}) {
    const auto r = run_cnisim("compare " + kHops + " -j '" + j + "'");
    INFO("-j '" << j << "': " << r.err);
    CHECK(r.exitCode == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("expected a whole number from 1 to 256 (e.g. -j 4)"));
  }
  CHECK_THAT(run_cnisim("compare " + kHops + " -j 0").err, Catch::Contains("-j '0' is too small"));
  CHECK_THAT(run_cnisim("compare " + kHops + " -j -1").err, Catch::Contains("-j '-1' is negative"));
  CHECK_THAT(run_cnisim("compare " + kHops + " --jobs=-3").err, Catch::Contains("-j '-3' is negative"));
  CHECK_THAT(run_cnisim("compare " + kHops + " -j 257").err, Catch::Contains("-j '257' is too large"));
  CHECK_THAT(run_cnisim("compare " + kHops + " -j four").err, Catch::Contains("-j 'four' is not a whole number"));
  const auto one = run_cnisim("compare " + kHops + " -o csv -j 1");
  const auto most = run_cnisim("compare " + kHops + " -o csv -j 256");
  CHECK(one.exitCode == 0);
  CHECK(most.exitCode == 0);
  CHECK(one.out == most.out);
}

TEST_CASE("run --seed takes a whole number from 0 to 2^64-1 and refuses negatives instead of wrapping") {
  for (const char* args : {"--seed -1", "--seed=-1", "--seed -18446744073709551615"}) {
    const auto r = run_cnisim("run " + kHops + " " + args);
    INFO(args);
    CHECK(r.exitCode == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("is negative: expected a whole number from 0 to 18446744073709551615 (e.g. --seed 42)"));
  }
  auto r = run_cnisim("run " + kHops + " --seed 18446744073709551616");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("--seed '18446744073709551616' is too large"));
  r = run_cnisim("run " + kHops + " --seed 0x10");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("--seed '0x10' is not a whole number"));
  r = run_cnisim("run " + kHops + " -o csv --seed 18446744073709551615");
  CHECK(r.exitCode == 0);
}

TEST_CASE("an empty item in --plugins or --kube-proxy is refused with a message naming it") {
  auto r = run_cnisim("compare " + kHops + " --plugins kubenet,");
  CHECK(r.exitCode == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "cnisim: --plugins 'kubenet,': the 2nd item (after 'kubenet') is empty: separate names with single commas, e.g. "
        "--plugins kubenet,azure\n");
  r = run_cnisim("compare " + kHops + " --plugins ,azure");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("--plugins ',azure': the 1st item (before 'azure') is empty"));
  r = run_cnisim("compare " + kHops + " --kube-proxy iptables,,nftables");
  CHECK(r.exitCode == 2);
  CHECK(r.err ==
        "cnisim: --kube-proxy 'iptables,,nftables': the 2nd item (between 'iptables' and 'nftables') is empty: separate "
        "names with single commas, e.g. --kube-proxy iptables,nftables\n");
  r = run_cnisim("run " + kHops + " --kube-proxy nftables,");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("--kube-proxy 'nftables,': the 2nd item (after 'nftables') is empty"));
  r = run_cnisim("compare " + kHops + " --plugins ''");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.err, Catch::Contains("--plugins is empty: expected a comma-separated list, e.g. --plugins kubenet,azure"));
}

TEST_CASE("trace --size takes 1 to 65535 bytes") {
  for (const char* size : {"0", "65536", "-5", "big", "1e3"}) {
    const auto r = run_cnisim("trace " + kHops + " --size " + size + " " + kHopsPods);
    INFO("--size " << size << ": " << r.err);
    CHECK(r.exitCode == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("expected a whole number from 1 to 65535 (e.g. --size 1500)"));
  }
  for (const char* size : {"1", "65535"}) {
    const auto r = run_cnisim("trace " + kHops + " --size " + size + " " + kHopsPods);
    INFO("--size " << size << ": " << r.err);
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("Round trip:"));
  }
}

TEST_CASE("no help text shows the internal names positional arguments are stored under") {
  for (const char* cmd : {"get", "trace", "run", "compare", "routes", "plan", "graph"}) {
    const auto r = run_cnisim(std::string(cmd) + " --help");
    INFO(cmd);
    CHECK(r.exitCode == 0);
    for (const char* internal : {"--resource", "--endpoints", "--command", "--args"}) CHECK_THAT(r.out, !Catch::Contains(internal));
    CHECK_THAT(r.out, Catch::Contains(std::string("Usage: cnisim ") + cmd));
  }
  const auto global = run_cnisim("--help");
  CHECK_THAT(global.out, !Catch::Contains("--command"));
  CHECK_THAT(global.out, !Catch::Contains("--args"));
  CHECK_THAT(run_cnisim("get --help").out, Catch::Contains("Usage: cnisim get TYPE[,TYPE...] [NAME...]"));
  CHECK_THAT(run_cnisim("trace --help").out, Catch::Contains("[--pcap DIR] FROM TO\n"));
}

TEST_CASE("every option that takes a quantity says its unit or gives an example in the help") {
  const auto run = squeezed(run_cnisim("run --help").out);
  CHECK_THAT(run, Catch::Contains("--duration DURATION stop every run at this simulated time, e.g. 2ms"));
  CHECK_THAT(run, Catch::Contains("--seed N random seed, a whole number from 0 to 2^64-1"));
  const auto compare = squeezed(run_cnisim("compare --help").out);
  CHECK_THAT(compare, Catch::Contains("-j [ --jobs ] N runs at a time, 1 to 256"));
  CHECK_THAT(compare, Catch::Contains("--duration DURATION stop every run at this simulated time, e.g. 2ms"));
  const auto trace = squeezed(run_cnisim("trace --help").out);
  CHECK_THAT(trace, Catch::Contains("--size BYTES packet size in bytes, 1 to 65535 (default: 64)"));
}
