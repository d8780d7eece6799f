// compare --sensitivity: each assumed cost of the profile varied one at a time, the range of the
// headline difference and what moves it; and the answer stated in words.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "tests/report/json_schema_check.hpp"
#include "tests/tools/run_cnisim.hpp"

namespace json = boost::json;
using cnisim::testing::run_cnisim;

namespace {

const std::string kTwoPods = "compare -f scenarios/dataplane-two-pods.yaml --plugins kubenet,azure";

const json::object* row_of(const json::array& rows, const std::string& cost) {
  for (const auto& r : rows) {
    if (r.at("cost").as_string() == cost) return &r.as_object();
  }
  return nullptr;
}

}  // namespace

TEST_CASE("varying the bridge cost moves the kubenet-minus-azure difference by exactly its traversals") {
  // dataplane-two-pods: one client, chains of 3 calls on an idle path over one kept-alive TCP
  // connection. Under kubenet each call crosses the two nodes' cbr0 bridges both ways: 12 bridge
  // traversals per request, 0.4 us each, and azure has no bridge; the first request also waits for
  // the handshake, whose SYN and SYN-ACK cross both bridges (4 more, 1.6 us over 100 requests). So the
  // difference is 4.816 us, and 2.408 us and 7.224 us with the bridge at -50% / +50%.
  const auto r = run_cnisim(kTwoPods + " --sensitivity 50 -o json -j 2");
  REQUIRE(r.exitCode == 0);
  const auto doc = json::parse(r.out);
  const auto& s = doc.at("sensitivity").as_object();
  CHECK(s.at("percent").as_int64() == 50);
  CHECK(s.at("baseDifferenceUs").to_number<double>() == Approx(4.816).margin(1e-9));
  const auto& rows = s.at("rows").as_array();
  REQUIRE(!rows.empty());
  CHECK(rows.front().at("cost").as_string() == "devices.bridge.fixed");  // the largest swing comes first
  const auto* bridge = row_of(rows, "devices.bridge.fixed");
  REQUIRE(bridge);
  CHECK(bridge->at("lowDifferenceUs").to_number<double>() == Approx(2.408).margin(1e-9));
  CHECK(bridge->at("highDifferenceUs").to_number<double>() == Approx(7.224).margin(1e-9));
  CHECK(s.at("minDifferenceUs").to_number<double>() <= 2.408 + 1e-9);
  CHECK(s.at("maxDifferenceUs").to_number<double>() >= 7.224 - 1e-9);
  // A cost neither plugin's path charges (the internet host) moves nothing and has no row.
  CHECK_FALSE(row_of(rows, "devices.internetHost.fixed"));
  // Swings in order, largest first.
  double last = 1e300;
  for (const auto& row : rows) {
    const double swing = std::abs(row.at("highDifferenceUs").to_number<double>() - row.at("lowDifferenceUs").to_number<double>());
    CHECK(swing <= last);
    last = swing;
  }
  const auto schema = json::parse(cnisim::testing::read_file(cnisim::testing::source_dir() + "/docs/results.schema.json"));
  CHECK(cnisim::testing::schema_errors(schema, doc).empty());
  CHECK_THAT(std::string(doc.at("answer").as_string()),
             Catch::StartsWith("kubenet adds 4.816 us (6.6%) per request over azure (mean of user requests: ") &&
                 Catch::Contains("between 2.408 and 7.224 us with each assumed cost 50% lower or higher") &&
                 // The breakdown sums every packet's bridge time, also that of the handshake's own ACK and
                 // the three pure ACKs, off the requests' critical path (2 traversals each):
                 // 4.816 + 8 x 0.4 / 100 us.
                 Catch::Contains("Where it comes from, kubenet minus azure per request: bridge +4.848 us"));
}

TEST_CASE("the sensitivity runs give the same report for any thread count") {
  const auto one = run_cnisim(kTwoPods + " --sensitivity 20 -j 1");
  const auto two = run_cnisim(kTwoPods + " --sensitivity 20 -j 2");
  CHECK(one.exitCode == 0);
  CHECK(one.out == two.out);
  CHECK_THAT(one.out, Catch::Contains("Sensitivity: kubenet minus azure per request (mean, us) with each assumed cost 20% lower / higher"));
}

TEST_CASE("the sensitivity percentage must be 1 to 99 and needs two plugins") {
  for (const char* bad : {" --sensitivity 0", " --sensitivity 100", " --sensitivity lots"}) {
    INFO(bad);
    CHECK(run_cnisim(kTwoPods + bad).exitCode == 2);
  }
  const auto single = run_cnisim("compare -f scenarios/dataplane-two-pods.yaml --plugins kubenet --sensitivity");
  CHECK(single.exitCode == 2);
  CHECK_THAT(single.err, Catch::Contains("--sensitivity compares two plugins"));
}

TEST_CASE("the HTML report states the answer and draws the tornado chart when sensitivity ran") {
  const std::string path = "/tmp/cnisim-sensitivity-test.html";
  const auto r = run_cnisim(kTwoPods + " --sensitivity --html " + path);
  REQUIRE(r.exitCode == 0);
  const std::string page = cnisim::testing::read_file(path);
  CHECK_THAT(page, Catch::Contains("<p class=\"answer\"><b>Answer.</b> kubenet adds 4.816 us (6.6%) per request over azure"));
  CHECK_THAT(page, Catch::Contains("<h2>Sensitivity to the assumed costs</h2>"));
  CHECK_THAT(page, Catch::Contains("class=\"tornado-row\" data-input=\"devices.bridge.fixed\""));
  std::remove(path.c_str());
}
