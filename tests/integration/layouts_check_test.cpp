// Every layout's fixture read and run the way its tool runs it: naming and forward on a real
// server find nothing the tool would not have, and what the tool refuses is a finding.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "integration/postgres.hpp"
#include "sql/parsed_set.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class Layouts : public PostgresSuite {
 protected:
  static Report run(const Config& config, const std::string& dir, std::vector<std::string> gates,
                    DiscoverOptions options = {}) {
    MigrationSet set = discover(config.root, config.root / dir, options);
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions pipeline;
    pipeline.gates = std::move(gates);
    pipeline.dynamic = true;
    pipeline.postgres = &server();
    return run_pipeline(config, set, parsed, pipeline);
  }

  static std::string messages(const Report& report) {
    std::string all;
    for (const Finding* f : report.findings())
      all += position_of(*f) + " " + f->rule + ": " + f->message + "\n";
    return all;
  }

  static const GateResult& gate(const Report& report, const std::string& name) {
    for (const GateResult& g : report.gates)
      if (g.gate == name) return g;
    throw std::runtime_error("no gate " + name);
  }
};

TEST_F(Layouts, EveryFixturePassesNamingAndForward) {
  for (const char* layout : {"plain", "golang-migrate", "flyway", "dbmate", "diesel", "goose",
                             "prisma", "liquibase", "sqlx", "atlas", "pop", "sql-migrate"}) {
    Report report =
        run(default_config(), std::string("fixtures/layouts/") + layout, {"naming", "forward"});
    EXPECT_TRUE(report.summary().passed) << layout << "\n" << messages(report);
    EXPECT_THAT(report.findings(), IsEmpty()) << layout << "\n" << messages(report);
    EXPECT_EQ(gate(report, "forward").metrics["applied"], report.migrations.size()) << layout;
  }
}

// The canonical golang-migrate index: a file holding only CREATE INDEX CONCURRENTLY.
TEST_F(Layouts, GolangMigratesLoneConcurrentIndexPassesLintAndCheck) {
  Report report = run(default_config(), "fixtures/layouts/golang-migrate",
                      {"naming", "lint", "forward", "rollback"});
  for (const char* rule : {"concurrently-in-transaction", "undeclared-non-transactional"})
    EXPECT_THAT(findings_of(report, rule), IsEmpty()) << rule;
  for (const char* name : {"naming", "forward", "rollback"})
    EXPECT_EQ(gate(report, name).status, GateStatus::pass) << name << "\n" << messages(report);
  EXPECT_EQ(gate(report, "rollback").metrics["checked"], 4);
}

// Pop: the index is built in a popx .autocommit. file, outside a transaction; the MySQL and
// SQLite files beside PostgreSQL's are not read.
TEST_F(Layouts, PopsAutocommitIndexPassesLintAndCheck) {
  Report report =
      run(default_config(), "fixtures/layouts/pop", {"naming", "lint", "forward", "rollback"});
  for (const char* rule : {"concurrently-in-transaction", "undeclared-non-transactional"})
    EXPECT_THAT(findings_of(report, rule), IsEmpty()) << rule;
  for (const char* name : {"naming", "forward", "rollback"})
    EXPECT_EQ(gate(report, name).status, GateStatus::pass) << name << "\n" << messages(report);
  EXPECT_EQ(gate(report, "rollback").metrics["checked"], 3);
}

