#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "models/report/csv_report.hpp"
#include "models/report/html_report.hpp"
#include "models/report/json_report.hpp"
#include "models/report/metrics.hpp"
#include "models/report/notes.hpp"
#include "models/report/number_format.hpp"
#include "models/report/text_report.hpp"
#include "tests/report/sample_results.hpp"

using namespace cnisim;

TEST_CASE("numbers are printed with the unit's decimals and never as negative zero") {
  CHECK(report::format_value(12.34567, "us") == "12.346");
  CHECK(report::format_value(3.0, "count") == "3");
  CHECK(report::format_value(-0.0000001, "us") == "0.000");
  CHECK(report::format_difference(1.5, "us") == "+1.500");
  CHECK(report::format_difference(-1.5, "us") == "-1.500");
  CHECK(report::format_difference(0.0, "us") == "0.000");
  CHECK(report::format_ratio(0.666666) == "0.67x");
  CHECK(report::format_ratio(std::nullopt) == "-");
}

TEST_CASE("a ratio against a zero baseline is absent, not infinite") {
  CHECK_FALSE(report::ratio(5, 0).has_value());
  CHECK(*report::ratio(3, 2) == Approx(1.5));
  CHECK(report::difference(3, 2) == 1);
}

TEST_CASE("CSV fields holding commas, quotes or newlines are quoted with inner quotes doubled") {
  CHECK(report::csv_field("kubenet") == "kubenet");
  CHECK(report::csv_field("a,b") == "\"a,b\"");
  CHECK(report::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(report::csv_field("two\nlines") == "\"two\nlines\"");
}

TEST_CASE("the CSV has the documented header and one row per variant and metric") {
  const auto c = testing::sample_comparison();
  const std::string csv = report::to_csv(c);
  CHECK(csv.rfind(std::string(report::kCsvHeader) + "\n", 0) == 0);
  const auto rows = static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n'));
  CHECK(rows == 1 + c.variants.size() * report::metrics(false).size());
  // azure's p50 call latency is 20 us below kubenet's (40 + i%50 vs 60 + i%50).
  CHECK(csv.find("azure,azure,iptables,latency.call.p50,us,") != std::string::npos);
  CHECK(csv.find("kubenet,kubenet,iptables,latency.call.p50,us,") != std::string::npos);
  const auto at = csv.find("azure,azure,iptables,latency.call.p50,us,");
  const std::string row = csv.substr(at, csv.find('\n', at) - at);
  CHECK(row.find(",-20.") != std::string::npos);
}

TEST_CASE("the table has a column per variant and a difference and ratio column against the baseline") {
  const std::string t = report::format_table(testing::sample_comparison());
  CHECK(t.find("differences and ratios are against kubenet") != std::string::npos);
  CHECK(t.find("azure diff") != std::string::npos);
  CHECK(t.find("azure ratio") != std::string::npos);
  CHECK(t.find("Latency per call") != std::string::npos);
  // No ping was measured: its section is left out; no drops either, so only "total" is in Drops.
  CHECK(t.find("Ping round trip") == std::string::npos);
  CHECK(t.find("noRoute") == std::string::npos);
  CHECK(t.find("bridge service") != std::string::npos);
  CHECK(t.find("--host-figures") != std::string::npos);
}

TEST_CASE("host figures appear only when asked for") {
  auto c = testing::sample_comparison();
  CHECK(report::to_json_text(c).find("\"host\"") == std::string::npos);
  CHECK(report::to_csv(c).find(",host.") == std::string::npos);
  c.host_figures = true;
  for (auto& v : c.variants) v.results.host.lookup_ns = {3.5, 7.25, 11.0};
  CHECK(report::to_json_text(c).find("\"host\"") != std::string::npos);
  CHECK(report::to_csv(c).find("host.lookupNs.node,ns,7.2") != std::string::npos);
  CHECK(report::format_table(c).find("Host (this machine") != std::string::npos);
}

TEST_CASE("the JSON keeps its key order and a ratio of a zero baseline is null") {
  const auto text = report::to_json_text(testing::sample_comparison());
  CHECK(text.find("\"schemaVersion\"") < text.find("\"variants\""));
  CHECK(text.find("\"variants\"") < text.find("\"comparison\""));
  const auto doc = boost::json::parse(text);
  bool found_null_ratio = false;
  for (const auto& row : doc.at("comparison").as_array()) {
    if (row.at("metric") == "nat.snatPerPacket") found_null_ratio = row.at("ratios").as_array()[1].is_null();
    if (row.at("metric") == "lookups.perPacket.azure") CHECK(row.at("ratios").as_array()[1].as_double() == 0.0);
  }
  CHECK(found_null_ratio);  // no SNAT in either variant: 0 / 0 has no ratio
}

TEST_CASE("a failed-call percentage is never shown as 0 for some failures nor as 100 for fewer than all") {
  CHECK(report::percent_text(0, 10) == "0");
  CHECK(report::percent_text(0, 0) == "0");
  CHECK(report::percent_text(1, 2) == "50");
  CHECK(report::percent_text(1, 3) == "33");
  CHECK(report::percent_text(1, 40) == "2.5");
  CHECK(report::percent_text(1, 400) == "0.25");
  CHECK(report::percent_text(1, 1000000) == "<0.01");
  CHECK(report::percent_text(995, 1000) == "99.5");
  CHECK(report::percent_text(999999, 1000000) == ">99.9");
  CHECK(report::percent_text(7, 7) == "100");
}

TEST_CASE("a variant with failed calls is flagged in the table, CSV, JSON and HTML") {
  auto c = testing::sample_comparison();
  auto& azure = c.variants[1].results;
  azure.calls_started = 250;
  azure.calls_failed = 50;  // 200 completed: 20% of the 250 that ended failed
  const std::string note = "20% of calls failed: latency covers only the rest";
  CHECK(report::variant_notes(c.variants[1]) == std::vector<std::string>{note});
  CHECK(report::variant_notes(c.variants[0]).empty());

  const std::string table = report::format_table(c);
  CHECK(table.find("[azure] " + note + "\n") != std::string::npos);
  CHECK(table.find("[kubenet]") == std::string::npos);

  const std::string csv = report::to_csv(c);
  const auto row = [&](const std::string& start) {
    const auto at = csv.find("\n" + start);
    REQUIRE(at != std::string::npos);
    return csv.substr(at + 1, csv.find('\n', at + 1) - at - 1);
  };
  CHECK_THAT(row("azure,azure,iptables,latency.call.p99,"), Catch::EndsWith("," + note));
  CHECK_THAT(row("azure,azure,iptables,latency.chain.mean,"), Catch::EndsWith("," + note));
  CHECK_THAT(row("azure,azure,iptables,latency.ping.p50,"), Catch::EndsWith(","));  // pings are not calls
  CHECK_THAT(row("kubenet,kubenet,iptables,latency.call.p99,"), Catch::EndsWith(","));

  const auto doc = boost::json::parse(report::to_json_text(c));
  CHECK(doc.at("variants").as_array()[1].at("notes").as_array()[0].as_string() == note);
  CHECK(doc.at("variants").as_array()[0].at("notes").as_array().empty());

  const std::string html = report::to_html(c);
  CHECK(html.find("<p class=\"warning\">[azure] " + note + "</p>") != std::string::npos);
}

TEST_CASE("a partial variant is marked in every format, on every CSV row, before the failed-call note") {
  auto c = testing::sample_comparison();
  auto& kubenet = c.variants[0].results;
  kubenet.partial = true;
  kubenet.stopped_at_ps = 2'500'000'000;  // 2.5 ms
  kubenet.calls_failed = 200;             // as many as completed
  const std::string partial = "partial: interrupted at simulated time 2.5ms";
  const std::string failed = "50% of calls failed: latency covers only the rest";
  CHECK(report::variant_notes(c.variants[0]) == std::vector<std::string>{partial, failed});
  CHECK(report::any_partial(c));

  const std::string table = report::format_table(c);
  CHECK(table.find("[kubenet] " + partial + "\n[kubenet] " + failed + "\n") != std::string::npos);

  const std::string csv = report::to_csv(c);
  std::size_t kubenet_rows = 0;
  for (std::size_t at = csv.find("\nkubenet,"); at != std::string::npos; at = csv.find("\nkubenet,", at + 1)) {
    const std::string line = csv.substr(at + 1, csv.find('\n', at + 1) - at - 1);
    INFO(line);
    ++kubenet_rows;
    if (line.find(",latency.call.") != std::string::npos || line.find(",latency.chain.") != std::string::npos) CHECK_THAT(line, Catch::EndsWith("," + partial + "; " + failed));
    else CHECK_THAT(line, Catch::EndsWith("," + partial));
  }
  CHECK(kubenet_rows == report::metrics(false).size());
  std::size_t marked = 0;  // azure's rows are not
  for (auto at = csv.find(partial); at != std::string::npos; at = csv.find(partial, at + 1)) ++marked;
  CHECK(marked == kubenet_rows);

  const auto doc = boost::json::parse(report::to_json_text(c));
  CHECK(doc.at("partial").as_bool());
  const auto& results = doc.at("variants").as_array()[0].at("results");
  CHECK(results.at("partial").as_bool());
  CHECK(results.at("stoppedAt_ps").as_int64() == 2'500'000'000);
  CHECK_FALSE(doc.at("variants").as_array()[1].at("results").as_object().contains("stoppedAt_ps"));

  CHECK(report::to_html(c).find("<p class=\"warning\">[kubenet] " + partial + "</p>") != std::string::npos);
}

TEST_CASE("the proportional lookup model is labelled a what-if in the table and the HTML page") {
  auto c = cnisim::testing::sample_comparison();
  for (auto& v : c.variants) v.results.lookup_cost_model = "proportional";
  const std::string what_if = "route lookups charged proportional (a what-if: each lookup charged per route-table "
                              "entry examined; Azure's SDN caches each flow";
  CHECK_THAT(format_table(c), Catch::Contains(what_if));
  CHECK_THAT(to_html(c), Catch::Contains("route lookups charged proportional (a what-if:"));
  auto constant = cnisim::testing::sample_comparison();
  CHECK_THAT(format_table(constant), Catch::Contains("route lookups charged constant\n"));
}
