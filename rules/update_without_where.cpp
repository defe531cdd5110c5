#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class UpdateWithoutWhere : public Rule {
 public:
  RuleInfo info() const override {
    return {"update-without-where", Level::warning,
            "UPDATE without WHERE rewrites every row of a pre-existing table in one transaction.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"UpdateStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node update = statement.node.as("UpdateStmt");
    if (!update || update["whereClause"]) return;
    std::string table = sql::relation_name(update["relation"]);
    if (context.is_new(table) || is_history_table(table)) return;
    std::string held;
    if (auto it = context.held_locks.find(table);
        it != context.held_locks.end() && sql::blocks_writes(it->second)) {
      held = fmt::format(
          ", and this transaction already holds {} on `{}`, so {} stops for the "
          "whole update",
          sql::to_string(it->second), table, sql::what_it_blocks(it->second));
    }
    out.flag(statement.span,
             fmt::format("UPDATE `{0}` without WHERE overwrites every row in one transaction: it "
                         "locks each row until the migration commits (concurrent writes to "
                         "`{0}` wait, and may deadlock), writes a new version of every row "
                         "(bloat, a WAL burst, replica lag){1}",
                         table, held),
             "Backfill in batches of a few thousand rows, each in its own transaction, outside "
             "the schema migration (UPDATE … WHERE id >= $1 AND id < $2, or WHERE id IN (SELECT "
             "id … LIMIT n)); if a one-shot update of a small table is meant, say so with "
             "`-- mgate:ignore update-without-where -- <why>`.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_update_without_where_rule() {
  return std::make_unique<UpdateWithoutWhere>();
}

}  // namespace mgate
