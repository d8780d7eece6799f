#pragma once
// The CSV report (`-o csv`): long format, one row per variant and metric, columns
//   variant,plugin,kube_proxy,metric,unit,value,difference,ratio,note
// (difference and ratio against the first variant; ratio empty when the baseline is 0). Metric names
// and units are those of docs/output-format.md; values use the table's fixed decimals. note is empty
// unless the value comes with a warning (notes.hpp): every row of an interrupted variant says
// "partial: ...", and its call and chain latency rows say "N% of calls failed: ..." when calls failed
// (both joined by "; ").
#include <string>

#include "models/report/comparison.hpp"

namespace cnisim::report {

inline constexpr const char* kCsvHeader = "variant,plugin,kube_proxy,metric,unit,value,difference,ratio,note";

std::string to_csv(const Comparison& comparison);
// One field as RFC 4180 writes it: quoted (inner quotes doubled) when it holds , " CR or LF.
std::string csv_field(const std::string& text);

}  // namespace cnisim::report
