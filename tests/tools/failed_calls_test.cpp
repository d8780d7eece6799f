// A variant where calls failed says so in every format, "N% of calls failed: latency covers only the
// rest", since its latency percentiles leave the failed calls out; a run or compare in which some
// variant with chatty traffic completed no call at all prints its report and exits 1.
// tests/tools/scenarios/some-calls-fail.yaml: 100 calls complete and 100 go to a Service without
// endpoints (kube-proxy rejects them) under every plugin: exactly 50% fail.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cstdio>
#include <sstream>

#include "tests/report/json_schema_check.hpp"
#include "tests/tools/run_cnisim.hpp"

using cnisim::testing::run_cnisim;
namespace json = boost::json;

namespace {

const std::string kSomeFail = "-f tests/tools/scenarios/some-calls-fail.yaml";
const std::string kAllFail = "-f tests/tools/scenarios/all-calls-fail.yaml";
const std::string kHalf = "50% of calls failed: latency covers only the rest";

std::string csv_row(const std::string& csv, const std::string& start) {
  const auto at = csv.find("\n" + start);
  REQUIRE(at != std::string::npos);
  const auto end = csv.find('\n', at + 1);
  return csv.substr(at + 1, end - at - 1);
}

}  // namespace

TEST_CASE("the table flags each variant whose calls failed, above the figures") {
  const auto r = run_cnisim("compare " + kSomeFail + " --plugins kubenet,azure");
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK(r.err.empty());
  const auto latency = r.out.find("Latency per call");
  const auto kubenet = r.out.find("[kubenet] " + kHalf + "\n");
  const auto azure = r.out.find("[azure] " + kHalf + "\n");
  REQUIRE(kubenet != std::string::npos);
  REQUIRE(azure != std::string::npos);
  CHECK(kubenet < latency);
  CHECK(azure < latency);
}

TEST_CASE("the CSV notes failed calls on the call and chain latency rows of that variant only") {
  const auto r = run_cnisim("run " + kSomeFail + " -o csv");
  CHECK(r.exitCode == 0);
  CHECK_THAT(csv_row(r.out, "kubenet,kubenet,iptables,latency.call.p50,"), Catch::EndsWith("," + kHalf));
  CHECK_THAT(csv_row(r.out, "kubenet,kubenet,iptables,latency.chain.p99,"), Catch::EndsWith("," + kHalf));
  CHECK_THAT(csv_row(r.out, "kubenet,kubenet,iptables,calls.failed,"), Catch::EndsWith(",count,100,0,1.000000,"));
  CHECK_THAT(csv_row(r.out, "kubenet,kubenet,iptables,packets.sent,"), Catch::EndsWith(","));
}

TEST_CASE("the JSON lists the failed-call note among the variant's notes and conforms to the schema") {
  const auto r = run_cnisim("compare " + kSomeFail + " --plugins kubenet,azure -o json");
  CHECK(r.exitCode == 0);
  const auto doc = json::parse(r.out);
  CHECK_FALSE(doc.at("partial").as_bool());
  for (const auto& v : doc.at("variants").as_array()) {
    const auto& notes = v.at("notes").as_array();
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].as_string() == kHalf);
    CHECK(v.at("results").at("calls").at("failed").as_int64() == 100);
    CHECK(v.at("results").at("calls").at("completed").as_int64() == 100);
  }
  const auto schema = json::parse(cnisim::testing::read_file(cnisim::testing::source_dir() + "/docs/results.schema.json"));
  const auto errors = cnisim::testing::schema_errors(schema, doc);
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  INFO(all);
  CHECK(errors.empty());
}

TEST_CASE("the HTML report shows the failed-call warning before the headline") {
  char name[] = "/tmp/cnisim-failed-calls-XXXXXX";
  const int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  const std::string path = std::string(name) + ".html";
  std::remove(name);
  const auto r = run_cnisim("run " + kSomeFail + " --html " + path);
  CHECK(r.exitCode == 0);
  bool found = false;
  const std::string html = cnisim::testing::read_file(path, &found);
  std::remove(path.c_str());
  REQUIRE(found);
  const auto warning = html.find("<p class=\"warning\">[kubenet] " + kHalf + "</p>");
  CHECK(warning != std::string::npos);
  CHECK(warning < html.find("<p class=\"headline\">"));
}

TEST_CASE("a variant without failed calls has no note") {
  const auto r = run_cnisim("run -f scenarios/hop-overhead.yaml -o json");
  CHECK(r.exitCode == 0);
  CHECK(json::parse(r.out).at("variants").as_array()[0].at("notes").as_array().empty());
  CHECK_THAT(run_cnisim("run -f scenarios/hop-overhead.yaml").out, !Catch::Contains("of calls failed"));
}

TEST_CASE("a run in which no call completes prints its report, says so on stderr and exits 1") {
  for (const char* format : {"table", "json", "csv"}) {
    const auto r = run_cnisim("run " + kAllFail + " -o " + format);
    INFO(format);
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.out, Catch::Contains("100% of calls failed: latency covers only the rest"));
    CHECK(r.err ==
          "cnisim: no call completed under kubenet (50 started, 50 failed, 50 packets dropped): its call latency is empty; "
          "see the report's Calls and Drops\n");
  }
}

TEST_CASE("a compare that includes the none plugin is refused: pods there have no network") {
  // AKS installs no CNI under networkPlugin none; comparing it would read as "none is faster".
  const auto r = run_cnisim("compare -f scenarios/hop-overhead.yaml --plugins kubenet,none");
  CHECK(r.exitCode == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("scenarios/hop-overhead.yaml:32:3: error: traffic: traffic cannot run under "
                                      "networkPlugin none"));
}

TEST_CASE("run and compare on a scenario without traffic say so and exit 2") {
  // seed-walkthrough has no traffic section: there is nothing to run (the views need none).
  for (const char* command : {"run -o csv", "compare"}) {
    const auto r = run_cnisim(command);
    INFO(command);
    CHECK(r.exitCode == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("seed-walkthrough.yaml:1:1: error: the scenario has no traffic: there is nothing to"));
  }
}
