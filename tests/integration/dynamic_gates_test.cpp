// The forward and rollback gates on real PostgreSQL: one fixture per defect
// (fixtures/dynamic/README.md lists them).
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integration/postgres.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class DynamicGates : public PostgresSuite {
 protected:
  // The gates on accounts (001) and `sql` as migration 002.
  static Report check_one_migration(const std::string& sql) {
    TempDir repo;
    repo.write("db/001_create_accounts.sql", "CREATE TABLE accounts (id int, name text);\n");
    repo.write("db/002_link.sql", sql);
    Config config = default_config();
    config.root = repo.path();
    return check("db/", config);
  }
};

std::string all_messages(const Report& report) {
  std::string out;
  for (const Finding* f : report.findings())
    out += position_of(*f) + " " + f->rule + ": " + f->message + "\n";
  return out;
}

TEST_F(DynamicGates, CleanSetsPassWithNoFindings) {
  for (std::string folder : {"clean", "declared_concurrently"}) {
    Report report = check(folder);
    EXPECT_THAT(report.findings(), IsEmpty()) << folder << "\n" << all_messages(report);
    for (const GateResult& gate : report.gates) {
      EXPECT_EQ(gate.status, GateStatus::pass) << folder << " " << gate.gate;
    }
  }
}

TEST_F(DynamicGates, DownThatLeavesAColumnBehindNamesTheColumn) {
  Report report = check("down_leaves_column");
  auto mismatch = findings_of(report, "rollback-schema-mismatch");
  ASSERT_THAT(mismatch, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(mismatch[0]->message, HasSubstr("column public.accounts.phone exists"));
  EXPECT_EQ(mismatch[0]->migration, "002");
  EXPECT_EQ(position_of(*mismatch[0]),
            "fixtures/dynamic/down_leaves_column/002_add_accounts_phone.down.sql:2:1");
  EXPECT_EQ(mismatch[0]->evidence["object"], "public.accounts.phone");
  // The extra column makes the second up fail, which is reported too.
  EXPECT_THAT(findings_of(report, "rollback-reup-failed"), SizeIs(1));
}

// A down that does nothing (OVH CDS's first migration says "nothing to downgrade" and leaves
// 62 tables behind) is one defect: one finding that counts the objects, names the first ones
// and lists them all in its evidence.
TEST_F(DynamicGates, ADownThatLeavesManyObjectsIsOneFinding) {
  TempDir repo;
  repo.write("db/001_create_accounts.up.sql", "CREATE TABLE accounts (id int PRIMARY KEY);\n");
  repo.write("db/001_create_accounts.down.sql", "DROP TABLE accounts;\n");
  repo.write("db/002_create_orders.up.sql",
             "CREATE TABLE orders (id int PRIMARY KEY, note text);\n"
             "CREATE INDEX orders_note ON orders (note);\n"
             "ALTER TABLE accounts ADD COLUMN phone text;\n");
  repo.write("db/002_create_orders.down.sql", "-- nothing to downgrade\nSELECT 1;\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = check("db/", config);
  auto mismatch = findings_of(report, "rollback-schema-mismatch");
  ASSERT_THAT(mismatch, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(mismatch[0]->migration, "002");
  EXPECT_EQ(position_of(*mismatch[0]), "db/002_create_orders.down.sql:2:1");
  const nlohmann::json& differences = mismatch[0]->evidence["differences"];
  ASSERT_TRUE(differences.is_array());
  EXPECT_GE(differences.size(), 4u);  // the table, its columns, its key and index, the column
  EXPECT_THAT(mismatch[0]->message,
              HasSubstr(fmt::format("after up and down of migration 002, {} schema objects differ "
                                    "from before up: ",
                                    differences.size())));
  // The table first, before its columns, key and index.
  EXPECT_THAT(mismatch[0]->message,
              HasSubstr("from before up: table public.orders exists that was not there; "));
  EXPECT_THAT(mismatch[0]->message, HasSubstr(" more"));
  bool phone = false;
  for (const auto& d : differences) phone = phone || d["object"] == "public.accounts.phone";
  EXPECT_TRUE(phone) << differences.dump();
}

TEST_F(DynamicGates, DownThatRecreatesAColumnElsewhereReportsTheOrder) {
  Report report = check("down_moves_column");
  auto order = findings_of(report, "rollback-column-order");
  ASSERT_THAT(order, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(order[0]->message, HasSubstr("`id, name, email` instead of `id, email, name`"));
  EXPECT_EQ(order[0]->level, Level::warning);
  EXPECT_THAT(findings_of(report, "rollback-schema-mismatch"), IsEmpty()) << all_messages(report);
}

TEST_F(DynamicGates, DownThatRestoresAnotherIndexDefinitionShowsBoth) {
  Report report = check("down_changes_index");
  auto mismatch = findings_of(report, "rollback-schema-mismatch");
  ASSERT_THAT(mismatch, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(mismatch[0]->message, HasSubstr("index public.accounts_email_idx differs"));
  EXPECT_THAT(mismatch[0]->message, HasSubstr("USING btree (lower(email))"));
  EXPECT_THAT(mismatch[0]->message, HasSubstr("USING btree (email)"));
}

TEST_F(DynamicGates, DownWithAMisspeltTableFailsAtItsStatement) {
  Report report = check("down_misspelt_table");
  auto failed = findings_of(report, "rollback-down-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "42P01");
  EXPECT_THAT(failed[0]->message, HasSubstr("relation \"acounts\" does not exist"));
  // PostgreSQL gives no position; the statement names the relation once, there.
  EXPECT_EQ(position_of(*failed[0]),
            "fixtures/dynamic/down_misspelt_table/002_add_accounts_phone.down.sql:1:13");
}

TEST_F(DynamicGates, DownMissingASemicolonFailsWhereTheServerStopsParsing) {
  Report report = check("down_missing_semicolon");
  auto failed = findings_of(report, "rollback-down-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "42601");
  // PostgreSQL's error position, mapped back into the file: the start of line 2.
  EXPECT_EQ(position_of(*failed[0]),
            "fixtures/dynamic/down_missing_semicolon/002_add_accounts_phone.down.sql:2:1");
}

TEST_F(DynamicGates, BrokenDownDoesNotHideTheNextMigrationsDefect) {
  Report report = check("broken_downs_in_sequence");
  auto failed = findings_of(report, "rollback-down-failed");
  auto mismatch = findings_of(report, "rollback-schema-mismatch");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  ASSERT_THAT(mismatch, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->migration, "002");
  EXPECT_EQ(mismatch[0]->migration, "003");
  EXPECT_THAT(mismatch[0]->message, HasSubstr("column public.accounts.city"));
}

const GateResult& gate_of(const Report& report, std::string_view name) {
  for (const GateResult& gate : report.gates) {
    if (gate.gate == name) return gate;
  }
  throw std::runtime_error("no gate " + std::string(name) + " in the report");
}

TEST_F(DynamicGates, TransactionalMigrationsAreCheckedInOneRolledBackTransaction) {
  Report clean_report = check("clean");
  const GateResult& clean = gate_of(clean_report, "rollback");
  EXPECT_GT(clean.metrics["checked"].get<int>(), 0);
  EXPECT_EQ(clean.metrics["checked_in_transaction"], clean.metrics["checked"]);
  // CREATE INDEX CONCURRENTLY cannot be rolled back: that migration is checked in a clone.
  Report concurrently_report = check("declared_concurrently");
  const GateResult& concurrently = gate_of(concurrently_report, "rollback");
  EXPECT_EQ(concurrently.metrics["checked"], 2);
  EXPECT_EQ(concurrently.metrics["checked_in_transaction"], 1);
}

TEST_F(DynamicGates, SessionStateOfTheFirstUpDoesNotBreakItsReup) {
  TempDir repo;
  repo.write("db/001_create_accounts.up.sql", "CREATE TABLE accounts (id int, name text);\n");
  repo.write("db/001_create_accounts.down.sql", "DROP TABLE accounts;\n");
  // A temporary table, a prepared statement and an advisory lock outlive the transaction of
  // the first up; a tool applies the second up on a new connection.
  repo.write("db/002_backfill.up.sql",
             "CREATE TEMP TABLE staging AS SELECT id FROM accounts;\n"
             "PREPARE touched AS SELECT count(*) FROM staging;\n"
             "SELECT pg_advisory_lock(42);\n"
             "ALTER TABLE accounts ADD COLUMN touched boolean;\n");
  repo.write("db/002_backfill.down.sql", "ALTER TABLE accounts DROP COLUMN touched;\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = check("db/", config);
  EXPECT_THAT(report.findings(), IsEmpty()) << all_messages(report);
  EXPECT_EQ(gate_of(report, "rollback").metrics["checked_in_transaction"], 2);
}

TEST_F(DynamicGates, MigrationThatSetsItsTransactionIsCheckedInAClone) {
  TempDir repo;
  repo.write("db/001_create_accounts.up.sql", "CREATE TABLE accounts (id int);\n");
  repo.write("db/001_create_accounts.down.sql", "DROP TABLE accounts;\n");
  // Valid only as the first statement of a transaction: down runs before the second up.
  repo.write("db/002_add_name.up.sql",
             "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\n"
             "ALTER TABLE accounts ADD COLUMN name text;\n");
  repo.write("db/002_add_name.down.sql", "ALTER TABLE accounts DROP COLUMN name;\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = check("db/", config);
  EXPECT_THAT(report.findings(), IsEmpty()) << all_messages(report);
  EXPECT_EQ(gate_of(report, "rollback").metrics["checked"], 2);
  EXPECT_EQ(gate_of(report, "rollback").metrics["checked_in_transaction"], 1);
}

TEST_F(DynamicGates, DownThatBreaksADeferredForeignKeyFailsAsAtItsCommit) {
  TempDir repo;
  repo.write("db/001_create_accounts.up.sql",
             "CREATE TABLE accounts (id int PRIMARY KEY);\n"
             "CREATE TABLE orders (account_id int REFERENCES accounts "
             "DEFERRABLE INITIALLY DEFERRED);\n"
             "INSERT INTO accounts VALUES (1);\n"
             "INSERT INTO orders VALUES (1);\n");
  repo.write("db/001_create_accounts.down.sql", "DROP TABLE orders, accounts;\n");
  repo.write("db/002_add_name.up.sql", "ALTER TABLE accounts ADD COLUMN name text;\n");
  // The orphaned order is only noticed when the transaction commits.
  repo.write("db/002_add_name.down.sql",
             "ALTER TABLE accounts DROP COLUMN name;\n"
             "DELETE FROM accounts;\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = check("db/", config);
  auto failed = findings_of(report, "rollback-down-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "23503");
  EXPECT_EQ(position_of(*failed[0]), "db/002_add_name.down.sql:2:1");
  EXPECT_EQ(gate_of(report, "rollback").metrics["checked_in_transaction"], 2);
}

// The fixture is golang-migrate's: its down, a lone DROP INDEX CONCURRENTLY, runs outside any
// transaction as golang-migrate sends it; its up puts CREATE INDEX CONCURRENTLY after a SET in
// one query, which PostgreSQL runs in an implicit transaction.
TEST_F(DynamicGates, UndeclaredConcurrentIndexIsAFinding) {
  Report report = check("undeclared_concurrently");
  auto undeclared = findings_of(report, "undeclared-non-transactional");
  ASSERT_THAT(undeclared, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(position_of(*undeclared[0]),
            "fixtures/dynamic/undeclared_concurrently/002_index_accounts_name.up.sql:2:1");
  // Run outside a transaction, the migration itself works: no other finding.
  EXPECT_THAT(report.findings(), SizeIs(1)) << all_messages(report);
}

TEST_F(DynamicGates, ForwardFailureCarriesSqlstateAndPosition) {
  Report report = check("fails_forward");
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "42703");
  EXPECT_THAT(failed[0]->message, HasSubstr("column \"nickname\" of relation \"accounts\""));
  EXPECT_EQ(position_of(*failed[0]),
            "fixtures/dynamic/fails_forward/002_backfill_names.up.sql:2:1");
}

TEST_F(DynamicGates, ErrorPositionInsideAStatementMapsToItsColumn) {
  TempDir repo;
  repo.write("db/001_create_accounts.sql", "CREATE TABLE accounts (id int, name text);\n");
  // Columns count code points: the three two-byte characters are three columns.
  repo.write("db/002_rename.sql",
             "SELECT 1;\n"
             "UPDATE accounts SET name = 'ééé' || nosuch;\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = check("db/", config);
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(position_of(*failed[0]), "db/002_rename.sql:2:37");
  EXPECT_THAT(failed[0]->message, HasSubstr("column \"nosuch\" does not exist"));
}

TEST_F(DynamicGates, ErrorInsideADoBlockPointsIntoItsBody) {
  TempDir repo;
  repo.write("db/001_create_accounts.sql", "CREATE TABLE accounts (id int, name text);\n");
  // PostgreSQL gives no position in the DO statement, only the inner query and its position.
  repo.write("db/002_backfill.sql",
             "DO $$\n"
             "BEGIN\n"
             "  UPDATE accounts SET name = 'x';\n"
             "  UPDATE accounts SET name = nosuch;\n"
             "END $$;\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = check("db/", config);
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(position_of(*failed[0]), "db/002_backfill.sql:4:30");
  EXPECT_EQ(failed[0]->evidence["internal_query"], "UPDATE accounts SET name = nosuch");
}

TEST_F(DynamicGates, ErrorInARepeatedInnerQueryStaysAtTheStatementStart) {
  TempDir repo;
  repo.write("db/001_create_accounts.sql", "CREATE TABLE accounts (id int, name text);\n");
  // The failing query occurs twice in the body: which one failed is not known.
  repo.write("db/002_backfill.sql",
             "SELECT 1;\n"
             "DO $$\n"
             "BEGIN\n"
             "  IF false THEN UPDATE accounts SET name = nosuch; END IF;\n"
             "  UPDATE accounts SET name = nosuch;\n"
             "END $$;\n");
  Config config = default_config();
  config.root = repo.path();
  Report report = check("db/", config);
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(position_of(*failed[0]), "db/002_backfill.sql:2:1");
}

TEST_F(DynamicGates, MissingRelationPointsAtTheOnePlaceThatNamesIt) {
  Report report = check_one_migration(
      "SELECT 1;\n"
      "CREATE TABLE orders (id int, account_id int REFERENCES acounts, "
      "parent_id int REFERENCES public.orders);\n");
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "42P01");
  EXPECT_EQ(position_of(*failed[0]), "db/002_link.sql:2:56");
}

TEST_F(DynamicGates, MissingRelationNamedTwiceStaysAtTheStatementStart) {
  Report report = check_one_migration(
      "SELECT 1;\n"
      "CREATE TABLE orders (a int REFERENCES acounts, b int REFERENCES acounts);\n");
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(position_of(*failed[0]), "db/002_link.sql:2:1");
}

TEST_F(DynamicGates, StatementTimeoutIsAFindingNotAHang) {
  Config config = default_config();
  config.postgres.statement_timeout = std::chrono::milliseconds(200);
  Report report = check("hangs", config);
  auto timeout = findings_of(report, "forward-timeout");
  ASSERT_THAT(timeout, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(timeout[0]->evidence["sqlstate"], "57014");
  EXPECT_EQ(position_of(*timeout[0]), "fixtures/dynamic/hangs/002_slow_backfill.up.sql:2:1");
}

TEST_F(DynamicGates, ScenarioDatabasesAreDroppedAfterTheGates) {
  check("clean");
  auto left = query("postgres",
                    "SELECT datname FROM pg_database WHERE datname LIKE 'mgate\\_%' "
                    "AND datname <> '" +
                        server().base() + "'");
  EXPECT_THAT(left, IsEmpty());
}

}  // namespace
}  // namespace mgate::testing
