#include "models/report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "models/report/number_format.hpp"

namespace cnisim::report {

namespace {

// Colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008), then greys.
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                "#56B4E9", "#F0E442", "#000000", "#8C564B", "#17BECF", "#999999", "#666666"};
constexpr std::size_t kPaletteSize = sizeof kPalette / sizeof kPalette[0];

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::isfinite(v) ? v : 0.0);
  return buf;
}

std::string tick_label(double v, double step) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
  return format_fixed(v, decimals);
}

struct Frame {
  double width = 900, height = 420;
  double left = 70, right = 20, top = 40, bottom = 60;
  double plot_w() const { return width - left - right; }
  double plot_h() const { return height - top - bottom; }
};

std::string svg_open(const Frame& f, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(f.width) + "\" height=\"" + num(f.height) +
         "\" viewBox=\"0 0 " + num(f.width) + " " + num(f.height) + "\" role=\"img\" aria-label=\"" + xml_escape(title) +
         "\">\n<title>" + xml_escape(title) + "</title>\n<text class=\"chart-title\" x=\"" + num(f.width / 2) +
         "\" y=\"22\" text-anchor=\"middle\">" + xml_escape(title) + "</text>\n";
}

// The smallest 1, 2 or 5 x 10^k at or above raw (> 0).
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10 * magnitude;
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::vector<double> axis_ticks(double max, int target_count) {
  if (!(max > 0) || !std::isfinite(max)) return {0, 1};
  const double step = nice_step(max / target_count);
  std::vector<double> ticks;
  for (int i = 0; ticks.empty() || ticks.back() < max; ++i) ticks.push_back(step * i);
  return ticks;
}

std::vector<double> axis_ticks(double min, double max, int target_count) {
  if (!std::isfinite(min) || !std::isfinite(max) || !(max > min)) return axis_ticks(max, target_count);
  const double step = nice_step((max - min) / target_count);
  std::vector<double> ticks;
  const double first = std::floor(min / step) * step;
  for (int i = 0; ticks.empty() || ticks.back() < max; ++i) ticks.push_back(first + step * i);
  if (ticks.size() == 1) ticks.push_back(first + step);
  return ticks;
}

double quantile_of(const CdfSeries& c, double fraction) {
  for (const auto& [x, y] : c.points) {
    if (y >= fraction) return x;
  }
  return c.points.back().first;
}

std::vector<std::pair<std::size_t, std::size_t>> coincident_pairs(const std::vector<CdfSeries>& series, double within) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t b = 1; b < series.size(); ++b) {
    if (series[b].points.empty()) continue;
    for (std::size_t a = 0; a < b; ++a) {
      if (series[a].points.empty()) continue;
      bool close = true;
      for (int k = 1; k <= 99 && close; ++k) {
        close = std::fabs(quantile_of(series[a], k / 100.0) - quantile_of(series[b], k / 100.0)) <= within;
      }
      if (close) {
        out.emplace_back(a, b);
        break;  // said once, against the first series it coincides with
      }
    }
  }
  return out;
}

