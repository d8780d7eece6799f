#pragma once
// Latency histogram with log-linear buckets (HDR style): values below 256 are counted exactly; above,
// each power of two is split into 128 equal buckets, so a bucket is at most 1/128 of its values wide
// and a percentile read at the bucket's middle is within 0.4% of the true sample. Memory grows with the
// largest value recorded, not with the count: at most (64-7)*128 buckets (57 KiB) for the full int64 range.
#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace cnisim::sim {

class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;  // 128 buckets per power of two above 2^8

  // Records a value >= 0 (negative values are an error: latencies are never negative).
  void record(std::int64_t value, std::uint64_t times = 1);
  void merge(const Histogram& other);
  void clear();

  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return count_ ? max_ : 0; }
  double mean() const;
  // Nearest-rank percentile, p in [0, 100]: the value below which p% of the samples fall, estimated
  // as the middle of its bucket (clamped to [min, max]); 0 when empty.
  std::int64_t percentile(double p) const;
  std::size_t bucket_count() const { return counts_.size(); }

  // Bucket boundaries, for exporting a CDF: [lower(i), upper(i)] inclusive.
  static std::size_t index_of(std::uint64_t v);
  static std::uint64_t lower(std::size_t index);
  static std::uint64_t upper(std::size_t index);
  std::uint64_t count_at(std::size_t index) const { return index < counts_.size() ? counts_[index] : 0; }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  UInt128 sum_ = 0;
};

}  // namespace cnisim::sim
