#include "sim/random.hpp"

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

double RandomStream::exponential(double mean) {
  // 1 - u is in (0, 1], so the log is finite.
  return -mean * std::log(1.0 - uniform01());
}

Time RandomStream::exponential(Time mean) {
  return Time::from_ps(std::llround(exponential(static_cast<double>(mean.ps()))));
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
