// Every file in tests/scenario/bad/ must be rejected with the diagnostics its .expected file lists,
// in well under a second; and generated hostile inputs (too big to commit) must be rejected as fast.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

#include "scenario_test_support.hpp"

namespace cnisim::scenario {
namespace {

using Clock = std::chrono::steady_clock;
// The bound (1 s per file) is for the program as shipped: an optimized build, which CI also
// tests. Sanitizer and debug builds run the same code 5-10x slower and get a proportional bound.
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
constexpr std::chrono::milliseconds kTimeLimit{1000};
#else
constexpr std::chrono::milliseconds kTimeLimit{5000};
#endif

struct Outcome {
  std::string text;
  std::size_t diagnostics = 0;
  bool threw_scenario_error = false;
  Clock::duration elapsed{};
};

template <class Load>
Outcome run(Load load) {
  Outcome o;
  const auto start = Clock::now();
  try {
    load();
  } catch (const ScenarioError& e) {
    o.threw_scenario_error = true;
    o.text = e.what();
    o.diagnostics = e.diagnostics().size();
  }
  o.elapsed = Clock::now() - start;
  return o;
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("cnisim-scenario-" + name + ".yaml");
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::string repeat(std::string_view piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

}  // namespace

TEST_CASE("every bad scenario in the corpus is rejected with its expected messages within a second") {
  const auto dir = test::source_dir() / "tests" / "scenario" / "bad";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 30);
  for (const auto& file : files) {
    INFO("scenario " << file.filename().string());
    auto expected_path = file;
    expected_path.replace_extension(".expected");
    const std::vector<std::string> expected = read_lines(expected_path);
    REQUIRE(!expected.empty());  // every bad file says what it must produce
    const Outcome o = run([&] { load_scenario_file(file.string()); });
    INFO("message:\n" << o.text);
    REQUIRE(o.threw_scenario_error);
    CHECK(o.elapsed < kTimeLimit);
    for (const std::string& line : expected) {
      if (line.starts_with("errors: ")) {
        CHECK(o.diagnostics == std::stoul(line.substr(8)));
      } else {
        CHECK_THAT(o.text, Catch::Contains(line));
      }
    }
    // The first line of what() is a diagnostic header naming this file (or the cost profile it names,
    // whose errors are reported at the profile's own lines: bad/profiles/).
    CHECK((o.text.starts_with(file.string() + ":") ||
           o.text.starts_with((file.parent_path() / "profiles").string() + "/")));
  }
}

TEST_CASE("a missing file and a directory are reported as unreadable, not as YAML errors") {
  const Outcome missing = run([] { load_scenario_file("/nonexistent/scenario.yaml"); });
  CHECK(missing.text ==
        "/nonexistent/scenario.yaml:1:1: error: no such file\n"
        "  expected: a readable scenario .yaml file (a regular file)\n"
        "  hint: check the path (relative paths are taken from the current directory)");
  const Outcome directory = run([] { load_scenario_file(std::filesystem::temp_directory_path().string()); });
  CHECK_THAT(directory.text, Catch::Contains("error: is a directory"));
}

TEST_CASE("generated hostile inputs are rejected within a second each") {
  struct Case {
    std::string name;
    std::string text;
    std::string message;
  };
  const std::string head = "cluster:\n  name: aks-demo\n";
  const std::vector<Case> cases = {
      {"flow-nesting-10000", head + "traffic: " + repeat("[", 10000) + repeat("]", 10000) + "\n",
       "3:74: error: brackets are nested more than 64 levels deep"},
      {"map-nesting-10000", head + "traffic: " + repeat("{a: ", 10000) + repeat("}", 10000) + "\n",
       "3:266: error: brackets are nested more than 64 levels deep"},
      // Compact nested lists ("- - - x") nest without brackets; yaml-cpp's own depth guard stops them.
      {"sequence-nesting-10000", head + "traffic:\n  " + repeat("- ", 10000) + "x\n",
       "error: YAML nested too deeply for the parser"},
      // Block mappings 200 levels deep (indentation grows, so 10,000 levels would be 50 MB of text).
      {"block-nesting-200",
       head +
           [] {
             std::string s = "traffic:\n";
             for (int i = 1; i <= 200; ++i) s += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
             return s;
           }(),
       "error: values are nested more than 64 levels deep"},
      {"too-big-2MiB", head + "# " + repeat("x", 2u << 20) + "\n",
       "1:1: error: the file is " + std::to_string(head.size() + 3 + (2u << 20)) +
           " bytes, more than the 524288-byte limit for a scenario"},
      {"huge-string-500000", "cluster:\n  name: " + repeat("a", 500'000) + "\n",
       "2:9: error: cluster.name: name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (500000 characters) is "
       "500000 "
       "characters long, more than 63"},
      // YAML itself limits an implicit key to 1024 characters.
      {"huge-key", head + repeat("k", 500'000) + ": 1\n",
       "3:500001: error: YAML syntax error: illegal map value\n"
       "  expected: valid YAML (a mapping of sections: cluster, nodePools, workloads, services, ...)\n"
       "  hint: a key longer than 1024 characters"},
      {"long-unknown-key", head + repeat("k", 1000) + ": 1\n",
       "3:1: error: " + repeat("k", 1000) +
           ": unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' (1000 "
           "characters)\n"},
      {"wide-alias-bomb",
       head + "traffic:\n  a: &a [" + repeat("x, ", 999) + "x]\n  b: [" + repeat("*a, ", 999) + "*a]\n",
       "5:6: error: this value expands to 1001001 YAML nodes once anchors and aliases are followed"},
      // 10,000 workloads each missing its name: the report stops at 50 rather than growing with the file.
      {"many-errors", head + "workloads:\n" + repeat("  - {replicas: 1}\n", 10'000),
       "error: too many errors; stopped reporting after 50"},
      {"binary-garbage",
       [] {
         std::string s;
         std::uint32_t x = 12345;  // fixed LCG: the same bytes every run
         for (int i = 0; i < 4096; ++i) s += static_cast<char>((x = x * 1103515245u + 12345u) >> 24);
         return s;
       }(),
       "error: the file"},
  };
  for (const Case& c : cases) {
    INFO("generated input " << c.name);
    const std::string path = write_temp(c.name, c.text);
    const Outcome o = run([&] { load_scenario_file(path); });
    std::filesystem::remove(path);
    INFO("message:\n" << o.text.substr(0, 2000));
    REQUIRE(o.threw_scenario_error);
    CHECK(o.elapsed < kTimeLimit);
    CHECK_THAT(o.text, Catch::Contains(c.message));
  }
}

TEST_CASE("a large valid scenario of 2,000 workloads loads within a second") {
  std::string yaml =
      "cluster:\n  name: aks-big\n"
      "  networkProfile: {networkPlugin: azure, networkPluginMode: overlay, podCidr: 10.240.0.0/12}\n"
      "nodePools:\n  - {name: system, count: 3, mode: System}\n  - {name: user, count: 1000, maxPods: 250}\n"
      "workloads:\n";
  for (int i = 0; i < 2000; ++i) {
    yaml += "  - {name: app" + std::to_string(i) + ", replicas: 100, labels: {app: app" + std::to_string(i) +
            "}}\n";
  }
  const auto start = Clock::now();
  const ScenarioSpec spec = load_scenario_string(yaml, "big.yaml");
  CHECK(Clock::now() - start < kTimeLimit);
  CHECK(spec.workloads.size() == 2000 + 4);  // + kube-proxy, azure-ip-masq-agent, coredns, metrics-server
}

}  // namespace cnisim::scenario
