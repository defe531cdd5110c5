// nested-transaction cases that one fixture file cannot hold: a fixture runs in one mode, and
// the wrapped-whole script must be the entire script.
#include <gtest/gtest.h>

#include "rules/engine.hpp"

namespace mgate::testing {
namespace {

std::vector<Finding> lint_one(const std::string& sql, Transaction transaction) {
  MigrationSet set;
  Migration migration;
  migration.version = {"001"};
  migration.up = Script{"db/001_x.sql", {0, std::string::npos}, transaction};
  set.migrations.push_back(migration);
  sql::ParsedSet parsed(set, [&](const std::string&) { return sql; });
  return lint_set(set, parsed, LintOptions{});
}

std::vector<std::string> rules_flagged(const std::string& sql, bool transactional) {
  std::vector<std::string> out;
  for (const Finding& f :
       lint_one(sql, transactional ? Transaction::script : Transaction::statement)) {
    if (f.rule == "nested-transaction" || f.rule == "transaction-left-open") out.push_back(f.rule);
  }
  return out;
}

std::vector<const Finding*> of_rule(const std::vector<Finding>& findings, std::string_view rule) {
  std::vector<const Finding*> out;
  for (const Finding& f : findings) {
    if (f.rule == rule) out.push_back(&f);
  }
  return out;
}

TEST(NestedTransaction, AScriptWrappedWholeInBeginCommitIsFine) {
  // golang-migrate's idiom: the tool's transaction and the script's end together.
  EXPECT_TRUE(rules_flagged("BEGIN;\nALTER TABLE t ADD COLUMN c text;\nCOMMIT;\n", true).empty());
  // No COMMIT at all: the tool's COMMIT ends it.
  EXPECT_TRUE(rules_flagged("BEGIN;\nALTER TABLE t ADD COLUMN c text;\n", true).empty());
}

TEST(NestedTransaction, StatementsAfterTheInnerCommitAreFlagged) {
  EXPECT_EQ(rules_flagged("BEGIN;\nALTER TABLE t ADD COLUMN c text;\nCOMMIT;\nSELECT 1;\n", true),
            std::vector<std::string>{"nested-transaction"});
}

// golang-migrate sends a file as one query string. Checked on PostgreSQL 15 with psql -c: no
// warning at BEGIN; the statements before it and up to its COMMIT are committed together, and
// what follows runs in a new implicit transaction (a failure there rolls back only that part).
TEST(NestedTransaction, AQueryStringIsCutInTwoAtItsFirstCommit) {
  std::vector<Finding> findings = lint_one(
      "ALTER TABLE a ALTER COLUMN x TYPE bigint;\nBEGIN;\nALTER TABLE b ALTER x DROP DEFAULT;\n"
      "COMMIT;\nBEGIN;\nALTER TABLE c ALTER x DROP DEFAULT;\nCOMMIT;\nSELECT 1;\n",
      Transaction::query);
  std::vector<const Finding*> nested = of_rule(findings, "nested-transaction");
  ASSERT_EQ(nested.size(), 1u);  // the second BEGIN … COMMIT cuts the file again: same risk
  EXPECT_EQ(nested[0]->location->start.line, 2);
  EXPECT_NE(nested[0]->message.find("one query string"), std::string::npos) << nested[0]->message;
  EXPECT_EQ(nested[0]->message.find("warning"), std::string::npos) << nested[0]->message;

  // Wrapped whole, the query string commits once either way.
  EXPECT_TRUE(
      of_rule(lint_one("BEGIN;\nSELECT 1;\nCOMMIT;\n", Transaction::query), "nested-transaction")
          .empty());
}

// After a COMMIT in a query string of several statements, the rest still runs in a transaction
// block: CREATE INDEX CONCURRENTLY there fails with 25001 (checked with psql -c on PostgreSQL 15).
// Where the tool wrapped the script in BEGIN … COMMIT instead, the script's COMMIT ends that
// transaction and the statement runs outside any.
TEST(NestedTransaction, ConcurrentIndexAfterCommitStillFailsInAQueryString) {
  const std::string sql =
      "CREATE TABLE b (x int);\nBEGIN;\nINSERT INTO b VALUES (1);\nCOMMIT;\n"
      "CREATE INDEX CONCURRENTLY bi ON b (x);\n";
  std::vector<const Finding*> in_query =
      of_rule(lint_one(sql, Transaction::query), "concurrently-in-transaction");
  ASSERT_EQ(in_query.size(), 1u);
  EXPECT_EQ(in_query[0]->location->start.line, 5);
  EXPECT_TRUE(of_rule(lint_one(sql, Transaction::script), "concurrently-in-transaction").empty());
}

TEST(TransactionLeftOpen, OnlyScriptsThatRunOnTheirOwn) {
  EXPECT_TRUE(rules_flagged("BEGIN;\nSELECT 1;\n", true).empty());
  EXPECT_EQ(rules_flagged("BEGIN;\nSELECT 1;\n", false),
            std::vector<std::string>{"transaction-left-open"});
  EXPECT_TRUE(rules_flagged("", false).empty());
}

}  // namespace
}  // namespace mgate::testing
