#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class DropColumn : public Rule {
 public:
  RuleInfo info() const override {
    return {"drop-column", Level::error,
            "DROP COLUMN deletes the column's data and breaks queries that still name it.",
            Risk::breaking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_DropColumn")) {
      std::string column(cmd["name"].str());
      if (context.is_new_column(table, column)) continue;
      out.flag(statement.span,
               fmt::format("DROP COLUMN `{0}.{1}` deletes its data for good, and every deployed "
                           "application version that still selects or inserts `{1}` fails with "
                           "\"column does not exist\" (ORMs that list every column fail on all "
                           "queries of `{0}`)",
                           table, column),
               "Deploy code that no longer reads or writes the column (tell the ORM to ignore "
               "it), then drop it in a later migration; DROP COLUMN itself is quick (ACCESS "
               "EXCLUSIVE, no rewrite) once nothing uses it.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_drop_column_rule() {
  return std::make_unique<DropColumn>();
}

}  // namespace mgate
