#include "models/report/number_format.hpp"

#include <cmath>
#include <cstdio>
#include <string_view>

namespace cnisim::report {

int decimals_for(const std::string& unit) {
  if (unit == "count") return 0;
  if (unit == "ns" || unit == "per s") return 1;
  return 3;
}

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  // A tiny negative value rounds to "-0.000": print it as zero.
  const bool negative_zero = buf[0] == '-' && std::string_view(buf).find_first_not_of("-0.") == std::string_view::npos;
  return std::string(negative_zero ? buf + 1 : buf);
}

std::string format_value(double value, const std::string& unit) { return format_fixed(value, decimals_for(unit)); }

std::string format_difference(double value, const std::string& unit) {
  const std::string s = format_value(value, unit);
  const bool positive = s != "-" && s.front() != '-' && s.find_first_not_of("0.") != std::string::npos;
  return positive ? "+" + s : s;
}

std::string format_ratio(const std::optional<double>& value) {
  if (!value) return "-";
  return format_fixed(*value, 2) + "x";
}

}  // namespace cnisim::report
