#pragma once
#include <vector>

// The statistics the plans gate decides with: order statistics of timing samples, the
// Mann-Whitney U test between two samples, and a CUSUM change-point test over a series.
namespace mgate::stats {

// The q-quantile (0 <= q <= 1) by linear interpolation between order statistics (the R
// "type 7" definition). 0 for an empty sample.
double quantile(std::vector<double> values, double q);
double median(std::vector<double> values);

// Mann-Whitney U of `a` against `b`: how often a value of `a` exceeds one of `b` (ties count
// one half), with the normal approximation for the p-value (tie-corrected variance, continuity
// correction).
struct MannWhitney {
  double u = 0;            // U of `a`: 0 .. n_a * n_b
  double z = 0;            // positive when `a` tends to be larger
  double p_two_sided = 1;  // probability of a |z| this large when both come from one distribution
  double p_greater = 1;    // one-sided: probability of a z this large when `a` is not larger
  // The probability that a value drawn from `a` exceeds one from `b` (ties one half): the
  // common-language effect size, U / (n_a * n_b). 0.5 means no difference.
  double superiority = 0.5;
};
MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b);

// Page's one-sided CUSUM for an upward shift: the series is standardised against the mean
// and spread of its first `reference` values, and S_i = max(0, S_{i-1} + z_i - slack) is
// accumulated; an alarm is raised when S exceeds `limit` (the classic slack 0.5, limit 4 detect
// a shift of one standard deviation in about 8 points with few false alarms). `min_spread`
// keeps a series with almost no noise from turning every tiny change into many deviations.
struct ChangePoint {
  bool detected = false;
  int at = -1;       // index of the value where the statistic first exceeded the limit
  double peak = 0;   // the largest value of the statistic
  double shift = 0;  // mean of the values from `at` on minus the reference mean
};
ChangePoint cusum_upward(const std::vector<double>& series, int reference, double min_spread,
                         double slack = 0.5, double limit = 4.0);

}  // namespace mgate::stats
