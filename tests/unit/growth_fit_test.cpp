// The locks gate's projection to production size (gates/locks_projection.hpp): how a
// statement's duration grows with its table's rows, fitted on exact synthetic points.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "gates/locks_projection.hpp"

namespace mgate {
namespace {

TEST(GrowthFit, LinearPointsGiveTheirLineExactly) {
  // 5 ms + 0.001 ms per row.
  GrowthFit fit = fit_growth(GrowthModel::linear, {{1000, 6}, {2000, 7}, {4000, 9}});
  EXPECT_NEAR(fit.a_ms, 5, 1e-9);
  EXPECT_NEAR(fit.b_ms, 0.001, 1e-12);
  EXPECT_NEAR(fit.r2, 1, 1e-12);
  EXPECT_NEAR(fit.at(520'000'000), 5 + 520'000, 1e-6);
}

TEST(GrowthFit, NLogNPointsGiveTheirCurveExactly) {
  auto ms = [](double n) { return 2 + 1e-5 * n * std::log2(n); };
  GrowthFit fit = fit_growth(GrowthModel::n_log_n,
                             {{1'000'000, ms(1e6)}, {2'000'000, ms(2e6)}, {4'000'000, ms(4e6)}});
  EXPECT_NEAR(fit.a_ms, 2, 1e-6);
  EXPECT_NEAR(fit.b_ms, 1e-5, 1e-15);
  EXPECT_NEAR(fit.r2, 1, 1e-12);
  EXPECT_NEAR(fit.at(5e8), ms(5e8), 1e-3);
}

TEST(GrowthFit, NoisyPointsReportTheirR2) {
  // Over (1, 1), (2, 3), (4, 4): Sxx = 14/3, Sxy = 13/3, Syy = 14/3, so b = 13/14, a = 1/2 and
  // r2 = Sxy^2 / (Sxx Syy) = 169/196.
  GrowthFit fit = fit_growth(GrowthModel::linear, {{1, 1}, {2, 3}, {4, 4}});
  EXPECT_NEAR(fit.b_ms, 13.0 / 14, 1e-12);
  EXPECT_NEAR(fit.a_ms, 0.5, 1e-12);
  EXPECT_NEAR(fit.r2, 169.0 / 196, 1e-12);
}

TEST(GrowthFit, ShrinkingTimesAreNoGrowth) {
  GrowthFit fit = fit_growth(GrowthModel::linear, {{1000, 9}, {2000, 8}, {4000, 7}});
  EXPECT_EQ(fit.model, GrowthModel::constant);
  EXPECT_EQ(fit.b_ms, 0);
  EXPECT_NEAR(fit.a_ms, 8, 1e-12);
  EXPECT_NEAR(fit.at(1e9), 8, 1e-12);
}

TEST(GrowthFit, ModelsAreNamedForTheReport) {
  EXPECT_EQ(to_string(GrowthModel::linear), "n");
  EXPECT_EQ(to_string(GrowthModel::n_log_n), "n log n");
  EXPECT_EQ(to_string(GrowthModel::constant), "constant");
}

}  // namespace
}  // namespace mgate