std::string cdf_svg(const std::string& title, const std::string& x_label, const std::vector<CdfSeries>& series) {
  Frame f;
  std::string s = svg_open(f, title);
  // The x axis spans the samples (not from 0): plugins' differences are a few percent of the latency.
  double max_x = 0, min_x = std::numeric_limits<double>::infinity();
  for (const auto& c : series) {
    for (const auto& p : c.points) {
      max_x = std::max(max_x, p.first);
      min_x = std::min(min_x, p.first);
    }
  }
  const auto ticks = axis_ticks(std::isfinite(min_x) ? min_x : 0.0, max_x, 6);
  const double x_min = ticks.front(), x_max = ticks.back();
  const double step = ticks[1] - ticks[0];
  auto px = [&](double x) { return f.left + f.plot_w() * ((x - x_min) / (x_max - x_min)); };
  auto py = [&](double y) { return f.top + f.plot_h() * (1 - std::clamp(y, 0.0, 1.0)); };

  s += "<g class=\"grid\" stroke=\"#ddd\">\n";
  for (double t : ticks) s += "<line x1=\"" + num(px(t)) + "\" y1=\"" + num(f.top) + "\" x2=\"" + num(px(t)) + "\" y2=\"" + num(f.top + f.plot_h()) + "\"/>\n";
  for (double y = 0; y <= 1.0001; y += 0.25) s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(py(y)) + "\" x2=\"" + num(f.left + f.plot_w()) + "\" y2=\"" + num(py(y)) + "\"/>\n";
  s += "</g>\n<g class=\"axis\" font-size=\"12\">\n";
  s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(f.top + f.plot_h()) + "\" x2=\"" + num(f.left + f.plot_w()) + "\" y2=\"" + num(f.top + f.plot_h()) + "\" stroke=\"#333\"/>\n";
  s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(f.top) + "\" x2=\"" + num(f.left) + "\" y2=\"" + num(f.top + f.plot_h()) + "\" stroke=\"#333\"/>\n";
  for (double t : ticks) s += "<text x=\"" + num(px(t)) + "\" y=\"" + num(f.top + f.plot_h() + 16) + "\" text-anchor=\"middle\">" + xml_escape(tick_label(t, step)) + "</text>\n";
  for (double y = 0; y <= 1.0001; y += 0.25) s += "<text x=\"" + num(f.left - 6) + "\" y=\"" + num(py(y) + 4) + "\" text-anchor=\"end\">" + format_fixed(y, 2) + "</text>\n";
  s += "<text class=\"axis-label\" x=\"" + num(f.left + f.plot_w() / 2) + "\" y=\"" + num(f.height - 14) + "\" text-anchor=\"middle\">" + xml_escape(x_label) + "</text>\n";
  s += "<text class=\"axis-label\" transform=\"translate(16 " + num(f.top + f.plot_h() / 2) + ") rotate(-90)\" text-anchor=\"middle\">fraction of samples &lt;= x</text>\n";
  s += "</g>\n";

  // Series drawn over an earlier one they coincide with (every percentile within half a percent of
  // the axis: under 3 pixels) are dashed, so that both show, and said so in the plot.
  const auto coincident = coincident_pairs(series, (x_max - x_min) * kCoincideFraction);
  // The axis' unit, from a label such as "latency (us)".
  const auto open = x_label.rfind('(');
  const std::string unit = open != std::string::npos && x_label.ends_with(")")
                               ? " " + x_label.substr(open + 1, x_label.size() - open - 2)
                               : std::string();
  std::vector<bool> dashed(series.size(), false);
  for (const auto& [a, b] : coincident) dashed[b] = true;
  for (std::size_t k = 0; k < coincident.size(); ++k) {
    const auto& [a, b] = coincident[k];
    // At the plot's lower right, where a CDF's lines have not risen yet or have already gone left.
    s += "<text class=\"coincide-note\" x=\"" + num(f.left + f.plot_w() - 8) + "\" y=\"" +
         num(f.top + f.plot_h() - 10 - 16.0 * static_cast<double>(coincident.size() - 1 - k)) +
         "\" text-anchor=\"end\" font-size=\"12\">" + xml_escape(series[b].label + " coincides with " + series[a].label +
                                             " (drawn dashed over it): every percentile within " +
                                             format_fixed((x_max - x_min) * kCoincideFraction, 3) + unit) + "</text>\n";
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& c = series[i];
    const char* colour = kPalette[i % kPaletteSize];
    if (!c.points.empty()) {
      // A step function: flat at the previous fraction until the next value, then up.
      std::string d = "M" + num(px(x_min)) + " " + num(py(0));
      double last_y = 0;
      for (const auto& [x, y] : c.points) {
        d += " L" + num(px(x)) + " " + num(py(last_y)) + " L" + num(px(x)) + " " + num(py(y));
        last_y = y;
      }
      s += "<path class=\"cdf-line\" data-series=\"" + xml_escape(c.label) + "\" d=\"" + d + "\" fill=\"none\" stroke=\"" + colour +
           "\" stroke-width=\"2\"" + (dashed[i] ? " stroke-dasharray=\"6 4\"" : "") + "/>\n";
    }
    const double ly = f.top + 10 + 18.0 * static_cast<double>(i);
    s += "<g class=\"legend\"><rect x=\"" + num(f.left + f.plot_w() - 170) + "\" y=\"" + num(ly + 4) + "\" width=\"14\" height=\"4\" fill=\"" + colour + "\"/>";
    s += "<text x=\"" + num(f.left + f.plot_w() - 150) + "\" y=\"" + num(ly + 10) + "\" font-size=\"12\">" + xml_escape(c.label) + (c.points.empty() ? " (no samples)" : "") + "</text></g>\n";
  }
  return s + "</svg>\n";
}

