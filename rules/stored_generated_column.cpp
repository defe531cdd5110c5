#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class StoredGeneratedColumn : public Rule {
 public:
  RuleInfo info() const override {
    return {"stored-generated-column", Level::error,
            "Adding a stored generated column rewrites the whole table under an ACCESS "
            "EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_AddColumn")) {
      if (context.is_new(table)) continue;
      sql::Node column = cmd["def"].as("ColumnDef");
      for (const sql::Node& c : column["constraints"].items()) {
        if (c.as("Constraint")["contype"].str() != "CONSTR_GENERATED") continue;
        out.flag(statement.span,
                 fmt::format("ADD COLUMN `{1}` GENERATED ALWAYS AS (…) STORED computes and "
                             "stores a value for every existing row: PostgreSQL rewrites all of "
                             "`{0}` and rebuilds its indexes under an ACCESS EXCLUSIVE lock, "
                             "blocking every read and write of `{0}` meanwhile",
                             table, column["colname"].str()),
                 "Add a plain nullable column, fill new rows with a trigger (or the "
                 "application), backfill existing rows in batches; or compute the value in a "
                 "view or an expression index instead of storing it.");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_stored_generated_column_rule() {
  return std::make_unique<StoredGeneratedColumn>();
}

}  // namespace mgate
