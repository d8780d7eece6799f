#pragma once
// Parsing the quantities cost profiles and traffic sections are written in: durations ("1.5us",
// "250ns", "40ps", "2ms", "0") and data rates ("25Gbps", "1.5Gbps", "100Mbps", "unlimited"). Exact
// decimal arithmetic in integers: "0.05ns" is 50 ps, never 49.999... So every run reads the same
// numbers on every machine.
#include <optional>
#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace cnisim::scenario {

// nullopt if text is not a non-negative decimal followed by ps, ns, us, ms or s (or a bare 0), or
// is finer than a picosecond.
std::optional<sim::Time> parse_duration(std::string_view text);
// nullopt if text is not a positive decimal followed by bps, Kbps, Mbps or Gbps; "unlimited" gives
// a zero rate, which the data path reads as "no serialization delay".
std::optional<sim::DataRate> parse_rate(std::string_view text);

// "1.5us", "250ns", "40ps": the shortest exact spelling (what the profile printer writes).
std::string format_duration(sim::Time t);
std::string format_rate(sim::DataRate r);  // "25Gbps", "unlimited"

}  // namespace cnisim::scenario
