#include "sim/random.hpp"

#include <array>
#include <cmath>

namespace cnisim::sim {

namespace {
// FNV-1a 64: a stable hash of a component name (std::hash is not specified to be stable).
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}
}  // namespace

RandomStream::RandomStream(std::uint64_t seed) {
  std::uint64_t sm = seed;
  for (auto& w : s_) w = splitmix64(sm);
}

std::uint64_t RandomStream::uniform_below(std::uint64_t n) {
  UInt128 m = static_cast<UInt128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<UInt128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

std::int64_t RandomStream::uniform_int(std::int64_t lo, std::int64_t hi) {
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(next_u64());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + uniform_below(span + 1));
}

namespace {
// Ziggurat tables for the unit exponential (Marsaglia and Tsang 2000, "The Ziggurat Method for
// Generating Random Variables", 256 layers). Built once from std::exp/std::log in a fixed order.
struct ExpZiggurat {
  static constexpr double kR = 7.697117470131487;    // start of the tail
  static constexpr double kV = 3.949659822581572e-3;  // area of each layer
  std::array<std::uint64_t, 256> k{};  // acceptance thresholds for a 53-bit draw
  std::array<double, 256> w{};         // layer widths scaled to a 53-bit draw
  std::array<double, 256> f{};         // exp(-x) at each layer's edge

  ExpZiggurat() {
    constexpr double m = 0x1.0p53;
    double de = kR, tde = kR;
    const double q = kV / std::exp(-de);
    k[0] = static_cast<std::uint64_t>((de / q) * m);
    k[1] = 0;
    w[0] = q / m;
    w[255] = de / m;
    f[0] = 1.0;
    f[255] = std::exp(-de);
    for (int i = 254; i >= 1; --i) {
      de = -std::log(kV / de + std::exp(-de));
      k[static_cast<std::size_t>(i) + 1] = static_cast<std::uint64_t>((de / tde) * m);
      tde = de;
      f[static_cast<std::size_t>(i)] = std::exp(-de);
      w[static_cast<std::size_t>(i)] = de / m;
    }
  }
};

const ExpZiggurat& exp_ziggurat() {
  static const ExpZiggurat z;
  return z;
}
}  // namespace

double RandomStream::exponential(double mean) {
  // Ziggurat: one 64-bit draw and a table compare in ~98% of cases; the wedges and the tail are
  // handled exactly, so the distribution is the exponential's, not an approximation.
  const ExpZiggurat& z = exp_ziggurat();
  for (;;) {
    const std::uint64_t r = next_u64();
    const std::size_t i = r & 255;
    const std::uint64_t j = r >> 11;  // 53 bits, independent of i's bits
    if (j < z.k[i]) return mean * (static_cast<double>(j) * z.w[i]);
    if (i == 0) {
      // The tail beyond kR is exponential again (memorylessness): kR + Exp(1).
      return mean * (ExpZiggurat::kR - std::log(1.0 - uniform01()));
    }
    const double x = static_cast<double>(j) * z.w[i];
    if (z.f[i] + uniform01() * (z.f[i - 1] - z.f[i]) < std::exp(-x)) return mean * x;
  }
}

Time RandomStream::exponential(Time mean) {
  // The draw is >= 0, so adding one half and truncating rounds to nearest (llround is a libm call).
  return Time::from_ps(static_cast<std::int64_t>(exponential(static_cast<double>(mean.ps())) + 0.5));
}

RandomStream RandomStreams::stream(std::string_view name) const {
  std::uint64_t sm = seed_ ^ fnv1a(name);
  return RandomStream(splitmix64(sm));
}

RandomStream RandomStreams::stream(std::string_view name, std::uint64_t index) const {
  std::uint64_t sm = seed_ ^ fnv1a(name);
  sm = splitmix64(sm) ^ index;
  return RandomStream(splitmix64(sm));
}

}  // namespace cnisim::sim