std::string line_chart_svg(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<std::string>& categories, const std::vector<LineSeries>& series) {
  Frame f;
  f.right = 200;  // the legend
  std::string s = svg_open(f, title);
  double lo = 0, hi = 0;
  bool any = false;
  for (const auto& line : series) {
    for (const auto& v : line.values) {
      if (!v || !std::isfinite(*v)) continue;
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
      any = true;
    }
  }
  if (!any || categories.empty()) {
    s += "<text x=\"" + num(f.width / 2) + "\" y=\"" + num(f.height / 2) + "\" text-anchor=\"middle\">no values to draw</text>\n";
    return s + "</svg>\n";
  }
  const auto ticks = lo < 0 ? axis_ticks(lo, hi, 5) : axis_ticks(hi, 5);
  const double y_min = ticks.front(), y_max = ticks.back();
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  const double n = static_cast<double>(categories.size());
  auto px = [&](std::size_t i) { return f.left + f.plot_w() * ((static_cast<double>(i) + 0.5) / n); };
  auto py = [&](double y) { return f.top + f.plot_h() * (1 - (y - y_min) / (y_max - y_min)); };
  s += "<g class=\"grid\" stroke=\"#ddd\">\n";
  for (double t : ticks) s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(py(t)) + "\" x2=\"" + num(f.left + f.plot_w()) + "\" y2=\"" + num(py(t)) + "\"/>\n";
  s += "</g>\n<g class=\"axis\" font-size=\"12\">\n";
  s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(f.top + f.plot_h()) + "\" x2=\"" + num(f.left + f.plot_w()) + "\" y2=\"" + num(f.top + f.plot_h()) + "\" stroke=\"#333\"/>\n";
  s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(f.top) + "\" x2=\"" + num(f.left) + "\" y2=\"" + num(f.top + f.plot_h()) + "\" stroke=\"#333\"/>\n";
  for (std::size_t i = 0; i < categories.size(); ++i) {
    s += "<text x=\"" + num(px(i)) + "\" y=\"" + num(f.top + f.plot_h() + 16) + "\" text-anchor=\"middle\">" + xml_escape(categories[i]) + "</text>\n";
  }
  for (double t : ticks) s += "<text x=\"" + num(f.left - 6) + "\" y=\"" + num(py(t) + 4) + "\" text-anchor=\"end\">" + xml_escape(tick_label(t, step)) + "</text>\n";
  s += "<text class=\"axis-label\" x=\"" + num(f.left + f.plot_w() / 2) + "\" y=\"" + num(f.height - 14) + "\" text-anchor=\"middle\">" + xml_escape(x_label) + "</text>\n";
  s += "<text class=\"axis-label\" transform=\"translate(16 " + num(f.top + f.plot_h() / 2) + ") rotate(-90)\" text-anchor=\"middle\">" + xml_escape(y_label) + "</text>\n";
  s += "</g>\n";
  // A line within half a percent of the axis of an earlier one at every category would hide it: it is
  // drawn dashed, and a note says so (as in the CDF).
  const double within = (y_max - y_min) * kCoincideFraction;
  std::vector<std::string> notes;
  std::vector<bool> dashed(series.size(), false);
  for (std::size_t b = 1; b < series.size(); ++b) {
    for (std::size_t a = 0; a < b && !dashed[b]; ++a) {
      bool close = series[a].values.size() == series[b].values.size();
      for (std::size_t i = 0; close && i < series[b].values.size(); ++i) {
        const auto &x = series[a].values[i], &y = series[b].values[i];
        close = x.has_value() == y.has_value() && (!x || std::fabs(*x - *y) <= within);
      }
      if (close) {
        dashed[b] = true;
        notes.push_back(series[b].label + " coincides with " + series[a].label + " (drawn dashed over it)");
      }
    }
  }
  for (std::size_t k = 0; k < notes.size(); ++k) {
    s += "<text class=\"coincide-note\" x=\"" + num(f.left + f.plot_w() - 8) + "\" y=\"" + num(f.top + f.plot_h() - 10 - 16.0 * static_cast<double>(notes.size() - 1 - k)) +
         "\" text-anchor=\"end\" font-size=\"12\">" + xml_escape(notes[k]) + "</text>\n";
  }
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& line = series[k];
    const char* colour = kPalette[k % kPaletteSize];
    std::string d;
    bool pen_down = false;
    for (std::size_t i = 0; i < line.values.size() && i < categories.size(); ++i) {
      const auto& v = line.values[i];
      if (!v || !std::isfinite(*v)) {
        pen_down = false;
        continue;
      }
      d += (pen_down ? " L" : (d.empty() ? "M" : " M")) + num(px(i)) + " " + num(py(*v));
      pen_down = true;
      s += "<circle class=\"marker\" cx=\"" + num(px(i)) + "\" cy=\"" + num(py(*v)) + "\" r=\"3.5\" fill=\"" + colour + "\"/>\n";
    }
    if (!d.empty()) {
      s += "<path class=\"sweep-line\" data-series=\"" + xml_escape(line.label) + "\" d=\"" + d + "\" fill=\"none\" stroke=\"" + colour +
           "\" stroke-width=\"2\"" + (dashed[k] ? " stroke-dasharray=\"6 4\"" : "") + "/>\n";
    }
    const double ly = f.top + 18.0 * static_cast<double>(k);
    s += "<g class=\"legend\"><rect x=\"" + num(f.left + f.plot_w() + 16) + "\" y=\"" + num(ly + 4) + "\" width=\"14\" height=\"4\" fill=\"" + colour + "\"/>";
    s += "<text x=\"" + num(f.left + f.plot_w() + 36) + "\" y=\"" + num(ly + 10) + "\" font-size=\"12\">" + xml_escape(line.label) + "</text></g>\n";
  }
  return s + "</svg>\n";
}

