#include "models/report/html_report.hpp"

#include "models/report/metrics.hpp"
#include "models/report/answer.hpp"
#include "models/report/notes.hpp"
#include "models/report/number_format.hpp"
#include "models/report/visible_rows.hpp"

namespace cnisim::report {

namespace {

constexpr const char* kStyle = R"(body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.9em}th,td{padding:.2em .7em;border-bottom:1px solid #eee}
td:first-child{white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums}th{text-align:right;background:#f4f4f4}th:first-child{text-align:left}
tr.section th{text-align:left;background:#e8eef6}.headline{font-size:1.1em;background:#f6f8fa;padding:.8em;border-left:4px solid #0072B2}
.warning{background:#fff4e0;padding:.6em .8em;border-left:4px solid #D55E00}
ol.path li{font-family:ui-monospace,monospace;font-size:.85em;margin:.2em 0}svg{max-width:100%;height:auto}
.chart-title{font-size:15px;font-weight:600}.axis-label{font-size:13px}
)";

std::string h(const std::string& text) { return xml_escape(text); }

std::string headline(const Comparison& c) {
  const auto& vs = c.variants;
  if (vs.empty()) return "No results.";
  const auto& base = vs.front();
  const bool chains = base.results.chain_latency.count > 0;
  const auto& m = chains ? base.results.chain_latency : base.results.call_latency;
  std::string what = chains ? "a user request (call chain)" : "a call";
  if (m.count == 0) {
    what = "a ping";
  }
  auto median_us = [&](const dataplane::Results& r) {
    const auto& s = chains ? r.chain_latency : (r.call_latency.count ? r.call_latency : r.ping_latency);
    return to_us(static_cast<double>(s.p50_ps));
  };
  std::string text = "Median latency of " + what + ": " + h(base.label) + " " + format_fixed(median_us(base.results), 3) + " us";
  for (std::size_t i = 1; i < vs.size(); ++i) {
    const double x = median_us(vs[i].results), b = median_us(base.results);
    text += "; " + h(vs[i].label) + " " + format_fixed(x, 3) + " us (" + format_difference(x - b, "us") + " us, " +
            format_ratio(ratio(x, b)) + ")";
  }
  return text + ".";
}

std::string comparison_table(const Comparison& c) {
  const auto& vs = c.variants;
  std::string s = "<table class=\"comparison\">\n<thead><tr><th>metric</th>";
  for (const auto& v : vs) s += "<th>" + h(v.label) + "</th>";
  for (std::size_t i = 1; i < vs.size(); ++i) s += "<th>" + h(vs[i].label) + " diff</th><th>" + h(vs[i].label) + " ratio</th>";
  s += "</tr></thead>\n<tbody>\n";
  const std::size_t columns = 1 + vs.size() + 2 * (vs.empty() ? 0 : vs.size() - 1);
  for (const auto& section : visible_sections(c)) {
    s += "<tr class=\"section\"><th colspan=\"" + std::to_string(columns) + "\">" + h(section.group) + "</th></tr>\n";
    for (const Metric* m : section.metrics) {
      s += "<tr><td>" + h(m->label + " (" + m->unit + ")") + "</td>";
      const double b = m->value(vs.front().results);
      for (const auto& v : vs) s += "<td class=\"num\">" + format_value(m->value(v.results), m->unit) + "</td>";
      for (std::size_t i = 1; i < vs.size(); ++i) {
        const double x = m->value(vs[i].results);
        s += "<td class=\"num\">" + format_difference(x - b, m->unit) + "</td><td class=\"num\">" + format_ratio(ratio(x, b)) + "</td>";
      }
      s += "</tr>\n";
    }
  }
  return s + "</tbody></table>\n";
}

std::vector<CdfSeries> cdf_series(const Comparison& c, const dataplane::LatencySummary dataplane::Results::*field) {
  std::vector<CdfSeries> out;
  for (const auto& v : c.variants) {
    CdfSeries s{v.label, {}};
    for (const auto& p : (v.results.*field).cdf) s.points.emplace_back(to_us(static_cast<double>(p.value_ps)), p.fraction);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

const std::string& html_style() {
  static const std::string style = kStyle;
  return style;
}

std::vector<Bar> hop_breakdown_bars(const Comparison& c) {
  std::vector<Bar> bars;
  for (const auto& v : c.variants) {
    const auto& r = v.results;
    const double packets = r.packets_sent ? static_cast<double>(r.packets_sent) : 1.0;
    Bar bar{v.label, {}};
    double queueing = 0, wire = 0;
    for (std::size_t k = 0; k < dataplane::kDeviceKindCount; ++k) {
      bar.segments.push_back({std::string(cluster::to_string(static_cast<scenario::DeviceKind>(k))) + " service",
                              to_us(static_cast<double>(r.devices[k].service_ps) / packets)});
      queueing += static_cast<double>(r.devices[k].queueing_ps);
    }
    for (std::size_t k = 0; k < dataplane::kLinkKindCount; ++k) {
      queueing += static_cast<double>(r.links[k].queueing_ps);
      wire += static_cast<double>(r.links[k].wire_ps);
    }
    bar.segments.push_back({"queueing (devices and links)", to_us(queueing / packets)});
    bar.segments.push_back({"links: serialization + propagation", to_us(wire / packets)});
    bars.push_back(std::move(bar));
  }
  return bars;
}

std::string to_html(const Comparison& c) {
  std::string title = "cnisim " + c.command + ": " + c.scenario;
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + h(title) +
                  "</title>\n<style>\n" + kStyle + "</style>\n</head>\n<body>\n<h1>" + h(title) + "</h1>\n";
  if (!c.variants.empty()) {
    const auto& r = c.variants.front().results;
    s += "<p>Cluster <b>" + h(r.cluster) + "</b>, seed " + std::to_string(c.seed) + ", cost profile " + h(r.profile) +
         ", route lookups charged " + h(lookup_model_text(r.lookup_cost_model)) + ". Every variant ran the same cluster, traffic, seed and pod placement.</p>\n";
  }
  for (const auto& v : c.variants) {
    for (const auto& note : variant_notes(v)) s += "<p class=\"warning\">[" + h(v.label) + "] " + h(note) + "</p>\n";
  }
  s += "<p class=\"headline\">" + headline(c) + "</p>\n";
  if (const auto answer = answer_text(c)) s += "<p class=\"answer\"><b>Answer.</b> " + h(*answer) + "</p>\n";
  s += "<h2>Comparison</h2>\n" + comparison_table(c);

  s += "<h2>Latency distribution</h2>\n";
  bool any_chart = false;
  const std::pair<const char*, const dataplane::LatencySummary dataplane::Results::*> kinds[] = {
      {"Latency per call", &dataplane::Results::call_latency},
      {"Latency per chain (one user request)", &dataplane::Results::chain_latency},
      {"Ping round trip", &dataplane::Results::ping_latency}};
  for (const auto& [name, field] : kinds) {
    bool has = false;
    for (const auto& v : c.variants) has = has || (v.results.*field).count > 0;
    if (!has) continue;
    any_chart = true;
    s += "<figure>\n" + cdf_svg(std::string(name) + ": CDF", "latency (us)", cdf_series(c, field)) + "</figure>\n";
  }
  if (!any_chart) s += "<p>No latency was measured (no call or ping completed).</p>\n";

  s += "<h2>Where the time goes, per packet</h2>\n<figure>\n" +
       stacked_bars_svg("Mean time per packet by device kind", "time per packet (us)", hop_breakdown_bars(c)) + "</figure>\n";

  if (c.sensitivity && c.variants.size() > 1) {
    const auto& sens = *c.sensitivity;
    std::vector<TornadoRow> rows;
    for (const auto& r : sens.rows) rows.push_back({r.cost, r.low_us, r.high_us});
    s += "<h2>Sensitivity to the assumed costs</h2>\n<p>" + h(c.variants[0].label) + " minus " + h(c.variants[1].label) +
         " per request (mean), with each assumed cost " + std::to_string(sens.percent) +
         "% lower and higher, one at a time; the line is the profile as it is.</p>\n<figure>\n" +
         tornado_svg("What moves the difference most", "difference per request (us)", sens.base_us, rows) + "</figure>\n";
  }

  s += "<h2>The path of a typical cross-node packet</h2>\n";
  for (const auto& v : c.variants) {
    s += "<h3>" + h(v.label) + "</h3>\n";
    if (v.typical_path.empty()) {
      s += "<p>No cross-node packet was traced for this variant.</p>\n";
      continue;
    }
    if (!v.typical_path_svg.empty()) {
      s += "<figure class=\"topology\">\n" + v.typical_path_svg + "<figcaption>The topology of " + h(v.label) +
           " with this packet's devices and links in red.</figcaption>\n</figure>\n";
    } else if (!v.typical_path_not_drawn.empty()) {
      s += "<p>The topology is not drawn: " + h(v.typical_path_not_drawn) + ".</p>\n";
    }
    s += "<ol class=\"path\">\n";
    for (const auto& line : v.typical_path) s += "<li>" + h(line) + "</li>\n";
    s += "</ol>\n";
  }
  s += "<p><small>Generated by cnisim. Figures are simulated, from the cost profile; machine-dependent figures appear only with --host-figures.</small></p>\n";
  return s + "</body>\n</html>\n";
}

}  // namespace cnisim::report
