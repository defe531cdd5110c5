#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

std::string_view operator_name(const sql::Node& expr) {
  std::vector<sql::Node> name = expr["name"].items();
  return name.empty() ? std::string_view{} : name.back().str();
}

bool is_id_column(const sql::Node& node) {
  std::vector<sql::Node> fields = node.as("ColumnRef")["fields"].items();
  return !fields.empty() && fields.back().str() == "id";
}

// A constant or a parameter, possibly cast: `42`, `$1`, `'…'::uuid`.
bool is_value(const sql::Node& node) {
  sql::Node value = node.is("TypeCast") ? node.as("TypeCast")["arg"] : node;
  return value.is("A_Const") || value.is("ParamRef");
}

// `id = <value>` or `id IN (<values>)`: a fix of named rows. A join condition such as
// `o.user_id = u.id` names no rows.
bool names_rows_by_id(const sql::Node& expr, std::string_view kind, std::string_view op) {
  if (kind == "AEXPR_OP" && op == "=") {
    return (is_id_column(expr["lexpr"]) && is_value(expr["rexpr"])) ||
           (is_id_column(expr["rexpr"]) && is_value(expr["lexpr"]));
  }
  if (kind != "AEXPR_IN" || op != "=" || !is_id_column(expr["lexpr"])) return false;
  for (const sql::Node& item : expr["rexpr"].as("List")["items"].items()) {
    if (!is_value(item)) return false;
  }
  return true;
}

// Whether a WHERE clause bounds the rows an UPDATE touches: one of its AND-ed conditions is a
// key range (BETWEEN), a subquery with LIMIT (`id IN (SELECT id … LIMIT 1000)`) or names rows
// by id (`id = 42`, `id IN (1, 2)`), or two of them are a lower and an upper bound. Anything
// else (`WHERE status IS NULL`, `WHERE plan = 'trial'`, a bound inside an OR) may touch any
// number of rows at once.
bool bounded(const sql::Node& where) {
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
    if (names_rows_by_id(expr, kind, op)) return true;
    if (kind == "AEXPR_OP" && (op == ">" || op == ">=")) lower = true;
    if (kind == "AEXPR_OP" && (op == "<" || op == "<=")) upper = true;
  }
  return lower && upper;
}

class UnbatchedBackfill : public Rule {
 public:
  RuleInfo info() const override {
    return {"unbatched-backfill", Level::warning,
            "A backfill UPDATE of a pre-existing table should run in key-range or LIMIT batches."};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node update = statement.node.as("UpdateStmt");
    // Without WHERE it is update-without-where's finding.
    if (!update || !update["whereClause"]) return;
    std::string table = sql::relation_name(update["relation"]);
    if (context.is_new(table) || bounded(update["whereClause"])) return;
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