TEST_F(Layouts, AStatementAfterTheConcurrentIndexMakesGolangMigrateFail) {
  TempDir repo;
  repo.write("m/1_t.up.sql", "CREATE TABLE t (a int);\n");
  repo.write("m/2_i.up.sql", "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = run(config, "m", {"forward"});
  auto refused = findings_of(report, "undeclared-non-transactional");
  ASSERT_THAT(refused, SizeIs(1)) << messages(report);
  EXPECT_EQ(position_of(*refused[0]), "m/2_i.up.sql:2:1");
  EXPECT_THAT(refused[0]->message, HasSubstr("golang-migrate sends the script as one query, and "
                                             "PostgreSQL runs its 2 statements in one implicit "
                                             "transaction"));
  EXPECT_THAT(refused[0]->help, HasSubstr("put the statement alone in a migration file"));
}

// With the lint gate too, the statement gets one verdict: the static finding, which the forward
// gate's joins, and the forward gate still fails on it.
TEST_F(Layouts, TheRefusalJoinsTheStaticFindingOfTheStatement) {
  TempDir repo;
  repo.write("m/1_t.up.sql", "CREATE TABLE t (a int);\n");
  repo.write("m/2_i.up.sql", "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = run(config, "m", {"lint", "forward"});
  ASSERT_THAT(report.findings(), SizeIs(1)) << messages(report);
  const Finding& only = *report.findings()[0];
  EXPECT_EQ(only.rule, "concurrently-in-transaction");
  EXPECT_EQ(position_of(only), "m/2_i.up.sql:2:1");
  EXPECT_THAT(only.folded, ElementsAre("undeclared-non-transactional"));
  EXPECT_EQ(gate(report, "forward").status, GateStatus::fail);
}

TEST_F(Layouts, APlainMigrationSaysHowToConfigureItsRunner) {
  TempDir repo;
  repo.write("db/001_t.sql", "CREATE TABLE t (a int);\n");
  repo.write("db/002_i.sql", "CREATE INDEX CONCURRENTLY t_a ON t (a);\n");
  Config config = default_config();
  config.root = repo.path();
  Report per_migration = run(config, "db", {"forward"});
  auto refused = findings_of(per_migration, "undeclared-non-transactional");
  ASSERT_THAT(refused, SizeIs(1));
  EXPECT_THAT(refused[0]->help, HasSubstr("[migrations] transaction = \"per-statement\""));

  DiscoverOptions psql_f;
  psql_f.transaction = Transaction::statement;
  Report report = run(config, "db", {"forward"}, psql_f);
  EXPECT_THAT(report.findings(), IsEmpty()) << messages(report);
}

// Flyway runs a migration it recognizes as non-transactional outside a transaction, and refuses
// one that mixes both kinds.
TEST_F(Layouts, FlywayRefusesAMixedMigration) {
  TempDir repo;
  repo.write("sql/V1__t.sql", "CREATE TABLE t (a int);\n");
  repo.write("sql/V2__i.sql", "CREATE TABLE u (a int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = run(config, "sql", {"forward"});
  auto refused = findings_of(report, "undeclared-non-transactional");
  ASSERT_THAT(refused, SizeIs(1));
  EXPECT_EQ(position_of(*refused[0]), "sql/V2__i.sql:2:1");
  EXPECT_THAT(refused[0]->message, HasSubstr("Flyway refuses the up migration 2: it mixes"));
  EXPECT_THAT(refused[0]->help, HasSubstr("add a script configuration file V2__i.sql.conf holding "
                                          "executeInTransaction=false"));
}

TEST_F(Layouts, AFailureAfterAGoMigrationIsAWarningThatNamesIt) {
  TempDir repo;
  repo.write("db/00001_t.sql", "-- +goose Up\nCREATE TABLE t (a int);\n");
  repo.write("db/00002_seed.go", "package migrations\n");
  repo.write("db/00003_u.sql", "-- +goose Up\nALTER TABLE made_in_go ADD COLUMN b int;\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = run(config, "db", {"naming", "forward"});
  EXPECT_TRUE(report.summary().passed) << messages(report);
  auto after = findings_of(report, "forward-depends-on-unchecked");
  ASSERT_THAT(after, SizeIs(1)) << messages(report);
  EXPECT_EQ(after[0]->level, Level::warning);
  EXPECT_THAT(after[0]->message,
              HasSubstr("migration 00002 before it is a goose Go migration, which mgate cannot "
                        "run"));
  EXPECT_THAT(findings_of(report, "unchecked-migration"), SizeIs(1));
}

TEST_F(Layouts, AForwardOnlyHistoryHasNothingForTheRollbackGate) {
  Report prisma = run(default_config(), "fixtures/layouts/prisma", {"forward", "rollback"});
  const GateResult& rollback = gate(prisma, "rollback");
  EXPECT_EQ(rollback.status, GateStatus::skip);
  EXPECT_EQ(rollback.skip_reason,
            "nothing to check: Prisma Migrate migrations have no down scripts");
  EXPECT_THAT(prisma.findings(), IsEmpty()) << messages(prisma);

  Report atlas = run(default_config(), "fixtures/layouts/atlas", {"rollback"});
  EXPECT_EQ(gate(atlas, "rollback").status, GateStatus::skip);

  // One undo among Flyway migrations: the others miss theirs, but a repeatable never has one.
  Report flyway = run(default_config(), "fixtures/layouts/flyway", {"rollback"});
  auto missing = findings_of(flyway, "rollback-missing-down");
  EXPECT_THAT(missing, SizeIs(4)) << messages(flyway);
  for (const Finding* f : missing) EXPECT_NE(f->migration, "users_view");

  TempDir repo;
  repo.write("db/001_t.sql", "CREATE TABLE t (a int);\n");
  repo.write("db/002_u.sql", "CREATE TABLE u (a int);\n");
  Config config = default_config();
  config.root = repo.path();
  Report plain = run(config, "db", {"rollback"});
  EXPECT_EQ(gate(plain, "rollback").skip_reason,
            "nothing to check: none of the 2 gated migrations has a down migration (a "
            "forward-only history)");
  EXPECT_THAT(plain.findings(), IsEmpty());
}

}  // namespace
}  // namespace mgate::testing
