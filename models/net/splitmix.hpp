#pragma once
// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014): the
// seeded stream net uses where it needs its own randomness (DNAT endpoint choice, test and
// benchmark inputs) without depending on sim/. Identical on every platform; integer draws only.
#include <cstdint>

namespace cnisim::net {

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(std::uint64_t seed) : state_(seed) {}

  constexpr std::uint64_t operator()() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) by Lemire's multiply-shift (bias below 2^-32 for n < 2^32); n must be > 0.
  constexpr std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((*this)() >> 32) * n >> 32);
  }
  constexpr std::uint32_t u32() { return static_cast<std::uint32_t>((*this)() >> 32); }

 private:
  std::uint64_t state_;
};

}  // namespace cnisim::net
