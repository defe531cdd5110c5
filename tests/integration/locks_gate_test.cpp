// The locks gate on real PostgreSQL: the trace of each statement on generated fixture rows
// (fixtures/dynamic/README.md lists the fixtures). Assertions are on locks and rewrites, never
// on durations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "integration/postgres.hpp"
#include "sql/parsed_set.hpp"

namespace mgate::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class LocksGate : public PostgresSuite {
 protected:
  static Report locks(const std::string& folder, const Config& config = default_config()) {
    MigrationSet set = discover(config.root, config.root / ("fixtures/dynamic/" + folder));
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = {"locks"};
    options.dynamic = true;
    options.postgres = &server();
    return run_pipeline(config, set, parsed, options);
  }
};

std::string all_messages(const Report& report) {
  std::string out;
  for (const Finding* f : report.findings())
    out += f->migration + " " + f->rule + ": " + f->message + "\n";
  return out;
}

std::vector<const Finding*> of(const Report& report, const std::string& rule,
                               const std::string& migration) {
  std::vector<const Finding*> out;
  for (const Finding* f : findings_of(report, rule)) {
    if (f->migration == migration) out.push_back(f);
  }
  return out;
}

TEST_F(LocksGate, NonConcurrentIndexTakesShareLockWithoutTimeout) {
  Report report = locks("locks_trace");
  const nlohmann::json& trace = report.gates.at(0).metrics["migrations"]["002"];
  ASSERT_THAT(trace, SizeIs(1)) << report.gates.at(0).metrics.dump();
  nlohmann::json share = {{"relation", "public.accounts"},
                          {"mode", "SHARE"},
                          {"blocks", "every INSERT, UPDATE and DELETE (reads go on)"}};
  EXPECT_THAT(trace[0]["locks"], Contains(share)) << trace.dump();
  EXPECT_THAT(trace[0]["rewritten"], IsEmpty());
  EXPECT_THAT(of(report, "locks-no-lock-timeout", "002"), SizeIs(1)) << all_messages(report);
}

TEST_F(LocksGate, VolatileDefaultRewritesTheTableAndConfirmsTheStaticRule) {
  Report report = locks("locks_trace");
  auto rewrite = of(report, "locks-table-rewrite", "003");
  ASSERT_THAT(rewrite, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(rewrite[0]->evidence["confirms"], "volatile-default");
  EXPECT_THAT(rewrite[0]->evidence["rewritten"], Contains("public.accounts"));
}

TEST_F(LocksGate, VarcharToTextRewritesNothingAndIsCleared) {
  Report report = locks("locks_trace");
  EXPECT_THAT(of(report, "locks-table-rewrite", "004"), IsEmpty()) << all_messages(report);
  EXPECT_THAT(of(report, "locks-no-lock-timeout", "004"), IsEmpty()) << all_messages(report);
  auto safe = of(report, "locks-type-change-safe", "004");
  ASSERT_THAT(safe, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(safe[0]->evidence["clears"], "change-column-type");
  EXPECT_EQ(safe[0]->evidence["lock_timeout_ms"], 2000);
}

TEST_F(LocksGate, StrongLockHeldAcrossLaterStatementsIsReported) {
  Config config = default_config();
  config.traffic.blocked_threshold = std::chrono::milliseconds(0);
  Report report = locks("locks_trace", config);
  // In 004 the type change is the last statement: nothing runs after it but the commit.
  EXPECT_THAT(of(report, "locks-held-across-statements", "004"), IsEmpty()) << all_messages(report);
  // In 005 the index's SHARE lock stays held while the UPDATE runs.
  auto held = of(report, "locks-held-across-statements", "005");
  ASSERT_THAT(held, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(held[0]->message, HasSubstr("SHARE on public.accounts"));
  EXPECT_TRUE(held[0]->evidence.contains("held_ms"));
}

TEST_F(LocksGate, MigrationWithLockTimeoutHasNoFindings) {
  Report report = locks("locks_clean");
  EXPECT_THAT(report.findings(), IsEmpty()) << all_messages(report);
  const nlohmann::json& trace = report.gates.at(0).metrics["migrations"]["002"];
  ASSERT_THAT(trace, SizeIs(2));
  EXPECT_EQ(trace[1]["locks"][0]["mode"], "ACCESS EXCLUSIVE");
}

}  // namespace
}  // namespace mgate::testing