std::string stacked_bars_svg(const std::string& title, const std::string& x_label, const std::vector<Bar>& bars) {
  // Colours by segment name in order of first appearance, so equal names match across bars.
  std::map<std::string, std::size_t> colour_of;
  std::vector<std::string> names;
  for (const auto& b : bars) {
    for (const auto& seg : b.segments) {
      if (seg.value > 0 && colour_of.emplace(seg.name, names.size()).second) names.push_back(seg.name);
    }
  }
  Frame f;
  f.left = 140;
  const double bar_h = 28, gap = 14;
  const double legend_rows = std::ceil(static_cast<double>(names.size()) / 3.0);
  f.height = f.top + static_cast<double>(bars.size()) * (bar_h + gap) + f.bottom + legend_rows * 18 + 10;
  std::string s = svg_open(f, title);
  double max_total = 0;
  for (const auto& b : bars) {
    double total = 0;
    for (const auto& seg : b.segments) total += std::max(0.0, seg.value);
    max_total = std::max(max_total, total);
  }
  // Room at the right of the longest bar for its total.
  const auto ticks = axis_ticks(max_total * 1.18);
  const double x_max = ticks.back();
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  const double plot_bottom = f.top + static_cast<double>(bars.size()) * (bar_h + gap);
  auto px = [&](double x) { return f.left + f.plot_w() * (x / x_max); };

  s += "<g class=\"axis\" font-size=\"12\">\n";
  for (double t : ticks) {
    s += "<line x1=\"" + num(px(t)) + "\" y1=\"" + num(f.top) + "\" x2=\"" + num(px(t)) + "\" y2=\"" + num(plot_bottom) + "\" stroke=\"#ddd\"/>\n";
    s += "<text x=\"" + num(px(t)) + "\" y=\"" + num(plot_bottom + 16) + "\" text-anchor=\"middle\">" + xml_escape(tick_label(t, step)) + "</text>\n";
  }
  s += "<text class=\"axis-label\" x=\"" + num(f.left + f.plot_w() / 2) + "\" y=\"" + num(plot_bottom + 36) + "\" text-anchor=\"middle\">" + xml_escape(x_label) + "</text>\n</g>\n";

  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double y = f.top + static_cast<double>(i) * (bar_h + gap);
    s += "<g class=\"bar\" data-bar=\"" + xml_escape(b.label) + "\">\n<text x=\"" + num(f.left - 8) + "\" y=\"" + num(y + bar_h / 2 + 4) + "\" text-anchor=\"end\" font-size=\"13\">" + xml_escape(b.label) + "</text>\n";
    double x = 0;
    for (const auto& seg : b.segments) {
      if (!(seg.value > 0)) continue;
      const char* colour = kPalette[colour_of[seg.name] % kPaletteSize];
      s += "<rect x=\"" + num(px(x)) + "\" y=\"" + num(y) + "\" width=\"" + num(px(x + seg.value) - px(x)) + "\" height=\"" + num(bar_h) + "\" fill=\"" + colour + "\"><title>" + xml_escape(seg.name + ": " + format_fixed(seg.value, 3)) + "</title></rect>\n";
      x += seg.value;
    }
    s += "<text class=\"bar-total\" x=\"" + num(px(x) + 6) + "\" y=\"" + num(y + bar_h / 2 + 4) + "\" font-size=\"12\">" +
         xml_escape(format_fixed(x, 3)) + "</text>\n";
    s += "</g>\n";
  }
  const double ly0 = plot_bottom + 50;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double lx = f.left + static_cast<double>(i % 3) * 240;
    const double ly = ly0 + 18 * static_cast<double>(i / 3);
    s += "<g class=\"legend\"><rect x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" width=\"12\" height=\"12\" fill=\"" + kPalette[i % kPaletteSize] + "\"/><text x=\"" + num(lx + 18) + "\" y=\"" + num(ly + 10) + "\" font-size=\"12\">" + xml_escape(names[i]) + "</text></g>\n";
  }
  return s + "</svg>\n";
}

