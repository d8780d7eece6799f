// `cnisim emulate -o json`: the run's Results schema (docs/results.schema.json) with command
// "emulate", the emulated variant and --with-sim's simulated one, and the `emulation` object of what
// was observed per pair, checked against the schema; --profile reaches the simulation.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/emulation/facts.hpp"
#include "models/emulation/ping.hpp"
#include "models/emulation/process.hpp"
#include "models/emulation/render.hpp"
#include "tests/emulation/emulation_test_support.hpp"
#include "tests/report/json_schema_check.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;
namespace json = boost::json;

namespace {

std::string source_dir() {
  const char* dir = std::getenv("CNISIM_SOURCE_DIR");
  return dir ? dir : ".";
}

json::value schema() {
  std::ifstream in(source_dir() + "/docs/results.schema.json");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// The schema with its root replaced by a reference to one of its $defs.
json::value schema_of(const std::string& def) {
  auto s = schema();
  return json::object{{"$defs", s.at("$defs")}, {"$ref", "#/$defs/" + def}};
}

std::string joined(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}

PairResult sample_pair(bool service) {
  PairResult r;
  r.pair.kind = service ? "pod to Service" : "pod to VM";
  r.pair.description = "pod default/a -> vm-in-vnet";
  if (service) r.pair.service = 0;
  r.simulated.reached = r.observed.reached = true;
  r.simulated.answered = r.observed.answered = true;
  r.simulated.sourceSeen = r.observed.sourceSeen = net::Ipv4::parse("10.224.0.4");
  r.simulated.snat = r.observed.snat = true;
  r.simulated.ttl = r.observed.ttl = service ? -1 : 63;
  r.simulated.answeredBy = r.observed.answeredBy = "vm-in-vnet";
  r.simulated.answeredAt = r.observed.answeredAt = net::Ipv4::parse("10.225.0.4");
  r.observed.conntrack = {"ipv4 2 udp 17 30 src=10.244.0.2 dst=10.225.0.4 sport=40000 dport=7000"};
  return r;
}

#ifdef CNISIM_BINARY
CommandResult emulate(std::vector<std::string> args) {
  args.insert(args.begin(), {CNISIM_BINARY, "emulate"});
  return run_command(args, {}, {}, 120000);
}
#endif

}  // namespace

TEST_CASE("The emulation object of a run conforms to the schema: pairs with both sides' facts and the ping entries") {
  const auto c = seed_cluster("seed-walkthrough.yaml");
  const auto plan = render(c, "cnisim-1-abcd-");
  auto disagreeing = sample_pair(false);
  disagreeing.observed.snat = false;
  disagreeing.differences = {"SNAT: model yes, kernel no"};
  PingRun pings;
  pings.entries.push_back({"traffic.ping[0]", "pod a -> pod b 10.244.1.4", 10, 9});
  const auto o = emulation_json(c, plan, plan.notEmulated, {sample_pair(false), sample_pair(true), disagreeing}, &pings);
  const auto errors = cnisim::testing::schema_errors(schema_of("emulation"), o);
  INFO(joined(errors) << json::serialize(o));
  REQUIRE(errors.empty());
  REQUIRE(o.at("pairsAgreeing") == 2);
  REQUIRE(o.at("pairsDisagreeing") == 1);
  const auto& pairs = o.at("pairs").as_array();
  REQUIRE(pairs[0].at("observed").at("ttlAtArrival") == 63);
  REQUIRE(pairs[0].at("observed").at("dnatTarget").is_null());
  REQUIRE(pairs[1].at("observed").at("ttlAtArrival").is_null());  // TCP: no TTL observed
  REQUIRE(pairs[1].at("observed").at("dnatTarget") == "10.225.0.4");
  REQUIRE(pairs[2].at("agree") == false);
  REQUIRE(o.at("ping").as_array()[0].at("answered") == 9);
  // Without pings the field is null, still conforming.
  REQUIRE(cnisim::testing::schema_errors(schema_of("emulation"), emulation_json(c, plan, plan.notEmulated, {}, nullptr)).empty());
}

TEST_CASE("The schema catches an emulation object that lost a pair's observed facts or names an unknown pair kind") {
  const auto c = seed_cluster("seed-walkthrough.yaml");
  const auto plan = render(c, "cnisim-1-abcd-");
  auto o = emulation_json(c, plan, plan.notEmulated, {sample_pair(false)}, nullptr);
  o.at("pairs").as_array()[0].as_object().erase("observed");
  REQUIRE(joined(cnisim::testing::schema_errors(schema_of("emulation"), o)).find("missing required key 'observed'") !=
          std::string::npos);
  auto unknown = emulation_json(c, plan, plan.notEmulated, {sample_pair(false)}, nullptr);
  unknown.at("pairs").as_array()[0].as_object()["kind"] = "pod to moon";
  REQUIRE_FALSE(cnisim::testing::schema_errors(schema_of("emulation"), unknown).empty());
}

#ifdef CNISIM_BINARY
TEST_CASE("emulate -o json with --with-sim under overlay conforms to the schema with both variants and the observed pairs") {
  if (!skip_without_namespaces().empty()) return;
  // A copy of the shipped profile under another name: --profile must reach the simulation.
  const auto profile = std::filesystem::temp_directory_path() / ("cnisim-emulate-profile-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ifstream in(source_dir() + "/models/profiles/aks-accelerated.yaml");
    REQUIRE(in);
    std::ofstream out(profile);
    for (std::string line; std::getline(in, line);) out << (line.rfind("name:", 0) == 0 ? "name: emulate-profile-test" : line) << '\n';
  }
  const auto r = emulate({"-f", scenario_path("hop-overhead.yaml"), "--plugin", "overlay", "--with-sim", "-o", "json",
                          "--max-calls", "300", "--seconds", "3", "--profile", profile.string()});
  std::filesystem::remove(profile);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);  // stdout is the JSON document alone
  const auto errors = cnisim::testing::schema_errors(schema(), doc);
  INFO(joined(errors));
  REQUIRE(errors.empty());
  REQUIRE(doc.at("command") == "emulate");
  const auto& variants = doc.at("variants").as_array();
  REQUIRE(variants.size() == 2);
  REQUIRE(variants[0].at("label") == "emulated");
  REQUIRE(variants[1].at("label") == "simulated");
  REQUIRE(variants[0].at("results").at("lookupCostModel") == "kernel");
  REQUIRE(variants[1].at("results").at("profile") == "emulate-profile-test");
  const auto& emulated = variants[0].at("results").at("latency");
  REQUIRE(emulated.at("call").at("count").to_number<std::uint64_t>() > 0);
  REQUIRE(emulated.at("call").at("p50_ps").to_number<std::int64_t>() > 0);
  REQUIRE(emulated.at("chain").at("count").to_number<std::uint64_t>() > 0);
  REQUIRE(emulated.at("ping").at("count") == 200);
  REQUIRE(variants[1].at("results").at("latency").at("ping").at("count") == 200);
  const auto& e = doc.at("emulation");
  REQUIRE(e.at("plugin") == "overlay");
  REQUIRE(e.at("pairsDisagreeing") == 0);
  REQUIRE(e.at("pairs").as_array().size() == 5);  // hop-overhead has no user Service
  for (const auto& pair : e.at("pairs").as_array()) {
    INFO(json::serialize(pair));
    REQUIRE(pair.at("agree") == true);
    REQUIRE(pair.at("observed").at("ttlAtArrival") == pair.at("simulated").at("ttlAtArrival"));
    REQUIRE(pair.at("observed").at("sourceSeen") == pair.at("simulated").at("sourceSeen"));
  }
  REQUIRE(e.at("ping").as_array()[0].at("answered") == 200);
  REQUIRE(doc.at("answer").is_null());
}

