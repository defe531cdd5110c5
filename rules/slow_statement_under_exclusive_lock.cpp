#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// The table the statement reads in full, and what it does, when it is a slow statement: an
// index build, an UPDATE, DELETE or SELECT (unless it names its rows by key), a constraint
// validation.
struct SlowWork {
  std::string table;
  std::string what;
};

std::optional<SlowWork> slow_work(const sql::Statement& statement, const LintContext& context) {
  sql::Node stmt = statement.node.inner();
  std::string_view type = statement.type();
  if (type == "IndexStmt" && !stmt["concurrent"].boolean()) {
    return SlowWork{sql::relation_name(stmt["relation"]), "CREATE INDEX reads and sorts"};
  }
  if (type == "UpdateStmt" || type == "DeleteStmt") {
    std::string table = sql::relation_name(stmt["relation"]);
    // Rows named by key are found through the key's index: quick whatever the table's size.
    if (stmt["whereClause"] && names_rows_by_key(stmt["whereClause"], table, context)) {
      return std::nullopt;
    }
    return SlowWork{table, type == "UpdateStmt" ? "UPDATE writes rows of" : "DELETE scans"};
  }
  if (type == "SelectStmt") {
    // A query over the table: a check or a count a migration makes of its data.
    for (const sql::Node& from : stmt["fromClause"].items()) {
      if (sql::Node range = from.as("RangeVar")) {
        std::string table = sql::relation_name(range);
        if (stmt["whereClause"] && names_rows_by_key(stmt["whereClause"], table, context)) {
          continue;
        }
        return SlowWork{table, "SELECT reads"};
      }
    }
    return std::nullopt;
  }
  for (const auto& [table, cmd] : context.alter_commands(statement, "AT_ValidateConstraint")) {
    // validate-in-same-transaction says it better for a constraint added in this transaction.
    if (context.not_valid_in_transaction.count(table + "." + std::string(cmd["name"].str()))) {
      continue;
    }
    return SlowWork{table, "VALIDATE CONSTRAINT scans"};
  }
  return std::nullopt;
}

class SlowStatementUnderExclusiveLock : public Rule {
 public:
  RuleInfo info() const override {
    return {"slow-statement-under-exclusive-lock", Level::error,
            "A slow statement (index build, UPDATE, DELETE, SELECT, validation) runs while the "
            "transaction already holds ACCESS EXCLUSIVE on its table.",
            Risk::blocking, Specificity::contextual};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"IndexStmt", "UpdateStmt", "DeleteStmt", "SelectStmt", "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (!context.in_transaction) return;
    std::optional<SlowWork> work = slow_work(statement, context);
    if (!work) return;
    auto held = context.held_locks.find(work->table);
    if (held == context.held_locks.end() || held->second != sql::LockMode::access_exclusive) {
      return;
    }
    out.flag(statement.span,
             fmt::format("{1} `{0}` while this transaction already holds the ACCESS EXCLUSIVE "
                         "lock an earlier statement took on `{0}`: every read and write of `{0}` "
                         "stays blocked for as long as this statement runs on a table of "
                         "production size, not just for the brief earlier change",
                         work->table, work->what),
             "Commit the ACCESS EXCLUSIVE change first and run this statement in its own "
             "transaction (a later migration), where it takes a weaker lock (CREATE INDEX "
             "CONCURRENTLY, VALIDATE CONSTRAINT: SHARE UPDATE EXCLUSIVE; UPDATE, DELETE: row "
             "locks, in batches).");
  }
};

}  // namespace

std::unique_ptr<Rule> make_slow_statement_under_exclusive_lock_rule() {
  return std::make_unique<SlowStatementUnderExclusiveLock>();
}

}  // namespace mgate
