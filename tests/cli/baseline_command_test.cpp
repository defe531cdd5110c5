// `mgate baseline` and the comparison `mgate check` makes with the file it writes, run as a
// user runs them, on the fixtures/plans shop schema (real PostgreSQL, local provider).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

void copy_migrations(const TempDir& dir, const std::string& folder) {
  for (const auto& entry :
       std::filesystem::directory_iterator(MGATE_SOURCE_DIR "/fixtures/plans/" + folder)) {
    dir.write("db/" + entry.path().filename().string(), read_file(entry.path()));
  }
}

TEST(BaselineCommand, RecordsTheQueriesAndCheckReportsAChangedPlan) {
  TempDir dir;
  dir.write("mgate.toml",
            "[migrations]\ndir = \"db\"\n\n[plans]\nqueries = \"queries.sql\"\nruns = 8\n"
            "warmup = 1\nbaseline = \"perf/baseline.json\"\nhistory = 2\n");
  dir.write("queries.sql", read_file(MGATE_SOURCE_DIR "/fixtures/plans/queries.sql"));
  std::filesystem::create_directories(dir.path() / "perf");
  copy_migrations(dir, "unrelated");

  RunResult r = run_mgate({"baseline", "--format", "json"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.err, HasSubstr("mgate: recorded 2 critical queries into perf/baseline.json"));
  auto baseline = nlohmann::json::parse(read_file(dir.path() / "perf/baseline.json"));
  EXPECT_EQ(baseline["schema"], "mgate-baseline/1");
  EXPECT_EQ(baseline["commit"], "");  // not a git work tree
  // The server's version, whichever major the machine has (15 in CI, 17 in scripts/test-pg17.sh).
  EXPECT_THAT(baseline["postgres"].get<std::string>(),
              ::testing::MatchesRegex("[0-9]+\\.[0-9]+.*"));
  EXPECT_THAT(baseline["machine_class"].get<std::string>(), HasSubstr(" cores, "));
  EXPECT_EQ(baseline["fixtures"], nlohmann::json({{"rows", 1000}, {"random_seed", 42}}));
  const auto& history = baseline["queries"]["order_history"];
  EXPECT_THAT(history["shape"].get<std::string>(), HasSubstr("using orders_customer_id_idx"));
  EXPECT_THAT(history["samples_ms"], SizeIs(8));
  EXPECT_GT(history["buffers"]["total"].get<long long>(), 0);
  EXPECT_THAT(baseline["history"], SizeIs(1));

  // Recorded again: the history grows, up to [plans] history.
  for (int i = 0; i < 2; ++i) {
    r = run_mgate({"baseline", "--format", "json"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  baseline = nlohmann::json::parse(read_file(dir.path() / "perf/baseline.json"));
  EXPECT_THAT(baseline["history"], SizeIs(2));

  // The same schema checks clean against it; the index dropped changes the plan.
  r = run_mgate({"check", "--gates", "plans", "--format", "json"}, dir.path());
  auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["gates"][0]["metrics"]["baseline"]["compared"].get<bool>()) << r.out;
  for (const auto& f : report["findings"]) {
    EXPECT_NE(f["rule"], "plans-baseline-plan-changed") << f.dump();
    EXPECT_NE(f["rule"], "plans-baseline-buffers-changed") << f.dump();
  }
  std::filesystem::remove(dir.path() / "db/002_create_audit_log.up.sql");
  std::filesystem::remove(dir.path() / "db/002_create_audit_log.down.sql");
  copy_migrations(dir, "index_drop");
  r = run_mgate({"check", "--gates", "plans", "--color", "never"}, dir.path());
  EXPECT_THAT(r.out, HasSubstr("queries.sql:3:1: warning: the plan of critical query "
                               "order_history differs from the committed baseline"))
      << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("| plan after"));
}

TEST(BaselineCommand, WithoutCriticalQueriesThereIsNothingToRecord) {
  TempDir dir;
  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\n");
  copy_migrations(dir, "unrelated");
  RunResult r = run_mgate({"baseline"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("nothing to record: set [plans] queries"));
}

TEST(BaselineCommand, AFileThatIsNoBaselineIsAnInputError) {
  TempDir dir;
  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\n[plans]\nqueries = \"queries.sql\"\n");
  dir.write("queries.sql", read_file(MGATE_SOURCE_DIR "/fixtures/plans/queries.sql"));
  dir.write("mgate-baseline.json", "{\"something\": \"else\"}\n");
  copy_migrations(dir, "unrelated");
  RunResult r = run_mgate({"check", "--gates", "plans"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("mgate-baseline.json is not an mgate baseline"));
}

TEST(BaselineCommand, AppearsInHelp) {
  RunResult r = run_mgate({"--help"});
  EXPECT_THAT(r.out, HasSubstr("baseline"));
  r = run_mgate({"baseline", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--since", "--provider", "--database-url", "--output"}) {
    EXPECT_THAT(r.out, HasSubstr(option));
  }
}

}  // namespace
}  // namespace mgate::testing
