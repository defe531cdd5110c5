// nested-transaction cases that one fixture file cannot hold: a fixture runs in one mode, and
// the wrapped-whole script must be the entire script.
#include <gtest/gtest.h>

#include "rules/engine.hpp"

namespace mgate::testing {
namespace {

std::vector<std::string> rules_flagged(const std::string& sql, bool transactional) {
  MigrationSet set;
  Migration migration;
  migration.version = {"001"};
  migration.up = Script{"db/001_x.sql",
                        {0, std::string::npos},
                        transactional ? Transaction::script : Transaction::statement};
  set.migrations.push_back(migration);
  sql::ParsedSet parsed(set, [&](const std::string&) { return sql; });
  std::vector<std::string> out;
  for (const Finding& f : lint_set(set, parsed, LintOptions{})) {
    if (f.rule == "nested-transaction" || f.rule == "transaction-left-open") out.push_back(f.rule);
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

TEST(TransactionLeftOpen, OnlyScriptsThatRunOnTheirOwn) {
  EXPECT_TRUE(rules_flagged("BEGIN;\nSELECT 1;\n", true).empty());
  EXPECT_EQ(rules_flagged("BEGIN;\nSELECT 1;\n", false),
            std::vector<std::string>{"transaction-left-open"});
  EXPECT_TRUE(rules_flagged("", false).empty());
}

}  // namespace
}  // namespace mgate::testing
