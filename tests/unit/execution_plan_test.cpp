// The execution plan: how each layout's tool sends a script, decided once from the layout's
// rule and the statements.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/finding.hpp"
#include "core/layout.hpp"
#include "sql/execution_plan.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ExecutionPlan plan_of(const std::string& sql, Transaction transaction,
                      const std::string& layout = "plain", int pg_version = 15) {
  SourceFile file("db/001_x.sql", sql);
  sql::ParsedScript script = sql::parse_script(file);
  return sql::plan_execution(script, transaction, layout_named(layout), pg_version);
}

constexpr const char* kIndex = "CREATE INDEX CONCURRENTLY i ON t (a);\n";
constexpr const char* kTimeoutThenIndex =
    "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON t (a);\n";

TEST(ExecutionPlan, OneTransactionRefusesAConcurrentIndex) {
  ExecutionPlan plan = plan_of(kIndex, Transaction::script);
  EXPECT_TRUE(plan.in_transaction);
  EXPECT_THAT(plan.non_transactional, ElementsAre(0u));
  EXPECT_EQ(plan.refusal, Refusal::in_transaction);
  EXPECT_EQ(plan.refused_at, 0u);
  // mgate still runs it, one statement at a time, to check what comes after it.
  EXPECT_FALSE(plan.runs_in_transaction());
}

// golang-migrate and Prisma send the file as one query: a lone statement runs outside any
// transaction, several share PostgreSQL's implicit one.
TEST(ExecutionPlan, OneQueryRunsALoneStatementOutsideATransaction) {
  ExecutionPlan alone = plan_of(kIndex, Transaction::query, "golang-migrate");
  EXPECT_FALSE(alone.in_transaction);
  EXPECT_EQ(alone.refusal, Refusal::none);

  ExecutionPlan together = plan_of(kTimeoutThenIndex, Transaction::query, "golang-migrate");
  EXPECT_TRUE(together.in_transaction);
  EXPECT_EQ(together.refusal, Refusal::in_transaction);
  EXPECT_EQ(together.refused_at, 1u);
  EXPECT_EQ(together.outside_transaction, layout_named("golang-migrate").outside_transaction);
}

TEST(ExecutionPlan, StatementAtATimeRefusesNothing) {
  ExecutionPlan plan = plan_of(kTimeoutThenIndex, Transaction::statement);
  EXPECT_FALSE(plan.in_transaction);
  EXPECT_THAT(plan.non_transactional, ElementsAre(1u));
  EXPECT_EQ(plan.refusal, Refusal::none);
}

TEST(ExecutionPlan, KnowsEveryStatementPostgresRefusesInATransactionBlock) {
  for (const char* sql : {
           "CREATE INDEX CONCURRENTLY i ON t (a);",
           "CREATE UNIQUE INDEX CONCURRENTLY i ON t (a);",
           "DROP INDEX CONCURRENTLY i;",
           "REINDEX INDEX CONCURRENTLY i;",
           "REINDEX (CONCURRENTLY) TABLE t;",
           "REINDEX SCHEMA public;",
           "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;",
           "VACUUM t;",
           "CLUSTER;",
           "DISCARD ALL;",
           "ALTER SYSTEM SET work_mem = '64MB';",
           "CREATE DATABASE d;",
           "DROP DATABASE d;",
           "ALTER DATABASE d SET TABLESPACE s;",
           "CREATE TABLESPACE s LOCATION '/x';",
       }) {
    EXPECT_THAT(plan_of(sql, Transaction::statement).non_transactional, ElementsAre(0u)) << sql;
  }
  for (const char* sql :
       {"CREATE INDEX i ON t (a);", "ALTER TABLE p DETACH PARTITION c;", "REINDEX TABLE t;",
        "ANALYZE t;", "CLUSTER t USING i;", "ALTER DATABASE d SET work_mem = '1MB';",
        "DISCARD PLANS;", "ALTER TYPE e ADD VALUE 'x';"}) {
    EXPECT_THAT(plan_of(sql, Transaction::statement).non_transactional, IsEmpty()) << sql;
  }
  // Before PostgreSQL 12, ALTER TYPE ... ADD VALUE refused a transaction block too.
  EXPECT_THAT(
      plan_of("ALTER TYPE e ADD VALUE 'x';", Transaction::statement, "plain", 11).non_transactional,
      ElementsAre(0u));
}

