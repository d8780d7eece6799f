#include "sim/time.hpp"

#include <cstdio>
#include <cstdlib>

namespace cnisim::sim {

namespace {
// Formats |v| / scale with three decimals, rounding half away from zero, in integers only.
std::string fixed3(std::int64_t v, std::int64_t scale, const char* unit) {
  const bool neg = v < 0;
  const UInt128 mag = neg ? static_cast<UInt128>(-(v + 1)) + 1 : static_cast<UInt128>(v);
  const UInt128 thousandths = (mag * 1000 + static_cast<UInt128>(scale) / 2) / static_cast<UInt128>(scale);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%llu.%03llu %s", neg ? "-" : "",
                static_cast<unsigned long long>(thousandths / 1000),
                static_cast<unsigned long long>(thousandths % 1000), unit);
  return buf;
}
}  // namespace

std::string Time::to_string() const {
  if (ps_ == 0) return "0 s";
  const std::int64_t mag = ps_ < 0 ? -(ps_ + 1) : ps_;  // avoids overflow at INT64_MIN
  if (mag < 1000) return std::to_string(ps_) + " ps";
  if (mag < 1000000) return fixed3(ps_, 1000, "ns");
  if (mag < 1000000000) return fixed3(ps_, 1000000, "us");
  if (mag < 1000000000000) return fixed3(ps_, 1000000000, "ms");
  return fixed3(ps_, 1000000000000, "s");
}

std::string DataRate::to_string() const {
  struct Unit { std::uint64_t scale; const char* name; };
  static constexpr Unit units[] = {{1000000000000, "Tb/s"}, {1000000000, "Gb/s"}, {1000000, "Mb/s"},
                                   {1000, "kb/s"}};
  for (const auto& u : units) {
    if (bps_ >= u.scale) {
      char buf[64];
      if (bps_ % u.scale == 0) {
        std::snprintf(buf, sizeof buf, "%llu %s", static_cast<unsigned long long>(bps_ / u.scale), u.name);
      } else {
        std::snprintf(buf, sizeof buf, "%.3g %s", static_cast<double>(bps_) / static_cast<double>(u.scale), u.name);
      }
      return buf;
    }
  }
  return std::to_string(bps_) + " b/s";
}

}  // namespace cnisim::sim
