#pragma once
// The arithmetic of a differential measurement, apart from any kernel: every round samples every
// variant, a quantity is a linear combination of the variants' per-round medians, and its value is
// the median over rounds, its spread the interquartile range over rounds and its uncertainty the
// 95% interval of that median (1.58 x IQR / sqrt(rounds), McGill, Tukey and Larsen, "Variations of
// box plots", The American Statistician 1978).
#include <cstddef>
#include <string>
#include <vector>

namespace cnisim::calibration {

// Median of values (sorted copy); 0 for none.
double median(std::vector<double> values);
// First and third quartiles (linear interpolation between order statistics).
double quartile(std::vector<double> values, double q);
double iqr(const std::vector<double>& values);

// Least-squares slope of y over x (both the same size, at least two distinct x).
double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y);
// The coefficients c such that slope = sum c[i] * y[i] for these x (so a slope is a linear combination).
std::vector<double> slope_coefficients(const std::vector<double>& x);

// A quantity: sum over terms of coefficient x variant's per-round median, plus offset.
struct Term {
  std::size_t variant = 0;
  double coefficient = 0;
};
struct Combination {
  std::vector<Term> terms;
  double offset = 0;
};

struct Estimate {
  double value = 0;   // median over rounds
  double spread = 0;  // IQR over rounds
  double ci95 = 0;    // half-width of the 95% interval of the median
  std::size_t rounds = 0;
  bool noisy = true;  // ci95 above the bound
};

// round_medians[round][variant]. Noisy when ci95 > max(floor, relative x |value|).
Estimate estimate(const std::vector<std::vector<double>>& round_medians, const Combination& c, double floor,
                  double relative);

}  // namespace cnisim::calibration
