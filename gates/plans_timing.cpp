#include "gates/plans_timing.hpp"

#include <algorithm>

namespace mgate {

TimingSummary summarise(const std::vector<double>& samples) {
  TimingSummary s;
  s.runs = static_cast<int>(samples.size());
  if (samples.empty()) return s;
  s.median_ms = stats::median(samples);
  s.p95_ms = stats::quantile(samples, 0.95);
  s.p99_ms = stats::quantile(samples, 0.99);
  s.min_ms = *std::min_element(samples.begin(), samples.end());
  s.max_ms = *std::max_element(samples.begin(), samples.end());
  return s;
}

TimingVerdict judge_timing(const std::vector<double>& before, const std::vector<double>& after,
                           double threshold) {
  TimingVerdict v;
  v.before = summarise(before);
  v.after = summarise(after);
  v.test = stats::mann_whitney(after, before);
  v.median_ratio = v.before.median_ms > 0 ? v.after.median_ms / v.before.median_ms : 1;
  v.significant = v.test.p_greater < kSignificance;
  v.above_threshold = v.median_ratio > 1 + threshold;
  v.regression = v.significant && v.above_threshold;
  return v;
}

nlohmann::json to_json(const TimingSummary& s) {
  return {{"runs", s.runs},     {"median_ms", s.median_ms}, {"p95_ms", s.p95_ms},
          {"p99_ms", s.p99_ms}, {"min_ms", s.min_ms},       {"max_ms", s.max_ms}};
}

nlohmann::json to_json(const TimingVerdict& v) {
  return {{"test", "mann-whitney-u"},
          {"u", v.test.u},
          {"z", v.test.z},
          {"p_one_sided", v.test.p_greater},
          {"p_two_sided", v.test.p_two_sided},
          {"effect_size", v.test.superiority},
          {"median_ratio", v.median_ratio},
          {"significance_level", kSignificance},
          {"significant", v.significant},
          {"above_threshold", v.above_threshold},
          {"regression", v.regression}};
}

}  // namespace mgate