TEST_CASE("emulate -o json --no-traffic on the seed walkthrough reports the six pairs and no variant") {
  if (!skip_without_namespaces().empty()) return;
  const auto r = emulate({"-f", scenario_path("seed-walkthrough-azure.yaml"), "-o", "json", "--no-traffic"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  const auto errors = cnisim::testing::schema_errors(schema(), doc);
  INFO(joined(errors));
  REQUIRE(errors.empty());
  REQUIRE(doc.at("variants").as_array().empty());
  REQUIRE(doc.at("emulation").at("pairs").as_array().size() == 6);
  const auto& service = doc.at("emulation").at("pairs").as_array()[5];
  REQUIRE(service.at("kind") == "pod to Service");
  REQUIRE(service.at("observed").at("dnatTarget").is_string());
  REQUIRE_FALSE(service.at("observedConntrack").as_array().empty());
}

TEST_CASE("emulate says that it does not run the scenario's bulk streams") {
  if (!skip_without_namespaces().empty()) return;
  const auto scenario = std::filesystem::temp_directory_path() / ("cnisim-emulate-bulk-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ifstream in(scenario_path("hop-overhead.yaml"));
    REQUIRE(in);
    std::ofstream out(scenario);
    for (std::string line; std::getline(in, line);) {
      if (line == "  ping:") {
        out << "  bulk:\n    - {from: pod/client-cwkfdr9zxm-fv5kx, to: pod/server-bjpwqlzvxt-m2xft, rate: 100Mbps, duration: 1ms}\n";
      }
      out << line << '\n';
    }
  }
  const auto r = emulate({"-f", scenario.string(), "-o", "json", "--no-traffic"});
  std::filesystem::remove(scenario);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  bool named = false;
  for (const auto& line : doc.at("emulation").at("notEmulated").as_array()) {
    named = named || std::string_view(line.as_string()).starts_with("traffic.bulk (1 entry): paced streams are not run");
  }
  REQUIRE(named);
}

TEST_CASE("emulate refuses a bad --profile, an unknown -o, --with-sim without traffic and cilium with exit 2 before creating anything") {
  const auto before = list_namespaces().size();
  const auto bad_profile = emulate({"--dry-run", "--profile", "/nonexistent/profile.yaml"});
  REQUIRE(bad_profile.exit_code == 2);
  REQUIRE(bad_profile.err.find("profile") != std::string::npos);
  const auto bad_format = emulate({"--dry-run", "-o", "csv"});
  REQUIRE(bad_format.exit_code == 2);
  REQUIRE(bad_format.err.find("expected table or json") != std::string::npos);
  const auto contradiction = emulate({"--no-traffic", "--with-sim"});
  REQUIRE(contradiction.exit_code == 2);
  REQUIRE(contradiction.err.find("--with-sim concerns the traffic, which --no-traffic leaves out") != std::string::npos);
  const auto cilium = emulate({"--plugin", "cilium"});
  REQUIRE(cilium.exit_code == 2);
  REQUIRE(cilium.err.find("cannot be emulated") != std::string::npos);
  REQUIRE(cilium.err.find("eBPF") != std::string::npos);
  REQUIRE(list_namespaces().size() == before);
}

TEST_CASE("emulate --dry-run works for every plugin it can emulate") {
  for (const std::string plugin : {"kubenet", "azure", "overlay"}) {
    const auto r = emulate({"--dry-run", "--plugin", plugin});
    INFO(plugin << r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.find("# namespace cnisim-DRYRUN-0000-vnet") != std::string::npos);
    REQUIRE(r.out.find("iptables-restore <<EOF") != std::string::npos);
  }
}
#endif
