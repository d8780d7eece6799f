#pragma once
// Inline SVG charts for the HTML report, written by hand (no plotting library, no scripts): a
// step-line CDF with one <path> per series and stacked horizontal bars. Every text is XML-escaped;
// coordinates are finite by construction (empty or degenerate data gives a chart saying so).
#include <optional>
#include <string>
#include <vector>

namespace cnisim::report {

// & < > " ' as entities, so any label is safe in element text and attribute values.
std::string xml_escape(const std::string& text);

struct CdfSeries {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (x, cumulative fraction in [0, 1]), x ascending
};
// One <path class="cdf-line"> per series (series with no points get none), axis labels x_label and
// "fraction of samples <= x". A series whose every percentile (1st to 99th) is within
// kCoincideFraction of the axis' span of an earlier series' would hide it: it is drawn dashed and a
// note in the plot says which coincide.
inline constexpr double kCoincideFraction = 0.005;
std::string cdf_svg(const std::string& title, const std::string& x_label, const std::vector<CdfSeries>& series);
// The x at which the series reaches fraction (nearest rank on its steps); the series has points.
double quantile_of(const CdfSeries& series, double fraction);
// (earlier, later) for each series that coincides with an earlier one, every percentile within `within`.
std::vector<std::pair<std::size_t, std::size_t>> coincident_pairs(const std::vector<CdfSeries>& series, double within);

struct BarSegment {
  std::string name;  // same name = same colour in every bar
  double value = 0;
};
struct Bar {
  std::string label;
  std::vector<BarSegment> segments;
};
// One row per bar, segments stacked left to right (zero segments drawn not at all), the bar's total at
// its right end, a legend.
std::string stacked_bars_svg(const std::string& title, const std::string& x_label, const std::vector<Bar>& bars);

struct TornadoRow {
  std::string label;
  double low = 0;   // the value with the input at its low end
  double high = 0;  // ... at its high end
};
// A tornado chart: one row per input (in the given order, widest first by convention), a bar from low
// to high around a vertical line at base; low ends in one colour, high ends in another, a legend.
std::string tornado_svg(const std::string& title, const std::string& x_label, double base,
                        const std::vector<TornadoRow>& rows);

struct LineSeries {
  std::string label;
  std::vector<std::optional<double>> values;  // one per category; none: no value there (not drawn)
};
// A line chart over categorical x (the categories evenly spaced, in order, labelled): one polyline per
// series with a marker at each value, broken where a value is missing; y from 0 (or below, for
// negative values) to the largest value; a legend.
std::string line_chart_svg(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<std::string>& categories, const std::vector<LineSeries>& series);

// Round axis ticks covering [0, max]: 0, step, 2 step, ... with step 1, 2 or 5 x 10^k.
std::vector<double> axis_ticks(double max, int target_count = 5);
// Round ticks covering [min, max] (a multiple of the step at or below min first); {0, 1} when the
// range is empty or not finite.
std::vector<double> axis_ticks(double min, double max, int target_count);

}  // namespace cnisim::report
