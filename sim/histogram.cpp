#include "sim/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace cnisim::sim {

namespace {
constexpr int kB = Histogram::kSubBucketBits;
constexpr std::uint64_t kSub = std::uint64_t{1} << kB;  // 128
}  // namespace

// Values < 2*kSub map to themselves. Above, with shift = bit_width(v) - (kB + 1), v >> shift lies in
// [kSub, 2*kSub) and the index is shift*kSub + (v >> shift): contiguous with the exact range.
std::size_t Histogram::index_of(std::uint64_t v) {
  if (v < 2 * kSub) return static_cast<std::size_t>(v);
  const int shift = std::bit_width(v) - (kB + 1);
  return static_cast<std::size_t>(static_cast<std::uint64_t>(shift) * kSub + (v >> shift));
}

std::uint64_t Histogram::lower(std::size_t index) {
  if (index < 2 * kSub) return index;
  const std::uint64_t shift = index / kSub - 1;
  const std::uint64_t sub = index - shift * kSub;  // in [kSub, 2*kSub)
  return sub << shift;
}

std::uint64_t Histogram::upper(std::size_t index) {
  if (index < 2 * kSub) return index;
  const std::uint64_t shift = index / kSub - 1;
  return lower(index) + ((std::uint64_t{1} << shift) - 1);
}

void Histogram::record(std::int64_t value, std::uint64_t times) {
  if (value < 0) throw std::invalid_argument("histogram values must be >= 0, got " + std::to_string(value));
  if (times == 0) return;
  const std::size_t i = index_of(static_cast<std::uint64_t>(value));
  if (i >= counts_.size()) counts_.resize(i + 1, 0);
  counts_[i] += times;
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  count_ += times;
  sum_ += static_cast<UInt128>(value) * times;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
}

void Histogram::clear() { *this = Histogram(); }

double Histogram::mean() const {
  if (count_ == 0) return 0.0;
  return static_cast<double>(sum_) / static_cast<double>(count_);
}

std::int64_t Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: the smallest rank r with r >= p/100 * count, at least 1.
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t mid = lower(i) + (upper(i) - lower(i)) / 2;
      return std::clamp(static_cast<std::int64_t>(mid), min_, max_);
    }
  }
  return max_;
}

}  // namespace cnisim::sim
