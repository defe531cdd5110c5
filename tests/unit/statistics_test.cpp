// The statistics of the plans gate against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/statistics.hpp"

namespace mgate::stats {
namespace {

TEST(Quantile, InterpolatesBetweenOrderStatistics) {
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({5, 1, 3}), 3);
  // (n - 1) * q = 3 * 0.95 = 2.85: 85% of the way from the 3rd value (3) to the 4th (4).
  EXPECT_DOUBLE_EQ(quantile({1, 2, 3, 4}, 0.95), 3.85);
  EXPECT_DOUBLE_EQ(quantile({1, 2, 3, 4}, 0), 1);
  EXPECT_DOUBLE_EQ(quantile({1, 2, 3, 4}, 1), 4);
  EXPECT_DOUBLE_EQ(quantile({}, 0.5), 0);
}

TEST(MannWhitney, CompletelySeparatedSamples) {
  // No value of a exceeds one of b: U = 0. Mean n_a n_b / 2 = 4.5, variance 3*3*7/12 = 5.25.
  MannWhitney r = mann_whitney({1, 2, 3}, {4, 5, 6});
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.z, -4.5 / std::sqrt(5.25), 1e-12);
  EXPECT_DOUBLE_EQ(r.superiority, 0);
  // With the continuity correction |U - mean| - 0.5 = 4: p = erfc(4 / sqrt(5.25) / sqrt 2).
  EXPECT_NEAR(r.p_two_sided, 0.080856, 1e-6);
  EXPECT_NEAR(r.p_greater, 0.985452, 1e-6);
  // The reverse comparison: U = 9, a always larger.
  MannWhitney reverse = mann_whitney({4, 5, 6}, {1, 2, 3});
  EXPECT_DOUBLE_EQ(reverse.u, 9);
  EXPECT_DOUBLE_EQ(reverse.superiority, 1);
  // One-sided with the continuity correction: P(Z >= (9 - 4.5 - 0.5) / sqrt(5.25)).
  EXPECT_NEAR(reverse.p_greater, 0.080856 / 2, 1e-6);
}

TEST(MannWhitney, TextbookExampleWithoutTies) {
  // Pairs where a wins: 19 beats 3, 22 beats 4, 16 beats 2, 29 and 24 beat all 4: U = 17
  // (and 3 for b). The exact critical value for n = 5, 4 at 5% two-sided is 1: not significant.
  MannWhitney r = mann_whitney({19, 22, 16, 29, 24}, {20, 11, 17, 12});
  EXPECT_DOUBLE_EQ(r.u, 17);
  EXPECT_NEAR(r.z, 7 / std::sqrt(20 * 10.0 / 12), 1e-12);
  EXPECT_GT(r.p_two_sided, 0.05);
  EXPECT_NEAR(r.p_two_sided, 0.111347, 1e-6);
  EXPECT_NEAR(r.superiority, 17.0 / 20, 1e-12);
}

TEST(MannWhitney, TiesShareRanksAndShrinkTheVariance) {
  // Pooled ranks: 1 -> 1; the three 2s -> 3; the two 3s -> 5.5; 4 -> 7; 5 -> 8.
  // R_a = 1 + 3 + 3 + 5.5 = 12.5, U = 12.5 - 4*5/2 = 2.5 (pairs: 0 + 0.5 + 0.5 + 1.5).
  // Variance 4*4/12 * (9 - (24 + 6) / (8 * 7)) = 11.2857...
  MannWhitney r = mann_whitney({1, 2, 2, 3}, {2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(r.u, 2.5);
  const double variance = 16.0 / 12 * (9 - 30.0 / 56);
  EXPECT_NEAR(r.z, (2.5 - 8) / std::sqrt(variance), 1e-12);
  EXPECT_NEAR(r.p_two_sided, std::erfc(5.0 / std::sqrt(variance) / std::sqrt(2.0)), 1e-12);
}

TEST(MannWhitney, IdenticalSamplesGiveNoEvidence) {
  MannWhitney r = mann_whitney({3, 3, 3}, {3, 3, 3});
  EXPECT_DOUBLE_EQ(r.u, 4.5);
  EXPECT_DOUBLE_EQ(r.p_two_sided, 1);
  EXPECT_DOUBLE_EQ(r.p_greater, 1);
  EXPECT_DOUBLE_EQ(r.superiority, 0.5);
}

TEST(Cusum, FindsASlowUpwardDriftAndWhereItBegan) {
  // Reference: the first five, mean 1.0, standard deviation 0.0158 -> the floor 0.02.
  // Standardised minus the slack 0.5: S = 0, 0.5, 0, 0, 0, 1.0, 3.5, 7.5 -> alarm at index 7;
  // the statistic last left zero after index 4.
  std::vector<double> series = {1.0, 1.02, 0.98, 1.01, 0.99, 1.03, 1.06, 1.09, 1.12, 1.15};
  ChangePoint c = cusum_upward(series, 5, 0.02);
  EXPECT_TRUE(c.detected);
  EXPECT_EQ(c.at, 5);
  EXPECT_NEAR(c.shift, (1.03 + 1.06 + 1.09 + 1.12 + 1.15) / 5 - 1.0, 1e-12);
}

TEST(Cusum, NoiseAroundAFlatLevelRaisesNoAlarm) {
  std::vector<double> series = {1.0, 1.02, 0.98, 1.01, 0.99, 1.01, 0.98, 1.02, 1.0, 0.99};
  ChangePoint c = cusum_upward(series, 5, 0.02);
  EXPECT_FALSE(c.detected);
  EXPECT_LT(c.peak, 4);
}

TEST(Cusum, TooShortASeriesIsNotTested) {
  EXPECT_FALSE(cusum_upward({1, 5, 9}, 3, 0.02).detected);
}

}  // namespace
}  // namespace mgate::stats
