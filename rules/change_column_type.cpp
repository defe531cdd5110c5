#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// The column itself, `column::new_type` or no USING at all: PostgreSQL then coerces the stored
// value, which is free when the types are binary coercible.
bool plain_conversion(const sql::Node& column_def, std::string_view column) {
  sql::Node expression = column_def["raw_default"];
  if (!expression) return true;
  if (sql::Node cast = expression.as("TypeCast")) {
    if (!(column_type(cast["typeName"]) == column_type(column_def["typeName"]))) return false;
    expression = cast["arg"];
  }
  std::vector<sql::Node> fields = expression.as("ColumnRef")["fields"].items();
  return fields.size() == 1 && fields[0].str() == column;
}

class ChangeColumnType : public Rule {
 public:
  RuleInfo info() const override {
    return {"change-column-type", Level::error,
            "ALTER COLUMN TYPE takes an ACCESS EXCLUSIVE lock and usually rewrites the table and "
            "its indexes.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_AlterColumnType")) {
      std::string column(cmd["name"].str());
      if (context.is_new_column(table, column)) continue;
      sql::Node column_def = cmd["def"].as("ColumnDef");
      ColumnType to = column_type(column_def["typeName"]);
      const ColumnType* from =
          context.schema ? context.schema->column_type(table, column) : nullptr;
      if (from && binary_coercible(*from, to) && plain_conversion(column_def, column)) continue;
      std::string message =
          from ? fmt::format(
                     "ALTER COLUMN `{1}` TYPE from {2} to {3} is not binary coercible: "
                     "PostgreSQL rewrites every row and rebuilds every index of `{0}` "
                     "under an ACCESS EXCLUSIVE lock, and all reads and writes of `{0}` "
                     "wait until it is done",
                     table, column, from->to_string(), to.to_string())
               : fmt::format(
                     "ALTER COLUMN `{1}` TYPE holds an ACCESS EXCLUSIVE lock on `{0}` "
                     "and, unless the old type is binary-coercible to the new one, "
                     "rewrites every row and rebuilds every index of `{0}`: all reads and "
                     "writes of `{0}` wait until it is done",
                     table, column);
      out.flag(statement.span, std::move(message),
               "Add a new column of the new type, backfill it in batches, switch the application "
               "to it, then drop the old column; or check with `mgate check` (locks gate) that "
               "this change rewrites nothing.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_change_column_type_rule() {
  return std::make_unique<ChangeColumnType>();
}

}  // namespace mgate
