// Ctrl-C during a long `run` or `compare`: the runs stop at their next progress slice, the results so
// far are printed marked "partial: interrupted at simulated time T" in every format, and cnisim
// exits 130 (143 for SIGTERM). A test of behaviour with generous time bounds, not a benchmark: the
// scenario (tests/tools/scenarios/long-run.yaml) would run for half an hour, each slice takes about
// a millisecond.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <csignal>
#include <sstream>
#include <thread>

#include "models/scenario/quantity.hpp"
#include "tests/report/json_schema_check.hpp"
#include "tests/tools/run_cnisim.hpp"

using namespace std::chrono_literals;
using cnisim::testing::BackgroundCnisim;
using cnisim::testing::CnisimRun;
namespace json = boost::json;

namespace {

// The work budget would refuse an hour of traffic: raised, since the test stops it after a second.
const std::string kLongRun = "-f tests/tools/scenarios/long-run.yaml --max-events 100000000000000";
constexpr std::int64_t kScenarioPs = 3600LL * 1000 * 1000 * 1000 * 1000;  // its traffic's duration

struct Interrupted {
  CnisimRun run;
  std::chrono::duration<double> after_signal{};  // wall time from the signal to the exit
};

// Starts `cnisim -v ARGS`, waits until its runs have begun and a second more, sends `signal`.
Interrupted interrupt(const std::string& args, int signal = SIGINT) {
  BackgroundCnisim child("-v " + args);
  REQUIRE(child.wait_for_stderr("variant(s) of", 60s));  // "running N variant(s) of FILE on M thread(s)"
  std::this_thread::sleep_for(1s);
  const auto sent = std::chrono::steady_clock::now();
  child.send(signal);
  Interrupted out;
  out.run = child.wait(60s);
  out.after_signal = std::chrono::steady_clock::now() - sent;
  INFO("cnisim -v " << args << "\nstderr:\n" << out.run.err);
  REQUIRE(out.run.exitCode != -1);  // it ended by itself within the minute
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("Ctrl-C during a long run stops it within seconds, prints the table so far marked partial, and exits 130") {
  const auto r = interrupt("run " + kLongRun);
  CHECK(r.run.exitCode == 130);
  CHECK(r.after_signal < 15s);
  const auto lines = lines_of(r.run.out);
  REQUIRE(lines.size() > 4);
  CHECK(lines[0] == "cnisim run: tests/tools/scenarios/long-run.yaml, seed 1");
  CHECK_THAT(lines[2], Catch::StartsWith("[kubenet] partial: interrupted at simulated time "));
  CHECK_THAT(r.run.out, Catch::Contains("Latency per call"));  // the figures so far follow
  CHECK_THAT(r.run.err, Catch::Contains("cnisim: interrupted by SIGINT (Ctrl-C): the report is partial, stopped at simulated time "));
  CHECK_THAT(r.run.err, Catch::Contains(" under kubenet\n"));
}

TEST_CASE("an interrupted compare writes JSON that says partial, with each variant's stop time, and conforms to the schema") {
  const auto r = interrupt("compare " + kLongRun + " --plugins kubenet,azure -j 2 -o json");
  CHECK(r.run.exitCode == 130);
  CHECK(r.after_signal < 15s);
  const auto doc = json::parse(r.run.out);
  CHECK(doc.at("partial").as_bool());
  const auto& variants = doc.at("variants").as_array();
  REQUIRE(variants.size() == 2);
  for (const auto& v : variants) {
    INFO(json::serialize(v.at("label")));
    const auto& results = v.at("results").as_object();
    CHECK(results.at("partial").as_bool());
    const std::int64_t stopped = results.at("stoppedAt_ps").as_int64();
    CHECK(stopped > 0);
    CHECK(stopped < kScenarioPs);
    const auto& notes = v.at("notes").as_array();
    REQUIRE(notes.size() == 1);
    // The time as scenario files spell durations ("2.316s").
    CHECK(std::string(notes[0].as_string()) ==
          "partial: interrupted at simulated time " + cnisim::scenario::format_duration(cnisim::sim::Time::from_ps(stopped)));
    CHECK(results.at("calls").at("completed").as_int64() > 0);  // the results so far, not nothing
  }
  const auto schema = json::parse(cnisim::testing::read_file(cnisim::testing::source_dir() + "/docs/results.schema.json"));
  const auto errors = cnisim::testing::schema_errors(schema, doc);
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  INFO(all);
  CHECK(errors.empty());
}

TEST_CASE("an interrupted run's CSV carries the partial note on every row") {
  const auto r = interrupt("run " + kLongRun + " -o csv");
  CHECK(r.run.exitCode == 130);
  const auto lines = lines_of(r.run.out);
  REQUIRE(lines.size() > 10);
  CHECK(lines[0] == "variant,plugin,kube_proxy,metric,unit,value,difference,ratio,note");
  const std::string note = lines[1].substr(lines[1].rfind(',') + 1);
  CHECK_THAT(note, Catch::StartsWith("partial: interrupted at simulated time "));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK_THAT(lines[i], Catch::StartsWith("kubenet,kubenet,iptables,"));
    CHECK_THAT(lines[i], Catch::EndsWith("," + note));
  }
}

TEST_CASE("SIGTERM stops a run the same way and exits 143") {
  const auto r = interrupt("run " + kLongRun, SIGTERM);
  CHECK(r.run.exitCode == 143);
  CHECK(r.after_signal < 15s);
  CHECK_THAT(r.run.out, Catch::Contains("[kubenet] partial: interrupted at simulated time "));
  CHECK_THAT(r.run.err, Catch::Contains("cnisim: interrupted by SIGTERM"));
}

TEST_CASE("a run that ends before any signal is not marked partial and exits 0") {
  const auto r = cnisim::testing::run_cnisim("run " + kLongRun + " --duration 5ms -o json");
  CHECK(r.exitCode == 0);
  const auto doc = json::parse(r.out);
  CHECK_FALSE(doc.at("partial").as_bool());
  const auto& results = doc.at("variants").as_array()[0].at("results").as_object();
  CHECK_FALSE(results.at("partial").as_bool());
  CHECK_FALSE(results.contains("stoppedAt_ps"));
  CHECK(doc.at("variants").as_array()[0].at("notes").as_array().empty());
}
