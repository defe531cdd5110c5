// `mgate check` as a user runs it: real PostgreSQL through the local provider.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CheckCommand, CleanSetPassesAndTheReportNamesTheServer) {
  RunResult r = run_mgate(
      {"check", "fixtures/dynamic/clean", "--gates", "forward,rollback", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["postgres"]["provider"], "local");
  EXPECT_THAT(report["postgres"]["version"].get<std::string>(),
              ::testing::MatchesRegex("[0-9]+\\.[0-9]+.*"));
  ASSERT_EQ(report["gates"].size(), 2u);
  EXPECT_EQ(report["gates"][0]["name"], "forward");
  EXPECT_EQ(report["gates"][1]["name"], "rollback");
}

TEST(CheckCommand, RollbackDefectFailsTheRunWithItsLocation) {
  RunResult r = run_mgate({"check", "fixtures/dynamic/down_changes_index", "--gates",
                           "forward,rollback", "--color", "never"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("fixtures/dynamic/down_changes_index/002_unique_email.down.sql:1:1: "
                               "error: after up and down of migration 002, index "
                               "public.accounts_email_idx differs"));
}

TEST(CheckCommand, HelpListsTheServerOptions) {
  RunResult r = run_mgate({"check", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option :
       {"--provider", "--database-url", "--pg-version", "--pg-bin", "--jobs"}) {
    EXPECT_THAT(r.out, HasSubstr(option));
  }
}

TEST(CheckCommand, JobsTakesAPositiveCount) {
  RunResult two =
      run_mgate({"check", "fixtures/dynamic/clean", "--gates", "forward,rollback", "--jobs", "2"});
  EXPECT_EQ(two.exit_code, 0) << two.err << two.out;
  for (const char* bad : {"0", "x", "-1"}) {
    RunResult r = run_mgate({"check", "fixtures/dynamic/clean", "--jobs", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("--jobs")) << bad;
  }
}

TEST(CheckCommand, ExternalWithoutUrlIsAUsageError) {
  RunResult r = run_mgate(
      {"check", "fixtures/dynamic/clean", "--gates", "forward", "--provider", "external"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--database-url"));
}

TEST(CheckCommand, UnreachableServerIsExitThreeAndTheUrlPasswordIsNotShown) {
  RunResult r =
      run_mgate({"check", "fixtures/dynamic/clean", "--gates", "forward", "--database-url",
                 "postgresql://me:hunter2@localhost/db?host=/nonexistent"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err + r.out, Not(HasSubstr("hunter2")));
}

TEST(CheckCommand, WrongBinDirIsAUsageError) {
  RunResult r = run_mgate(
      {"check", "fixtures/dynamic/clean", "--gates", "forward", "--pg-bin", "/nonexistent"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

}  // namespace
}  // namespace mgate::testing
