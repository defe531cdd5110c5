#include "core/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mgate::stats {

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  double at = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  auto low = static_cast<std::size_t>(std::floor(at));
  std::size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (at - static_cast<double>(low)) * (values[high] - values[low]);
}

double median(std::vector<double> values) {
  return quantile(std::move(values), 0.5);
}

MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
  MannWhitney result;
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  if (a.empty() || b.empty()) return result;
  // Rank the pooled sample; tied values share the mean of their ranks.
  std::vector<std::pair<double, bool>> pooled;  // value, from a
  for (double v : a) pooled.emplace_back(v, true);
  for (double v : b) pooled.emplace_back(v, false);
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  double rank_sum_a = 0;
  double tie_term = 0;  // sum of t^3 - t over groups of t tied values
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) rank_sum_a += rank;
    }
    tie_term += t * t * t - t;
    i = j;
  }
  const double n = na + nb;
  result.u = rank_sum_a - na * (na + 1) / 2;
  result.superiority = result.u / (na * nb);
  const double mean = na * nb / 2;
  const double variance = na * nb / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return result;  // every value equal: no evidence either way
  const double sd = std::sqrt(variance);
  const double diff = result.u - mean;
  result.z = diff / sd;
  const double z_two = std::max(0.0, std::fabs(diff) - 0.5) / sd;
  result.p_two_sided = std::min(1.0, std::erfc(z_two / std::sqrt(2.0)));
  result.p_greater = 0.5 * std::erfc(((diff - 0.5) / sd) / std::sqrt(2.0));
  return result;
}

ChangePoint cusum_upward(const std::vector<double>& series, int reference, double min_spread,
                         double slack, double limit) {
  ChangePoint result;
  if (reference < 2 || static_cast<int>(series.size()) <= reference) return result;
  const auto ref_end = series.begin() + reference;
  const double mean = std::accumulate(series.begin(), ref_end, 0.0) / reference;
  double squares = 0;
  for (auto it = series.begin(); it != ref_end; ++it) squares += (*it - mean) * (*it - mean);
  const double spread = std::max(std::sqrt(squares / (reference - 1)), min_spread);
  if (spread <= 0) return result;
  double s = 0;
  int rise = 0;  // where the statistic last left zero: where the shift began
  for (std::size_t i = 0; i < series.size(); ++i) {
    s = std::max(0.0, s + (series[i] - mean) / spread - slack);
    if (s == 0) rise = static_cast<int>(i) + 1;
    result.peak = std::max(result.peak, s);
    if (s > limit && !result.detected) {
      result.detected = true;
      result.at = rise;
    }
  }
  if (result.detected) {
    double sum = 0;
    for (std::size_t i = result.at; i < series.size(); ++i) sum += series[i];
    result.shift = sum / static_cast<double>(series.size() - result.at) - mean;
  }
  return result;
}

}  // namespace mgate::stats
