// The plans gate's decisions on fixed inputs: plan diffs of hand-built trees and timing
// verdicts on fixed samples (the integration test cannot assert timings: they are noisy).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gates/plans_diff.hpp"
#include "gates/plans_timing.hpp"

namespace mgate {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

pg::PlanNode node(std::string type, std::string relation = "", std::string index = "",
                  double cost = 1) {
  pg::PlanNode n;
  n.node_type = std::move(type);
  n.relation = std::move(relation);
  n.index = std::move(index);
  n.total_cost = cost;
  return n;
}

pg::PlanNode with(pg::PlanNode parent, std::vector<pg::PlanNode> children) {
  parent.children = std::move(children);
  return parent;
}

TEST(PlanDiff, DroppedIndexBecomesASequentialScan) {
  auto before = with(node("Limit", "", "", 8.3),
                     {node("Index Scan", "orders", "orders_customer_id_idx", 8.3)});
  auto after = with(node("Limit", "", "", 21), {node("Seq Scan", "orders", "", 21)});
  PlanDiff diff = diff_plans(before, after);
  ASSERT_EQ(diff.lost_indexes.size(), 1u);
  EXPECT_EQ(diff.lost_indexes[0].index, "orders_customer_id_idx");
  EXPECT_EQ(diff.lost_indexes[0].relation, "orders");
  EXPECT_THAT(diff.new_seq_scans, ElementsAre("orders"));
  EXPECT_TRUE(diff.shape_changed);
  EXPECT_NEAR(diff.cost_ratio(), 21 / 8.3, 1e-12);
  EXPECT_THAT(diff.removed, ElementsAre("Index Scan using orders_customer_id_idx on orders"));
  EXPECT_THAT(diff.added, ElementsAre("Seq Scan on orders"));
}

TEST(PlanDiff, AnotherIndexOnTheSameTableIsNotALoss) {
  // A Bitmap Index Scan names no table: its Bitmap Heap Scan does.
  auto before = node("Index Scan", "orders", "orders_customer_id_idx");
  auto after = with(node("Bitmap Heap Scan", "orders"),
                    {node("Bitmap Index Scan", "", "orders_customer_created_idx")});
  PlanDiff diff = diff_plans(before, after);
  EXPECT_THAT(diff.lost_indexes, IsEmpty());
  EXPECT_THAT(diff.new_seq_scans, IsEmpty());
  EXPECT_TRUE(diff.shape_changed);
}

TEST(PlanDiff, JoinMethodChangeIsAShapeChange) {
  auto before = with(node("Nested Loop"),
                     {node("Seq Scan", "customers"), node("Index Scan", "orders", "orders_pkey")});
  auto after = with(node("Hash Join"),
                    {node("Seq Scan", "customers"), node("Index Scan", "orders", "orders_pkey")});
  before.join_type = after.join_type = "Inner";
  PlanDiff diff = diff_plans(before, after);
  EXPECT_TRUE(diff.shape_changed);
  EXPECT_THAT(diff.lost_indexes, IsEmpty());
  EXPECT_THAT(diff.removed, ElementsAre("Nested Loop (Inner)"));
  EXPECT_THAT(diff.added, ElementsAre("Hash Join (Inner)"));
  EXPECT_FALSE(diff_plans(before, before).shape_changed);
}

TEST(PlanDiff, EstimatesAreComparedNodeByNodeWhenTheShapeIsTheSame) {
  auto before = with(node("Limit"), {node("Index Scan", "orders", "orders_customer_id_idx")});
  auto after = before;
  after.children[0].plan_rows = 40;
  before.children[0].plan_rows = 1;
  PlanDiff diff = diff_plans(before, after);
  EXPECT_FALSE(diff.shape_changed);
  ASSERT_EQ(diff.estimates.size(), 1u);
  EXPECT_EQ(diff.estimates[0].node, "Index Scan using orders_customer_id_idx on orders");
  EXPECT_EQ(diff.estimates[0].before, 1);
  EXPECT_EQ(diff.estimates[0].after, 40);
}

TEST(TimingVerdict, SlowerInEveryRunIsARegression) {
  std::vector<double> before = {1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.00, 1.02, 0.98};
  std::vector<double> after = {1.50, 1.52, 1.48, 1.51, 1.49, 1.53, 1.47, 1.50, 1.52, 1.48};
  TimingVerdict v = judge_timing(before, after, 0.20);
  EXPECT_DOUBLE_EQ(v.test.u, 100);  // every after run slower than every before run
  EXPECT_DOUBLE_EQ(v.test.superiority, 1);
  EXPECT_LT(v.test.p_greater, kSignificance);
  EXPECT_NEAR(v.median_ratio, 1.5, 1e-12);
  EXPECT_TRUE(v.regression);
  EXPECT_DOUBLE_EQ(v.before.median_ms, 1.00);
  EXPECT_DOUBLE_EQ(v.after.median_ms, 1.50);
}

TEST(TimingVerdict, SignificantButBelowTheThresholdIsNoRegression) {
  std::vector<double> before = {1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.00, 1.02, 0.98};
  std::vector<double> after;
  for (double b : before) after.push_back(b + 0.10);  // 10% slower, consistently
  TimingVerdict v = judge_timing(before, after, 0.20);
  EXPECT_TRUE(v.significant);
  EXPECT_FALSE(v.above_threshold);
  EXPECT_FALSE(v.regression);
}

TEST(TimingVerdict, ALargeButNoisyDifferenceIsNoRegression) {
  // Medians 1.0 and 1.5, but the samples overlap: U = 17 of 25, p one-sided about 0.2.
  std::vector<double> before = {0.5, 1.0, 2.0, 0.6, 1.8};
  std::vector<double> after = {1.5, 0.7, 2.1, 1.9, 1.2};
  TimingVerdict v = judge_timing(before, after, 0.20);
  EXPECT_TRUE(v.above_threshold);
  EXPECT_FALSE(v.significant);
  EXPECT_FALSE(v.regression);
}

TEST(TimingVerdict, SummaryOfASample) {
  std::vector<double> samples;
  for (int i = 1; i <= 100; ++i) samples.push_back(i);
  TimingSummary s = summarise(samples);
  EXPECT_EQ(s.runs, 100);
  EXPECT_DOUBLE_EQ(s.median_ms, 50.5);
  EXPECT_NEAR(s.p95_ms, 95.05, 1e-9);
  EXPECT_NEAR(s.p99_ms, 99.01, 1e-9);
  EXPECT_DOUBLE_EQ(s.min_ms, 1);
  EXPECT_DOUBLE_EQ(s.max_ms, 100);
}

}  // namespace
}  // namespace mgate
