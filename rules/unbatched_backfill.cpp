#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

std::string_view operator_name(const sql::Node& expr) {
  return expr["name"].items().back().str();
}

// Whether a WHERE clause bounds the rows an UPDATE of `table` touches: its conditions name rows
// by key (names_rows_by_key), one of its AND-ed conditions is a key range (BETWEEN) or a
// subquery with LIMIT (`id IN (SELECT id … LIMIT 1000)`), or two of them are a lower and an upper
// bound. Anything else (`WHERE status IS NULL`, `WHERE plan = 'trial'`, a bound inside an OR) may
// touch any number of rows at once.
bool bounded(const sql::Node& where, const std::string& table, const LintContext& context) {
  if (names_rows_by_key(where, table, context)) return true;
  std::vector<sql::Node> conditions = {where};
  if (sql::Node both = where.as("BoolExpr"); both && both["boolop"].str() == "AND_EXPR") {
    conditions = both["args"].items();
  }
  bool lower = false, upper = false;
  for (const sql::Node& condition : conditions) {
    if (sql::Node link = condition.as("SubLink")) {
      if (link["subselect"].as("SelectStmt")["limitCount"]) return true;
    }
    sql::Node expr = condition.as("A_Expr");
    if (!expr) continue;
    std::string_view kind = expr["kind"].str();
    std::string_view op = operator_name(expr);
    if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_BETWEEN_SYM") return true;
    if (kind == "AEXPR_OP" && (op == ">" || op == ">=")) lower = true;
    if (kind == "AEXPR_OP" && (op == "<" || op == "<=")) upper = true;
  }
  return lower && upper;
}

class UnbatchedBackfill : public Rule {
 public:
  RuleInfo info() const override {
    return {"unbatched-backfill", Level::warning,
            "A backfill UPDATE of a pre-existing table should run in key-range or LIMIT batches.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"UpdateStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node update = statement.node.as("UpdateStmt");
    // Without WHERE it is update-without-where's finding.
    if (!update || !update["whereClause"]) return;
    std::string table = sql::relation_name(update["relation"]);
    if (context.is_new(table) || is_history_table(table) ||
        bounded(update["whereClause"], table, context)) {
      return;
    }
    std::string held;
    if (auto it = context.held_locks.find(table);
        it != context.held_locks.end() && sql::blocks_writes(it->second)) {
      held = fmt::format(
          "; this transaction already holds {} on `{}`, so {} stops until the "
          "backfill commits",
          sql::to_string(it->second), table, sql::what_it_blocks(it->second));
    }
    out.flag(statement.span,
             fmt::format("unbatched backfill of `{0}`: this UPDATE's WHERE is neither a key range "
                         "nor a LIMIT batch, so it may rewrite any number of rows in one "
                         "transaction, locking each until the migration commits (concurrent "
                         "writes to those rows wait) and writing a new version of each (bloat, "
                         "WAL, replica lag){1}",
                         table, held),
             "Run the backfill in batches, each its own transaction, outside the schema "
             "migration: UPDATE … WHERE id >= $1 AND id < $2 AND <condition>, or WHERE id IN "
             "(SELECT id FROM … WHERE <condition> LIMIT 1000), repeated until no row changes.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_unbatched_backfill_rule() {
  return std::make_unique<UnbatchedBackfill>();
}

}  // namespace mgate
