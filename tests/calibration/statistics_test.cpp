// The arithmetic of a differential measurement: medians, quartiles, slopes and the per-round estimate.
#include <catch2/catch.hpp>

#include "models/calibration/statistics.hpp"

using namespace cnisim::calibration;

TEST_CASE("Median and quartiles interpolate between order statistics") {
  REQUIRE(median({3, 1, 2}) == Approx(2));
  REQUIRE(median({4, 1, 3, 2}) == Approx(2.5));
  REQUIRE(quartile({1, 2, 3, 4, 5}, 0.25) == Approx(2));
  REQUIRE(iqr({1, 2, 3, 4, 5}) == Approx(2));
  REQUIRE(median({}) == 0);
}

TEST_CASE("The least-squares slope recovers a line and its coefficients are a linear combination") {
  const std::vector<double> x{0, 100, 1000, 5000};
  std::vector<double> y;
  for (double xi : x) y.push_back(20000 + 64 * xi);
  REQUIRE(least_squares_slope(x, y) == Approx(64));
  const auto c = slope_coefficients(x);
  double sum = 0;
  for (double ci : c) sum += ci;
  REQUIRE(sum == Approx(0).margin(1e-12));  // a constant offset does not move the slope
  REQUIRE_THROWS(slope_coefficients({5, 5}));
}

TEST_CASE("An estimate is the median over rounds of the combination with its spread and interval") {
  // Variant 1 is 300 ns slower than variant 0 in every round, with drift common to both.
  std::vector<std::vector<double>> rounds;
  for (int r = 0; r < 40; ++r) {
    const double drift = 1000.0 * (r % 7);
    const double jitter = (r % 3) * 10.0;
    rounds.push_back({20000 + drift, 20300 + drift + jitter});
  }
  const Combination c{{{1, 1}, {0, -1}}, 0};
  const auto e = estimate(rounds, c, 30, 0.25);
  REQUIRE(e.rounds == 40);
  REQUIRE(e.value == Approx(310).margin(10));
  REQUIRE(e.spread <= 20);
  REQUIRE(e.ci95 == Approx(1.58 * e.spread / std::sqrt(40.0)));
  REQUIRE_FALSE(e.noisy);
}

TEST_CASE("A differential lost in round-to-round scatter is reported noisy") {
  std::vector<std::vector<double>> rounds;
  for (int r = 0; r < 12; ++r) rounds.push_back({20000, 20000 + (r % 2 ? 3000.0 : -3000.0)});
  const auto e = estimate(rounds, Combination{{{1, 1}, {0, -1}}, 0}, 30, 0.25);
  REQUIRE(e.noisy);
  // Too few rounds are noisy whatever they say.
  REQUIRE(estimate({{1, 2}, {1, 2}}, Combination{{{1, 1}, {0, -1}}, 0}, 30, 0.25).noisy);
}
