#include <set>

#include "rules/rule.hpp"

namespace mgate {
namespace {

std::string_view operator_name(const sql::Node& expr) {
  return expr["name"].items().back().str();
}

std::string column_name(const sql::Node& node) {
  return std::string(node.as("ColumnRef")["fields"].items().back().str());
}

// A constant or a parameter, possibly cast: `42`, `$1`, `'…'::uuid`.
bool is_value(const sql::Node& node) {
  sql::Node value = node.is("TypeCast") ? node.as("TypeCast")["arg"] : node;
  return value.is("A_Const") || value.is("ParamRef");
}

// The column a condition fixes to given values: `k = <value>`, `<value> = k` or
// `k IN (<values>)`; empty for anything else (a join condition such as `o.user_id = u.id` fixes
// nothing).
std::string fixed_column(const sql::Node& expr) {
  std::string_view kind = expr["kind"].str();
  if (operator_name(expr) != "=") return "";
  if (kind == "AEXPR_OP") {
    if (is_value(expr["rexpr"])) return column_name(expr["lexpr"]);
    if (is_value(expr["lexpr"])) return column_name(expr["rexpr"]);
    return "";
  }
  if (kind != "AEXPR_IN") return "";
  for (const sql::Node& item : expr["rexpr"].as("List")["items"].items()) {
    if (!is_value(item)) return "";
  }
  return column_name(expr["lexpr"]);
}

}  // namespace

bool names_rows_by_key(const sql::Node& where, const std::string& table,
                       const LintContext& context) {
  std::vector<sql::Node> conditions = {where};
  if (sql::Node both = where.as("BoolExpr"); both && both["boolop"].str() == "AND_EXPR") {
    conditions = both["args"].items();
  }
  std::set<std::string> fixed;
  for (const sql::Node& condition : conditions) {
    std::string column = fixed_column(condition.as("A_Expr"));
    if (!column.empty()) fixed.insert(column);
  }
  if (fixed.empty()) return false;
  if (context.schema && context.schema->table(table)) {
    return context.schema->is_unique_key(table, fixed);
  }
  return fixed.count("id") > 0;
}

}  // namespace mgate
