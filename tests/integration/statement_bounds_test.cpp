// Every statement a migration runs, and every step that runs code a migration planted, is bounded
// by postgres.statement_timeout even when the migration turns the setting off or catches the
// cancellation: each gate reports it and goes on. Assertions are on findings, never on
// durations; a hang would show as the test's own time limit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "integration/postgres.hpp"
#include "sql/parsed_set.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr const char* kSleepWithoutTimeout =
    "SET statement_timeout = 0;\nSELECT pg_sleep(100000);\n";

// Catches every cancellation, the server's and the client's: only terminating the backend ends
// it.
const std::string kIgnoreCancellation = R"sql(  LOOP
    BEGIN
      PERFORM pg_sleep(0.05);
    EXCEPTION WHEN query_canceled THEN
      NULL;
    END;
  END LOOP;
)sql";

const std::string kCancelSwallowingLoop = "DO $$\nBEGIN\n" + kIgnoreCancellation + "END $$;\n";

// A function that turns the timeout off for the rest of its session, then loops the same way.
std::string stalling_function(const std::string& name, const std::string& returns) {
  return "CREATE FUNCTION public." + name + "() RETURNS " + returns +
         " LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM set_config('statement_timeout', '0', "
         "false);\n" +
         kIgnoreCancellation + "END $$;\n";
}

// ... called by a trigger on every row written to accounts.
const std::string kPlantedLoop =
    "CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text);\n" +
    stalling_function("stall", "trigger") +
    "CREATE TRIGGER accounts_stall BEFORE INSERT ON public.accounts\n"
    "  FOR EACH ROW EXECUTE FUNCTION public.stall();\n";

class StatementBounds : public PostgresSuite {
 protected:
  static Config bounded(const TempDir& repo) {
    Config config = default_config();
    config.root = repo.path();
    config.postgres.statement_timeout = std::chrono::seconds(1);
    config.fixtures.rows = 10;
    config.traffic.clients = 1;
    config.plans.runs = 2;
    config.plans.warmup = 0;
    config.plans.baseline = "no-baseline.json";
    return config;
  }

  static Report run(const TempDir& repo, const std::string& gate, std::size_t base = 0,
                    const Config* with = nullptr) {
    Config config = with ? *with : bounded(repo);
    MigrationSet set = discover(config.root, config.root / "db");
    for (std::size_t i = 0; i < base; ++i) set.migrations.at(i).gated = false;
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = {gate};
    options.dynamic = true;
    options.postgres = &server();
    return run_pipeline(config, set, parsed, options);
  }

  // Runs `gate` where the base migration plants kPlantedLoop and the gated one gets fixture rows
  // first.
  static Report run_on_planted_loop(const std::string& gate) {
    TempDir planted;
    planted.write("db/001_planted.sql", kPlantedLoop);
    planted.write("db/002_more.sql", "ALTER TABLE public.accounts ADD COLUMN note text;\n");
    return run(planted, gate, 1);
  }

  static std::string messages(const Report& report) {
    std::string out;
    for (const GateResult& g : report.gates) {
      if (!g.skip_reason.empty()) out += g.gate + " skipped: " + g.skip_reason + "\n";
      out += g.metrics.dump() + "\n";
    }
    for (const Finding* f : report.findings()) out += f->rule + ": " + f->message + "\n";
    return out;
  }

  // No backend is left at work in a database of the gates: what was terminated is gone.
  static void expect_no_sessions_left(const std::string& prefix = "mgate_") {
    EXPECT_THAT(query("postgres", "SELECT pid FROM pg_stat_activity WHERE datname LIKE '" + prefix +
                                      "%' AND datname <> '" + server().base() + "'"),
                ::testing::IsEmpty());
  }
};

TEST_F(StatementBounds, ForwardSleepWithoutTimeout) {
  TempDir repo;
  repo.write("db/001_sleep.sql", kSleepWithoutTimeout);
  Report report = run(repo, "forward");
  auto timeout = findings_of(report, "forward-timeout");
  ASSERT_THAT(timeout, SizeIs(1)) << messages(report);
  EXPECT_EQ(position_of(*timeout[0]), "db/001_sleep.sql:2:1");
  expect_no_sessions_left();
}

