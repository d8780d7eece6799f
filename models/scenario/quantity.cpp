#include "models/scenario/quantity.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace cnisim::scenario {
namespace {

// A decimal "123.456" scaled by 10^places as an exact integer; nullopt if it has more fractional
// digits than places allows (with trailing zeros ignored) or does not fit.
std::optional<std::uint64_t> scaled_decimal(std::string_view digits, int places) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  int fraction = -1;  // digits seen after the point
  bool any = false;
  for (char c : digits) {
    if (c == '.') {
      if (fraction >= 0) return std::nullopt;
      fraction = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any = true;
    if (fraction >= 0) {
      if (fraction == places) {
        if (c != '0') return std::nullopt;  // finer than the unit allows
        continue;
      }
      ++fraction;
    }
    if (value > (UINT64_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!any) return std::nullopt;
  for (int i = fraction < 0 ? 0 : fraction; i < places; ++i) {
    if (value > UINT64_MAX / 10) return std::nullopt;
    value *= 10;
  }
  return value;
}

// Splits "1.5us" into ("1.5", "us").
std::pair<std::string_view, std::string_view> split_unit(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  return {text.substr(0, i), text.substr(i)};
}

struct Unit {
  std::string_view name;
  int places;  // decimal places to the base unit (ps or bps)
};
constexpr std::array<Unit, 5> kTimeUnits{{{"s", 12}, {"ms", 9}, {"us", 6}, {"ns", 3}, {"ps", 0}}};
constexpr std::array<Unit, 4> kRateUnits{{{"Gbps", 9}, {"Mbps", 6}, {"Kbps", 3}, {"bps", 0}}};

std::uint64_t pow10(int n) {
  std::uint64_t v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

template <std::size_t N>
std::string format_scaled(std::uint64_t value, const std::array<Unit, N>& units) {
  for (const auto& u : units) {
    const std::uint64_t scale = pow10(u.places);
    if (value < scale && u.places != 0) continue;
    std::string text = std::to_string(value / scale);
    std::uint64_t rest = value % scale;
    if (rest != 0) {
      std::string frac = std::to_string(rest);
      frac.insert(0, static_cast<std::size_t>(u.places) - frac.size(), '0');
      while (frac.back() == '0') frac.pop_back();
      text += "." + frac;
    }
    return text + std::string(u.name);
  }
  return "0";
}

}  // namespace

std::optional<sim::Time> parse_duration(std::string_view text) {
  if (text == "0") return sim::Time::zero();
  const auto [number, unit] = split_unit(text);
  for (const auto& u : kTimeUnits) {
    if (unit != u.name) continue;
    const auto v = scaled_decimal(number, u.places);
    if (!v || *v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return sim::ps(static_cast<std::int64_t>(*v));
  }
  return std::nullopt;
}

std::optional<sim::DataRate> parse_rate(std::string_view text) {
  if (text == "unlimited") return sim::DataRate{};
  const auto [number, unit] = split_unit(text);
  for (const auto& u : kRateUnits) {
    if (unit != u.name) continue;
    const auto v = scaled_decimal(number, u.places);
    if (!v || *v == 0) return std::nullopt;
    return sim::bps(*v);
  }
  return std::nullopt;
}

std::string format_duration(sim::Time t) {
  if (t == sim::Time::zero()) return "0";
  return format_scaled(static_cast<std::uint64_t>(t.ps()), kTimeUnits);
}

std::string format_rate(sim::DataRate r) {
  if (r.bps() == 0) return "unlimited";
  return format_scaled(r.bps(), kRateUnits);
}

}  // namespace cnisim::scenario
