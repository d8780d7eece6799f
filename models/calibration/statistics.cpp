#include "models/calibration/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace cnisim::calibration {

double quartile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double median(std::vector<double> v) { return quartile(std::move(v), 0.5); }

double iqr(const std::vector<double>& v) { return quartile(v, 0.75) - quartile(v, 0.25); }

std::vector<double> slope_coefficients(const std::vector<double>& x) {
  if (x.size() < 2) throw std::invalid_argument("a slope needs at least two points");
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double sxx = 0;
  for (double xi : x) sxx += (xi - mean) * (xi - mean);
  if (sxx == 0) throw std::invalid_argument("a slope needs two distinct x values");
  std::vector<double> c;
  for (double xi : x) c.push_back((xi - mean) / sxx);
  return c;
}

double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("x and y differ in size");
  const auto c = slope_coefficients(x);
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += c[i] * y[i];
  return s;
}

Estimate estimate(const std::vector<std::vector<double>>& round_medians, const Combination& c, double floor,
                  double relative) {
  std::vector<double> per_round;
  per_round.reserve(round_medians.size());
  for (const auto& round : round_medians) {
    double v = c.offset;
    for (const auto& t : c.terms) v += t.coefficient * round.at(t.variant);
    per_round.push_back(v);
  }
  Estimate e;
  e.rounds = per_round.size();
  if (per_round.empty()) return e;
  e.value = median(per_round);
  e.spread = iqr(per_round);
  e.ci95 = 1.58 * e.spread / std::sqrt(static_cast<double>(per_round.size()));
  e.noisy = per_round.size() < 3 || e.ci95 > std::max(floor, relative * std::fabs(e.value));
  return e;
}

}  // namespace cnisim::calibration
