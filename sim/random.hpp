#pragma once
// Reproducible random numbers: one stream per named component, derived from (run seed, name), so that
// adding a component never changes another's draws. The generator (xoshiro256**) and every draw are
// implemented here, in integers where possible, because std:: distributions differ between standard
// libraries. exponential() uses a ziggurat whose tables are built with std::exp/std::log (the same on
// every IEEE-754 machine with glibc's correctly rounded exp and log); time draws are rounded to an
// integer picosecond.
#include <cstdint>
#include <string_view>

#include "sim/time.hpp"

namespace cnisim::sim {

// SplitMix64 (Steele, Lea and Flood 2014): seeds the main generator and mixes names into seeds.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256** 1.0 (Blackman and Vigna 2018).
class RandomStream {
 public:
  explicit RandomStream(std::uint64_t seed);

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform integer in [0, n), unbiased (Lemire 2019). n must be > 0.
  std::uint64_t uniform_below(std::uint64_t n);
  // Uniform integer in [lo, hi], inclusive.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Exponentially distributed double with the given mean (ziggurat method).
  double exponential(double mean);
  // Exponentially distributed time with the given mean, rounded to the nearest picosecond.
  Time exponential(Time mean);
  // True with probability p.
  bool bernoulli(double p) { return uniform01() < p; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// The streams of one run: stream(name) is a pure function of (seed, name).
class RandomStreams {
 public:
  explicit RandomStreams(std::uint64_t seed) : seed_(seed) {}
  std::uint64_t seed() const { return seed_; }
  RandomStream stream(std::string_view name) const;
  // For indexed components (one stream per pod, per flow, ...): stream("client", 7).
  RandomStream stream(std::string_view name, std::uint64_t index) const;

 private:
  std::uint64_t seed_;
};

}  // namespace cnisim::sim
