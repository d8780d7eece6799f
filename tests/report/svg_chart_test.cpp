#include <catch2/catch.hpp>

#include <regex>

#include "models/report/html_report.hpp"
#include "models/report/svg_chart.hpp"
#include "tests/report/markup_check.hpp"
#include "tests/report/sample_results.hpp"

using namespace cnisim;

namespace {
std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("XML escaping turns markup characters into entities") {
  CHECK(report::xml_escape("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
}

TEST_CASE("axis ticks are round steps from 0 that reach the maximum") {
  CHECK(report::axis_ticks(87) == std::vector<double>{0, 20, 40, 60, 80, 100});
  CHECK(report::axis_ticks(0.3).back() >= 0.3);
  CHECK(report::axis_ticks(0) == std::vector<double>{0, 1});
  CHECK(report::axis_ticks(std::numeric_limits<double>::quiet_NaN()) == std::vector<double>{0, 1});
  CHECK(report::axis_ticks(23.5, 27.2, 6) == std::vector<double>{23, 24, 25, 26, 27, 28});
  CHECK(report::axis_ticks(5, 5, 6) == report::axis_ticks(5));
}

TEST_CASE("a CDF chart has one path per series with points, axis labels, and no NaN") {
  std::vector<report::CdfSeries> series = {{"kubenet", {{10, 0.5}, {20, 1}}}, {"azure <b>", {{8, 0.4}, {12, 1}}}, {"none", {}}};
  const std::string svg = report::cdf_svg("Latency & more", "latency (us)", series);
  CHECK(count_of(svg, "<path class=\"cdf-line\"") == 2);
  CHECK(svg.find("latency (us)") != std::string::npos);
  CHECK(svg.find("fraction of samples &lt;= x") != std::string::npos);
  CHECK(svg.find("azure &lt;b&gt;") != std::string::npos);
  CHECK(svg.find("Latency &amp; more") != std::string::npos);
  CHECK(svg.find("(no samples)") != std::string::npos);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
  CHECK(testing::markup_problems(svg).empty());
}

TEST_CASE("a CDF chart of series without points is still well formed and free of NaN") {
  const std::string svg = report::cdf_svg("empty", "x", {{"a", {}}});
  CHECK(count_of(svg, "<path") == 0);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(testing::markup_problems(svg).empty());
}

TEST_CASE("stacked bars draw one rectangle per non-zero segment and a legend entry per segment name") {
  std::vector<report::Bar> bars = {{"kubenet", {{"bridge", 2}, {"stack", 3}, {"nothing", 0}}}, {"azure", {{"stack", 3}}}};
  const std::string svg = report::stacked_bars_svg("t", "time per packet (us)", bars);
  CHECK(count_of(svg, "<rect x=") == 3 + 2);  // 3 segments + 2 legend swatches
  CHECK(count_of(svg, "class=\"bar\"") == 2);
  CHECK(svg.find("nothing") == std::string::npos);
  CHECK(svg.find("time per packet (us)") != std::string::npos);
  CHECK(testing::markup_problems(svg).empty());
}

TEST_CASE("the HTML page is self-contained: no script, no external reference, balanced markup") {
  auto c = testing::sample_comparison();
  c.variants[1].typical_path.push_back("a <hostile> & \"quoted\" note");
  const std::string html = report::to_html(c);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(std::regex_search(html, std::regex("https?://(?!www\\.w3\\.org/2000/svg\")")) == false);
  CHECK(html.find("a &lt;hostile&gt; &amp; &quot;quoted&quot; note") != std::string::npos);
  // Two CDFs (call and chain) with a line per variant; one bar per variant.
  CHECK(count_of(html, "<path class=\"cdf-line\"") == 4);
  CHECK(count_of(html, "class=\"bar\"") == 2);
  CHECK(html.find("NaN") == std::string::npos);
  CHECK(html.find("nan") == std::string::npos);
  CHECK(testing::markup_problems(html).empty());
}

TEST_CASE("the markup checker finds unclosed and mismatched tags") {
  CHECK_FALSE(testing::markup_problems("<svg><g></svg>").empty());
  CHECK_FALSE(testing::markup_problems("<svg><text>a</svg>").empty());
  CHECK_FALSE(testing::markup_problems("<p>a & b</p>").empty());
  CHECK_FALSE(testing::markup_problems("<svg><rect x=\"1></svg>").empty());
  CHECK(testing::markup_problems("<svg><g a=\"1\"><rect/></g></svg>").empty());
}

TEST_CASE("a CDF series that coincides with an earlier one is drawn dashed and said so") {
  // azure equals kubenet to within 0.01 us at every percentile over a 10 us span; overlay is 2 us off.
  const report::CdfSeries kubenet{"kubenet", {{10, 0.25}, {12, 0.5}, {15, 0.75}, {20, 1}}};
  const report::CdfSeries azure{"azure", {{10.01, 0.25}, {12, 0.5}, {15.01, 0.75}, {20, 1}}};
  const report::CdfSeries overlay{"overlay", {{12, 0.25}, {14, 0.5}, {17, 0.75}, {22, 1}}};
  CHECK(report::quantile_of(kubenet, 0.5) == 12);
  CHECK(report::quantile_of(kubenet, 0.51) == 15);
  CHECK(report::coincident_pairs({kubenet, azure, overlay}, 0.05) == std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}});
  CHECK(report::coincident_pairs({kubenet, overlay}, 0.05).empty());
  const std::string svg = report::cdf_svg("calls", "latency (us)", {kubenet, azure, overlay});
  CHECK(count_of(svg, "stroke-dasharray") == 1);
  CHECK(svg.find("azure coincides with kubenet (drawn dashed over it)") != std::string::npos);
  CHECK(svg.find("overlay coincides") == std::string::npos);
  CHECK(testing::markup_problems(svg).empty());
  // Apart: no note, no dashes.
  const std::string apart = report::cdf_svg("calls", "latency (us)", {kubenet, overlay});
  CHECK(apart.find("coincides") == std::string::npos);
  CHECK(apart.find("stroke-dasharray") == std::string::npos);
}

TEST_CASE("each stacked bar shows its total at its right end") {
  std::vector<report::Bar> bars = {{"kubenet", {{"bridge", 2}, {"stack", 3.25}}}, {"azure", {{"stack", 3}}}};
  const std::string svg = report::stacked_bars_svg("t", "time per packet (us)", bars);
  CHECK(count_of(svg, "class=\"bar-total\"") == 2);
  CHECK(svg.find(">5.250</text>") != std::string::npos);
  CHECK(svg.find(">3.000</text>") != std::string::npos);
  CHECK(testing::markup_problems(svg).empty());
}

TEST_CASE("the HTML report shows each variant's topology with its path or says why it is not drawn") {
  auto c = testing::sample_comparison();
  REQUIRE(c.variants.size() >= 2);
  c.variants[0].typical_path = {"request ...", "pod (podNamespace) 0.000..1.000 us [delivered]"};
  c.variants[0].typical_path_svg = "<svg width=\"10pt\" height=\"10pt\" xmlns=\"http://www.w3.org/2000/svg\"><g><title>topology</title></g></svg>\n";
  c.variants[1].typical_path = {"request ..."};
  c.variants[1].typical_path_not_drawn = "Graphviz's dot is not installed (apt-get install graphviz)";
  const std::string html = report::to_html(c);
  CHECK(count_of(html, "<figure class=\"topology\">") == 1);
  CHECK(html.find("with this packet's devices and links in red") != std::string::npos);
  CHECK(html.find("The topology is not drawn: Graphviz&#39;s dot is not installed") != std::string::npos);
  CHECK(testing::markup_problems(html).empty());
  CHECK(std::regex_search(html, std::regex("https?://(?!www\\.w3\\.org/2000/svg\")")) == false);
}
