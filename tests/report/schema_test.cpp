#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "models/report/json_report.hpp"
#include "tests/report/json_schema_check.hpp"
#include "tests/report/sample_results.hpp"
#include "tests/tools/run_cnisim.hpp"

using namespace cnisim;
namespace json = boost::json;

namespace {
json::value schema() {
  bool found = false;
  const auto text = testing::read_file(testing::source_dir() + "/docs/results.schema.json", &found);
  REQUIRE(found);
  return json::parse(text);
}
std::string joined(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}
}  // namespace

TEST_CASE("the JSON report of a comparison conforms to docs/results.schema.json") {
  const auto errors = testing::schema_errors(schema(), json::parse(report::to_json_text(testing::sample_comparison())));
  INFO(joined(errors));
  CHECK(errors.empty());
}

TEST_CASE("with host figures the JSON report still conforms to the schema") {
  auto c = testing::sample_comparison();
  c.host_figures = true;
  const auto errors = testing::schema_errors(schema(), report::to_json(c));
  INFO(joined(errors));
  CHECK(errors.empty());
}

TEST_CASE("the schema check rejects a missing key, a wrong type, an unknown key and a bad enum value") {
  const auto good = report::to_json(testing::sample_comparison());
  auto missing = good;
  missing.as_object().erase("baseline");
  CHECK(joined(testing::schema_errors(schema(), missing)).find("missing required key 'baseline'") != std::string::npos);

  auto wrong_type = good;
  wrong_type.at("variants").as_array()[0].at("results").at("latency").at("call").as_object()["p50_ps"] = "fast";
  CHECK(joined(testing::schema_errors(schema(), wrong_type)).find("$.variants[0].results.latency.call.p50_ps: expected type") !=
        std::string::npos);

  auto unknown = good;
  unknown.at("variants").as_array()[1].at("results").at("drops").as_object()["gremlins"] = 1;
  CHECK(joined(testing::schema_errors(schema(), unknown)).find("drops.gremlins: key not allowed") != std::string::npos);

  auto bad_enum = good;
  bad_enum.at("variants").as_array()[0].as_object()["plugin"] = "flannel";
  CHECK_FALSE(testing::schema_errors(schema(), bad_enum).empty());

  auto negative = good;
  negative.at("variants").as_array()[0].at("results").at("packets").as_object()["sent"] = -1;
  CHECK(joined(testing::schema_errors(schema(), negative)).find("below the minimum") != std::string::npos);
}

TEST_CASE("a schema keyword the checker does not implement is reported, not ignored") {
  const auto errors = testing::schema_errors(json::parse(R"({"type":"string","pattern":"^a"})"), json::value("b"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("'pattern' is not supported") != std::string::npos);
}