std::string tornado_svg(const std::string& title, const std::string& x_label, double base,
                        const std::vector<TornadoRow>& rows) {
  Frame f;
  f.left = 230;
  const double bar_h = 18, gap = 8;
  f.height = f.top + static_cast<double>(std::max<std::size_t>(rows.size(), 1)) * (bar_h + gap) + f.bottom + 24;
  std::string s = svg_open(f, title);
  double lo = base, hi = base;
  for (const auto& r : rows) {
    if (std::isfinite(r.low)) lo = std::min({lo, r.low, r.high});
    if (std::isfinite(r.high)) hi = std::max({hi, r.low, r.high});
  }
  const auto ticks = axis_ticks(lo, hi, 6);
  const double x_min = ticks.front(), x_max = ticks.back();
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  const double plot_bottom = f.top + static_cast<double>(std::max<std::size_t>(rows.size(), 1)) * (bar_h + gap);
  auto px = [&](double x) { return f.left + f.plot_w() * ((x - x_min) / (x_max - x_min)); };
  s += "<g class=\"axis\" font-size=\"12\">\n";
  for (double t : ticks) {
    s += "<line x1=\"" + num(px(t)) + "\" y1=\"" + num(f.top) + "\" x2=\"" + num(px(t)) + "\" y2=\"" + num(plot_bottom) + "\" stroke=\"#ddd\"/>\n";
    s += "<text x=\"" + num(px(t)) + "\" y=\"" + num(plot_bottom + 16) + "\" text-anchor=\"middle\">" + xml_escape(tick_label(t, step)) + "</text>\n";
  }
  s += "<text class=\"axis-label\" x=\"" + num(f.left + f.plot_w() / 2) + "\" y=\"" + num(plot_bottom + 36) + "\" text-anchor=\"middle\">" + xml_escape(x_label) + "</text>\n</g>\n";
  if (rows.empty()) s += "<text x=\"" + num(f.left + 10) + "\" y=\"" + num(f.top + 14) + "\" font-size=\"13\">no input moved the result</text>\n";
  const char* kLow = kPalette[0];
  const char* kHigh = kPalette[1 % kPaletteSize];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const double y = f.top + static_cast<double>(i) * (bar_h + gap);
    s += "<g class=\"tornado-row\" data-input=\"" + xml_escape(r.label) + "\">\n<text x=\"" + num(f.left - 8) + "\" y=\"" + num(y + bar_h / 2 + 4) + "\" text-anchor=\"end\" font-size=\"12\">" + xml_escape(r.label) + "</text>\n";
    for (int end = 0; end < 2; ++end) {
      const double v = end == 0 ? r.low : r.high;
      const double x0 = std::min(px(base), px(v)), x1 = std::max(px(base), px(v));
      s += "<rect x=\"" + num(x0) + "\" y=\"" + num(y) + "\" width=\"" + num(x1 - x0) + "\" height=\"" + num(bar_h) + "\" fill=\"" + (end == 0 ? kLow : kHigh) + "\"><title>" + xml_escape(r.label + (end == 0 ? " low: " : " high: ") + format_fixed(v, 3)) + "</title></rect>\n";
    }
    s += "</g>\n";
  }
  s += "<line class=\"base\" x1=\"" + num(px(base)) + "\" y1=\"" + num(f.top - 4) + "\" x2=\"" + num(px(base)) + "\" y2=\"" + num(plot_bottom) + "\" stroke=\"#222\"/>\n";
  const double ly = plot_bottom + 50;
  s += "<g class=\"legend\"><rect x=\"" + num(f.left) + "\" y=\"" + num(ly) + "\" width=\"12\" height=\"12\" fill=\"" + kLow + "\"/><text x=\"" + num(f.left + 18) + "\" y=\"" + num(ly + 10) + "\" font-size=\"12\">cost lower</text>";
  s += "<rect x=\"" + num(f.left + 140) + "\" y=\"" + num(ly) + "\" width=\"12\" height=\"12\" fill=\"" + kHigh + "\"/><text x=\"" + num(f.left + 158) + "\" y=\"" + num(ly + 10) + "\" font-size=\"12\">cost higher</text></g>\n";
  return s + "</svg>\n";
}

}  // namespace cnisim::report
