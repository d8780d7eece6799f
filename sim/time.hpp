#pragma once
// Simulated time and data rates as strong integer types. No floating point anywhere in the engine:
// 64 bytes at 100 Gb/s take 5.12 ns, so time is counted in picoseconds (int64: +-106 days).
#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace cnisim::sim {

// 128-bit intermediates for exact rate and time arithmetic (a GCC/Clang extension).
__extension__ typedef unsigned __int128 UInt128;

class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_ps(std::int64_t ps) { return Time(ps); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }
  static constexpr Time zero() { return Time(0); }

  constexpr std::int64_t ps() const { return ps_; }
  // Whole units, truncated toward zero (for display and coarse checks; the engine uses ps()).
  constexpr std::int64_t whole_ns() const { return ps_ / 1000; }
  constexpr std::int64_t whole_us() const { return ps_ / 1000000; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time& operator+=(Time d) { ps_ += d.ps_; return *this; }
  constexpr Time& operator-=(Time d) { ps_ -= d.ps_; return *this; }
  friend constexpr Time operator+(Time a, Time b) { return Time(a.ps_ + b.ps_); }
  friend constexpr Time operator-(Time a, Time b) { return Time(a.ps_ - b.ps_); }
  friend constexpr Time operator*(Time a, std::int64_t k) { return Time(a.ps_ * k); }
  friend constexpr Time operator*(std::int64_t k, Time a) { return Time(a.ps_ * k); }
  friend constexpr Time operator/(Time a, std::int64_t k) { return Time(a.ps_ / k); }
  friend constexpr std::int64_t operator/(Time a, Time b) { return a.ps_ / b.ps_; }

  // Human form with an adaptive unit and three decimals: "12.345 us", "5.120 ns", "0 s".
  std::string to_string() const;

 private:
  constexpr explicit Time(std::int64_t ps) : ps_(ps) {}
  std::int64_t ps_ = 0;
};

constexpr Time ps(std::int64_t v) { return Time::from_ps(v); }
constexpr Time ns(std::int64_t v) { return Time::from_ps(v * 1000); }
constexpr Time us(std::int64_t v) { return Time::from_ps(v * 1000000); }
constexpr Time ms(std::int64_t v) { return Time::from_ps(v * 1000000000); }
constexpr Time seconds(std::int64_t v) { return Time::from_ps(v * 1000000000000); }

// A data rate in bits per second.
class DataRate {
 public:
  constexpr DataRate() = default;
  static constexpr DataRate from_bps(std::uint64_t bps) { return DataRate(bps); }
  constexpr std::uint64_t bps() const { return bps_; }
  constexpr auto operator<=>(const DataRate&) const = default;
  std::string to_string() const;  // "25 Gb/s", "1.5 Mb/s"

 private:
  constexpr explicit DataRate(std::uint64_t bps) : bps_(bps) {}
  std::uint64_t bps_ = 0;
};

constexpr DataRate bps(std::uint64_t v) { return DataRate::from_bps(v); }
constexpr DataRate kbps(std::uint64_t v) { return DataRate::from_bps(v * 1000); }
constexpr DataRate mbps(std::uint64_t v) { return DataRate::from_bps(v * 1000000); }
constexpr DataRate gbps(std::uint64_t v) { return DataRate::from_bps(v * 1000000000); }

// Time to put `bytes` on a wire at `rate`, exact in integers, rounded up to the picosecond.
// bytes * 8e12 / bps; computed in 128 bits so that no realistic size overflows.
constexpr Time serialization_time(std::uint64_t bytes, DataRate rate) {
  const UInt128 num = static_cast<UInt128>(bytes) * 8u * 1000000000000u;
  const UInt128 den = rate.bps();
  return Time::from_ps(static_cast<std::int64_t>((num + den - 1) / den));
}

}  // namespace cnisim::sim
