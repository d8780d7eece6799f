// cnisim sweep's model: --vary parsing, the grid's order, each point's scenario, and the outputs (a
// row per point in CSV and JSON, a line chart per headline metric with a line per plugin).
#include "models/report/sweep.hpp"

#include <catch2/catch.hpp>

#include "models/report/metrics.hpp"
#include "models/report/svg_chart.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/report/markup_check.hpp"
#include "tests/report/sample_results.hpp"
#include "tests/tools/run_cnisim.hpp"

using namespace cnisim;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

scenario::ScenarioSpec chatty() {
  return scenario::load_scenario_file(cnisim::testing::source_dir() + "/scenarios/chatty-app.yaml");
}

// A sweep over plugin x nodes whose figures are sample results (no simulation).
report::Sweep sample_sweep() {
  report::Sweep s;
  s.scenario = "scenarios/chatty-app.yaml";
  s.seed = 1;
  s.variables = {report::parse_vary("plugin=kubenet,azure"), report::parse_vary("nodes=3,50,400")};
  double base = 20;
  for (const auto& point : report::sweep_grid(s.variables)) {
    std::vector<std::string> values{s.variables[0].values[point[0]], s.variables[1].values[point[1]]};
    s.points.push_back(report::sweep_point(values, cnisim::testing::sample_variant(values[0], base, 9).results));
    base += 5;
  }
  return s;
}

}  // namespace

TEST_CASE("a swept variable is KEY=V1,V2 for each sweep key and anything else is refused with what is expected") {
  const auto v = report::parse_vary("nodes=3,50,400");
  CHECK(v.key == report::SweepKey::Nodes);
  CHECK(v.values == std::vector<std::string>{"3", "50", "400"});
  CHECK(report::parse_vary("plugin=kubenet,azure,overlay").values.size() == 3);
  CHECK(report::parse_vary("kube-proxy=iptables,nftables").key == report::SweepKey::KubeProxy);
  CHECK(report::parse_vary("seed=1,18446744073709551615").values.size() == 2);
  CHECK_THROWS_WITH(report::parse_vary("nodes"), Catch::Contains("is not KEY=V1,V2"));
  CHECK_THROWS_WITH(report::parse_vary("pods=1,2"), Catch::Contains("unknown key 'pods'") && Catch::Contains("plugin, kube-proxy, nodes"));
  CHECK_THROWS_WITH(report::parse_vary("nodes=0"), Catch::Contains("node counts from 1 to 5000"));
  CHECK_THROWS_WITH(report::parse_vary("nodes=5001"), Catch::Contains("node counts from 1 to 5000"));
  CHECK_THROWS_WITH(report::parse_vary("nodes=3,,4"), Catch::Contains("an empty value"));
  CHECK_THROWS_WITH(report::parse_vary("nodes=3,3"), Catch::Contains("listed twice"));
  CHECK_THROWS_WITH(report::parse_vary("plugin=flannel"), Catch::Contains("unknown plugin 'flannel'"));
  CHECK_THROWS_WITH(report::parse_vary("rate=1.5"), Catch::Contains("chatty chains per second"));
  CHECK_THROWS_WITH(report::parse_vary("seed=18446744073709551616"), Catch::Contains("random seeds"));
}

TEST_CASE("the grid holds every combination once with the last variable varying fastest") {
  const std::vector<report::SweepVariable> vars{report::parse_vary("plugin=kubenet,azure"), report::parse_vary("nodes=3,50,400")};
  const auto grid = report::sweep_grid(vars);
  REQUIRE(grid.size() == 6);
  CHECK(grid[0] == std::vector<std::size_t>{0, 0});
  CHECK(grid[1] == std::vector<std::size_t>{0, 1});
  CHECK(grid[3] == std::vector<std::size_t>{1, 0});
  CHECK(grid[5] == std::vector<std::size_t>{1, 2});
}

