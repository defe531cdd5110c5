// `mgate check --gates plans` as a user runs it: the text, Markdown and JSON reports summarise
// the plans gate (fixtures/plans/over_budget.toml: one query with a budget nothing can meet).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kCheck = {"check",    "fixtures/plans/unrelated",
                                         "--config", "fixtures/plans/over_budget.toml",
                                         "--gates",  "plans"};

std::vector<std::string> with(std::vector<std::string> args, const std::string& format) {
  args.insert(args.end(), {"--format", format, "--color", "never"});
  return args;
}

TEST(PlansCheck, TextReportSummarisesTheGate) {
  RunResult r = run_mgate(with(kCheck, "text"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("queries_over_budget.sql:3:1: error: critical query customer_by_id "
                               "takes a median of"));
  EXPECT_THAT(r.out, HasSubstr("1 critical query, 8 interleaved runs each: 0 plan changed, 0 "
                               "slower, 1 over budget, 0 failing"));
}

TEST(PlansCheck, MarkdownReportSummarisesTheGate) {
  RunResult r = run_mgate(with(kCheck, "markdown"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("| plans | ❌ fail |"));
  EXPECT_THAT(r.out, HasSubstr("1 critical query, 8 interleaved runs each"));
}

TEST(PlansCheck, JsonReportCarriesPlansAndStatistics) {
  RunResult r = run_mgate(with(kCheck, "json"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto report = nlohmann::json::parse(r.out);
  const auto& metrics = report["gates"][0]["metrics"];
  const auto& q = metrics["queries"]["customer_by_id"];
  EXPECT_EQ(q["budget_ms"], 0.0001);
  // Every migration is gated (no --since): the before side is the empty schema.
  EXPECT_EQ(q["before"]["sqlstate"], "42P01");
  EXPECT_THAT(q["after"]["shape"].get<std::string>(), HasSubstr("using customers_pkey"));
  EXPECT_EQ(q["after"]["timing"]["runs"], 8);
  EXPECT_EQ(q["after"]["samples_ms"].size(), 8u);
  EXPECT_GT(q["after"]["timing"]["p99_ms"].get<double>(), 0);
  EXPECT_EQ(report["findings"][0]["evidence"]["samples_after_ms"].size(), 8u);
}

}  // namespace
}  // namespace mgate::testing
