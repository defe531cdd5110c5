#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "core/statistics.hpp"

// The timing half of the plans gate: latency samples of one query before and after the gated
// migrations, and the decision whether the difference is a regression.
namespace mgate {

struct TimingSummary {
  int runs = 0;
  double median_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
};

TimingSummary summarise(const std::vector<double>& samples_ms);

// A difference is significant when the one-sided Mann-Whitney test gives p below this: a
// regression this strong appears by chance in one comparison of a hundred identical ones.
constexpr double kSignificance = 0.01;

struct TimingVerdict {
  TimingSummary before;
  TimingSummary after;
  stats::MannWhitney test;  // after against before
  double median_ratio = 1;  // after median / before median
  bool significant = false;
  bool above_threshold = false;
  bool regression = false;  // significant and above the threshold
};

// `threshold` is [plans] regression_threshold: 0.20 means the median must grow by more than 20%.
TimingVerdict judge_timing(const std::vector<double>& before_ms,
                           const std::vector<double>& after_ms, double threshold);

nlohmann::json to_json(const TimingSummary& summary);
nlohmann::json to_json(const TimingVerdict& verdict);

}  // namespace mgate