TEST_F(StatementBounds, ForwardCancelSwallowingLoopIsTerminated) {
  TempDir repo;
  repo.write("db/001_loop.sql", kCancelSwallowingLoop);
  repo.write("db/002_after.sql", "CREATE TABLE after_the_loop (id int);\n");
  Report report = run(repo, "forward");
  auto timeout = findings_of(report, "forward-timeout");
  ASSERT_THAT(timeout, SizeIs(1)) << messages(report);
  EXPECT_THAT(timeout[0]->evidence["message"].get<std::string>(),
              HasSubstr("mgate terminated its backend"));
  EXPECT_EQ(report.gates.at(0).metrics["applied"], 0);
  expect_no_sessions_left();
}

TEST_F(StatementBounds, RollbackDownSleepWithoutTimeout) {
  TempDir repo;
  repo.write("db/001_t.up.sql", "CREATE TABLE t (id int);\n");
  repo.write("db/001_t.down.sql", std::string(kSleepWithoutTimeout) + "DROP TABLE t;\n");
  repo.write("db/002_u.up.sql", "CREATE TABLE u (id int);\n");
  repo.write("db/002_u.down.sql", kCancelSwallowingLoop);
  Report report = run(repo, "rollback");
  auto failed = findings_of(report, "rollback-down-failed");
  ASSERT_THAT(failed, SizeIs(2)) << messages(report);
  for (const Finding* f : failed) EXPECT_EQ(f->evidence["sqlstate"], "57014");
  EXPECT_EQ(report.gates.at(0).metrics["checked"], 2);
}

TEST_F(StatementBounds, IntegritySleepWithoutTimeoutAndAPlantedLoop) {
  TempDir repo;
  repo.write("db/001_t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
  repo.write("db/002_sleep.sql", kSleepWithoutTimeout);
  Report report = run(repo, "integrity");
  auto failed = findings_of(report, "integrity-fails-on-data");
  ASSERT_THAT(failed, SizeIs(1)) << messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "57014");

  Report stalled = run_on_planted_loop("integrity");
  auto timeout = findings_of(stalled, "integrity-timeout");
  ASSERT_THAT(timeout, SizeIs(1)) << messages(stalled);
  EXPECT_EQ(timeout[0]->migration, "002");
  EXPECT_THAT(timeout[0]->message, HasSubstr("loading the fixture rows did not end"));
  expect_no_sessions_left();
}

TEST_F(StatementBounds, LocksSleepWithoutTimeoutAndAPlantedLoop) {
  TempDir repo;
  repo.write("db/001_t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
  repo.write("db/002_sleep.sql",
             "LOCK TABLE t IN ACCESS EXCLUSIVE MODE;\n" + std::string(kSleepWithoutTimeout));
  Report report = run(repo, "locks");
  EXPECT_EQ(report.gates.at(0).metrics["stopped_at"], "002") << messages(report);

  Report stalled = run_on_planted_loop("locks");
  auto timeout = findings_of(stalled, "locks-timeout");
  ASSERT_THAT(timeout, SizeIs(1)) << messages(stalled);
  EXPECT_EQ(timeout[0]->migration, "002");
  expect_no_sessions_left();
}

// A critical query calling a function that turned the timeout off for its session (and, for the
// role, as its default) and catches cancellations.
TEST_F(StatementBounds, PlansCriticalQueryThatIgnoresCancellation) {
  TempDir repo;
  repo.write("db/001_t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
  repo.write("db/002_stall.sql", "ALTER ROLE CURRENT_USER SET statement_timeout = 0;\n" +
                                     stalling_function("stall", "int"));
  repo.write("queries.sql", "-- name: stalled\nSELECT public.stall();\n");
  Config config = bounded(repo);
  config.plans.queries = "queries.sql";
  Report report = run(repo, "plans", 1, &config);
  auto timeout = findings_of(report, "plans-timeout");
  ASSERT_THAT(timeout, SizeIs(1)) << messages(report);
  EXPECT_EQ(position_of(*timeout[0]), "queries.sql:1:1");
  EXPECT_THAT(timeout[0]->message, HasSubstr("critical query stalled did not end"));
  query("postgres",
        "DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles "
        "WHERE rolname LIKE 'mgate%' LOOP EXECUTE format('ALTER ROLE %I RESET "
        "statement_timeout', r); END LOOP; END $$");
  expect_no_sessions_left();
}

}  // namespace
}  // namespace mgate::testing