TEST_CASE("a point's scenario has each swept value applied") {
  const auto base = chatty();
  const std::vector<report::SweepVariable> vars{report::parse_vary("plugin=azure"), report::parse_vary("nodes=7"),
                                                report::parse_vary("rate=250"), report::parse_vary("concurrency=3"),
                                                report::parse_vary("kube-proxy=nftables"), report::parse_vary("seed=9")};
  const auto spec = report::apply_point(base, vars, {0, 0, 0, 0, 0, 0});
  CHECK(spec.plugin() == scenario::PluginKind::AzureNodeSubnet);
  CHECK(spec.nodePools.front().count == 7);
  for (const auto& c : spec.traffic.chatty) {
    CHECK(c.rate_per_second == 250u);
    CHECK(c.concurrency == 3u);
  }
  CHECK(spec.cluster.networkProfile.kubeProxyMode == scenario::KubeProxyMode::Nftables);
  CHECK(report::point_seed(vars, {0, 0, 0, 0, 0, 0}, 1) == 9);
  CHECK(report::point_seed({vars[0]}, {0}, 4) == 4);
}

TEST_CASE("a swept value that the scenario cannot take is refused naming why") {
  auto two_pools = chatty();
  two_pools.nodePools.push_back(two_pools.nodePools.front());
  two_pools.nodePools.back().name = "second";
  CHECK_THROWS_WITH(report::apply_point(two_pools, {report::parse_vary("nodes=3")}, {0}), Catch::Contains("has 2 pools"));
  auto quiet = chatty();
  quiet.traffic.chatty.clear();
  CHECK_THROWS_WITH(report::apply_point(quiet, {report::parse_vary("rate=10")}, {0}), Catch::Contains("it has none"));
}

TEST_CASE("the sweep's CSV and JSON have a row per point with every metric and the error of a point not run") {
  auto s = sample_sweep();
  s.points[4].metrics.clear();
  s.points[4].error = "over the work budget";
  const auto csv = report::sweep_csv(s);
  CHECK(count(csv, "\n") == 1 + s.points.size());
  CHECK(csv.starts_with("point,plugin,nodes,latency.call.count,"));
  CHECK_THAT(csv, Catch::Contains("\n1,kubenet,50,"));
  CHECK_THAT(csv, Catch::Contains("\n4,azure,50,") && Catch::Contains(",over the work budget\n"));
  const auto j = report::sweep_json(s);
  const auto& points = j.at("points").as_array();
  REQUIRE(points.size() == 6);
  CHECK(points[0].at("values").at("nodes").as_string() == "3");
  CHECK(points[0].at("metrics").as_object().size() == report::metrics(false).size());
  CHECK(points[4].at("metrics").is_null());
  CHECK(points[4].at("error").as_string() == "over the work budget");
  CHECK(j.at("vary").as_array().size() == 2);
}

TEST_CASE("the sweep's page draws a chart per headline metric against the last variable with a line per plugin") {
  const auto s = sample_sweep();
  const auto html = report::sweep_html(s);
  CHECK(cnisim::testing::markup_problems(html).empty());
  const auto charts = count(html, "<svg ");
  CHECK(charts >= 4);
  CHECK(count(html, "class=\"sweep-line\"") == 2 * charts);  // kubenet's and azure's in each chart
  CHECK_THAT(html, Catch::Contains("data-series=\"plugin=kubenet\"") && Catch::Contains("data-series=\"plugin=azure\""));
  CHECK(count(html, "class=\"marker\"") == 6 * charts);
  CHECK_THAT(html, Catch::Contains(">400</text>"));
}

TEST_CASE("a line breaks where a point was not run") {
  auto s = sample_sweep();
  s.points[1].metrics.clear();
  s.points[1].error = "does not fit";
  const auto html = report::sweep_html(s);
  CHECK(cnisim::testing::markup_problems(html).empty());
  CHECK_THAT(html, Catch::Contains("not run: does not fit"));
  CHECK(count(html, "class=\"marker\"") == 5 * count(html, "<svg "));
}

TEST_CASE("a sweep line that coincides with an earlier one is drawn dashed and said so") {
  const std::vector<std::string> categories{"1", "2", "3"};
  const std::vector<report::LineSeries> same{{"a", {1.0, 2.0, 3.0}}, {"b", {1.0, 2.0, 3.0}}, {"c", {3.0, 2.0, 1.0}}};
  const auto svg = report::line_chart_svg("t", "x", "y", categories, same);
  CHECK(cnisim::testing::markup_problems(svg).empty());
  CHECK(count(svg, "stroke-dasharray") == 1);
  CHECK_THAT(svg, Catch::Contains("b coincides with a (drawn dashed over it)"));
  CHECK_FALSE(svg.find("c coincides") != std::string::npos);
}
