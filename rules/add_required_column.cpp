#include <fmt/core.h>

#include "rules/column_types.hpp"
#include "rules/rule.hpp"

namespace mgate {
namespace {

class AddRequiredColumn : public Rule {
 public:
  RuleInfo info() const override {
    return {"add-required-column", Level::error,
            "ADD COLUMN … NOT NULL without a DEFAULT fails on any table that has rows.",
            Risk::failure};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_AddColumn")) {
      if (context.is_new(table)) continue;
      sql::Node column = cmd["def"].as("ColumnDef");
      bool not_null = false;
      bool filled = false;  // a default, an identity or a generated value fills existing rows
      for (const sql::Node& c : column["constraints"].items()) {
        std::string_view type = c.as("Constraint")["contype"].str();
        not_null = not_null || type == "CONSTR_NOTNULL" || type == "CONSTR_PRIMARY";
        filled = filled || type == "CONSTR_DEFAULT" || type == "CONSTR_IDENTITY" ||
                 type == "CONSTR_GENERATED";
      }
      std::string_view type_name = column["typeName"]["names"].items().empty()
                                       ? std::string_view{}
                                       : column["typeName"]["names"].items().back().str();
      filled = filled || !serial_base(type_name).empty();
      if (!not_null || filled) continue;
      out.flag(statement.span,
               fmt::format("ADD COLUMN `{1}` NOT NULL without a DEFAULT: every existing row of "
                           "`{0}` would hold NULL, so the migration fails (SQLSTATE 23502) as soon "
                           "as `{0}` has a row, and applications inserting without `{1}` fail "
                           "after it",
                           table, column["colname"].str()),
               "Give the column a constant DEFAULT (PostgreSQL 11+ stores it without rewriting "
               "the table), or add it nullable, backfill it in batches and then add the NOT NULL "
               "through a validated CHECK constraint.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_add_required_column_rule() {
  return std::make_unique<AddRequiredColumn>();
}

}  // namespace mgate
