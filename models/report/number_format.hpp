#pragma once
// Numbers as every report prints them: fixed decimals chosen by unit, no "-0", so that text, CSV and
// HTML show identical digits and output is byte-identical across runs and thread counts.
#include <optional>
#include <string>

namespace cnisim::report {

// Decimals for a unit: "us" 3 (nanosecond resolution), "ns" 1, "count" 0, "per packet" 3, else 3.
int decimals_for(const std::string& unit);
std::string format_fixed(double value, int decimals);
std::string format_value(double value, const std::string& unit);
// "+1.250" / "-0.500" / "0.000".
std::string format_difference(double value, const std::string& unit);
// "0.67x", or "-" when there is no ratio (baseline 0).
std::string format_ratio(const std::optional<double>& value);

}  // namespace cnisim::report
