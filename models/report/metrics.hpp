#pragma once
// The figures a comparison puts side by side, as one list that the text table, the CSV and the JSON
// "comparison" array all read, so the three formats can never disagree on names, units or values.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/dataplane/results.hpp"

namespace cnisim::report {

struct Metric {
  std::string key;    // stable dotted name used by CSV and JSON: "latency.call.p99"
  std::string group;  // the table section it is printed in: "Latency per call", ...
  std::string label;  // the row label within the section: "p99"
  std::string unit;   // "us", "count", "per packet", "ns", "s", "per s"
  std::function<double(const dataplane::Results&)> value;
  // Rows whose value is 0 under every variant are left out of the text table and the HTML table
  // (a latency no traffic measured, a drop reason that never happened); CSV and JSON keep them all.
  bool hide_when_zero = false;
};

// Every metric in report order. Machine-dependent ones (wall time, measured lookup cost) only when
// host_figures is set.
const std::vector<Metric>& metrics(bool host_figures);

// value - baseline, and value / baseline (none when the baseline is 0).
double difference(double value, double baseline);
std::optional<double> ratio(double value, double baseline);

// Microseconds from integer picoseconds, for tables.
double to_us(double ps);

}  // namespace cnisim::report
