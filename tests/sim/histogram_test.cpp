#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/histogram.hpp"
#include "sim/random.hpp"

using namespace cnisim::sim;

namespace {
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double p) {
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::uint64_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}
}  // namespace

TEST_CASE("bucket boundaries tile the value range without gaps", "[histogram]") {
  for (std::size_t i = 0; i < 5000; ++i) {
    REQUIRE(Histogram::lower(i) <= Histogram::upper(i));
    REQUIRE(Histogram::upper(i) + 1 == Histogram::lower(i + 1));
    REQUIRE(Histogram::index_of(Histogram::lower(i)) == i);
    REQUIRE(Histogram::index_of(Histogram::upper(i)) == i);
  }
  CHECK(Histogram::index_of(std::numeric_limits<std::int64_t>::max()) < 7400);
}

TEST_CASE("percentiles are within 1% of the exact percentiles of the sorted samples", "[histogram][random]") {
  RandomStream rng(11);
  for (int trial = 0; trial < 5; ++trial) {
    Histogram h;
    std::vector<std::int64_t> samples;
    const int n = 200'000;
    for (int i = 0; i < n; ++i) {
      // A heavy-tailed latency mix: microseconds with a millisecond tail, in picoseconds.
      std::int64_t v = rng.exponential(us(20)).ps() + us(5).ps();
      if (rng.uniform_below(100) == 0) v *= 100;
      if (trial == 4) v = static_cast<std::int64_t>(rng.uniform_below(300));  // small exact values
      samples.push_back(v);
      h.record(v);
    }
    std::sort(samples.begin(), samples.end());
    for (double p : {0.0, 1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
      const auto exact = static_cast<double>(exact_percentile(samples, p));
      const auto est = static_cast<double>(h.percentile(p));
      INFO("trial " << trial << " p" << p << " exact " << exact << " estimate " << est);
      CHECK(std::abs(est - exact) <= 0.01 * exact);
    }
    CHECK(h.count() == static_cast<std::uint64_t>(n));
    CHECK(h.min() == samples.front());
    CHECK(h.max() == samples.back());
    double sum = 0;
    for (auto v : samples) sum += static_cast<double>(v);
    CHECK(h.mean() == Approx(sum / n).epsilon(1e-9));
  }
}

TEST_CASE("merging two histograms equals recording everything in one", "[histogram]") {
  RandomStream rng(3);
  Histogram a, b, all;
  for (int i = 0; i < 10'000; ++i) {
    const auto v = rng.exponential(us(1)).ps();
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  CHECK(a.mean() == all.mean());
  for (double p : {50.0, 99.0}) CHECK(a.percentile(p) == all.percentile(p));
  Histogram empty;
  empty.merge(all);
  CHECK(empty.percentile(50) == all.percentile(50));
}

TEST_CASE("an empty histogram reports zeros and negative values are rejected", "[histogram]") {
  Histogram h;
  CHECK(h.count() == 0);
  CHECK(h.percentile(50) == 0);
  CHECK(h.mean() == 0.0);
  REQUIRE_THROWS_WITH(h.record(-1), "histogram values must be >= 0, got -1");
}

TEST_CASE("histogram memory is bounded by the value range, not the sample count", "[histogram]") {
  Histogram h;
  for (int i = 0; i < 1'000'000; ++i) h.record(i % 1000);
  CHECK(h.bucket_count() < 1000);
  h.record(std::numeric_limits<std::int64_t>::max());
  CHECK(h.bucket_count() < 7400);
}