// Flyway looks at the statements itself (PostgreSQLParser.detectCanExecuteInTransaction).
TEST(ExecutionPlan, FlywayRunsAScriptOfRecognizedStatementsOutsideATransaction) {
  ExecutionPlan plan = plan_of(kIndex, Transaction::detect, "flyway");
  EXPECT_FALSE(plan.in_transaction);
  EXPECT_EQ(plan.refusal, Refusal::none);
  EXPECT_TRUE(plan_of("CREATE TABLE t (a int);", Transaction::detect, "flyway").in_transaction);
}

TEST(ExecutionPlan, FlywayRefusesAMixUnlessTheScriptSaysHowToRun) {
  ExecutionPlan mixed = plan_of(kTimeoutThenIndex, Transaction::detect, "flyway");
  EXPECT_EQ(mixed.refusal, Refusal::mixed);
  EXPECT_EQ(mixed.refused_at, 1u);  // where Flyway has seen both kinds
  ExecutionPlan reversed =
      plan_of("CREATE INDEX CONCURRENTLY i ON t (a);\nCREATE TABLE u (a int);\n",
              Transaction::detect, "flyway");
  EXPECT_EQ(reversed.refusal, Refusal::mixed);
  EXPECT_EQ(reversed.refused_at, 1u);
  // executeInTransaction=false in the script's .sql.conf: statement by statement, no refusal.
  EXPECT_EQ(plan_of(kTimeoutThenIndex, Transaction::statement, "flyway").refusal, Refusal::none);
}

TEST(ExecutionPlan, TheLayoutsWayOutNamesTheScript) {
  EXPECT_THAT(plan_of(kTimeoutThenIndex, Transaction::detect, "flyway").outside_transaction,
              ::testing::HasSubstr("a script configuration file 001_x.sql.conf holding "
                                   "executeInTransaction=false"));
}

// Flyway's list is narrower than PostgreSQL's: what it does not recognize runs in its
// transaction and fails there.
TEST(ExecutionPlan, FlywayRunsWhatItDoesNotRecognizeInATransaction) {
  for (const char* sql :
       {"REINDEX INDEX CONCURRENTLY i;", "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;"}) {
    ExecutionPlan plan = plan_of(sql, Transaction::detect, "flyway");
    EXPECT_TRUE(plan.in_transaction) << sql;
    EXPECT_EQ(plan.refusal, Refusal::in_transaction) << sql;
  }
}

TEST(ExecutionPlan, ParsedSetPlansEachScriptOnce) {
  MigrationSet set;
  set.layout = "golang-migrate";
  Migration m;
  m.version = {"1"};
  m.up = Script{"db/1_x.up.sql", {0, std::string::npos}, Transaction::query};
  m.down = Script{"db/1_x.down.sql", {0, std::string::npos}, Transaction::query};
  set.migrations.push_back(m);
  sql::ParsedSet parsed(set, [](const std::string& file) {
    return file.ends_with(".up.sql") ? std::string(kIndex) : std::string(kTimeoutThenIndex);
  });
  EXPECT_EQ(parsed.plan(*m.up).refusal, Refusal::none);
  EXPECT_EQ(parsed.plan(*m.down).refusal, Refusal::in_transaction);
}

// A Liquibase rollback is SQL in comment lines: the plan and the statements see only it, at
// its place in the file.
TEST(ExecutionPlan, PiecesOfAFileAreParsedWhereTheyStand) {
  std::string text = "--changeset a:1\nCREATE TABLE t (a int);\n--rollback DROP TABLE t;\n";
  MigrationSet set;
  set.layout = "liquibase";
  Migration m;
  m.version = {"0001"};
  m.up = Script{"c.sql", {16, text.size()}};
  m.down = Script{"c.sql", {16, text.size()}};
  std::size_t drop = text.find("DROP");
  m.down->pieces = {{drop, text.size() - 1}};
  set.migrations.push_back(m);
  sql::ParsedSet parsed(set, [&](const std::string&) { return text; });
  ASSERT_EQ(parsed.script(*m.up).statements.size(), 1u);
  EXPECT_EQ(parsed.script(*m.up).statements[0].type(), "CreateStmt");
  const sql::ParsedScript& down = parsed.script(*m.down);
  ASSERT_EQ(down.statements.size(), 1u);
  EXPECT_EQ(down.statements[0].type(), "DropStmt");
  EXPECT_EQ(locate(*down.file, down.statements[0].span).start, (Position{3, 12}));
}

}  // namespace
}  // namespace mgate
