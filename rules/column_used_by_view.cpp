#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// "the view `a` reads" or "the views `a`, `b` read".
std::string views_read(const std::vector<std::string>& views) {
  std::string names;
  for (const std::string& view : views) names += (names.empty() ? "`" : "`, `") + view;
  return views.size() == 1 ? fmt::format("the view {}` reads", names)
                           : fmt::format("the views {}` read", names);
}

class ColumnUsedByView : public Rule {
 public:
  RuleInfo info() const override {
    return {"column-used-by-view", Level::error,
            "Changing the type of, or dropping, a column that a view reads fails, or with "
            "CASCADE drops the view.",
            Risk::failure};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (!context.schema) return;
    for (const auto& [table, cmd] :
         context.alter_commands(statement, {"AT_DropColumn", "AT_AlterColumnType"})) {
      std::string column(cmd["name"].str());
      std::vector<std::string> views = context.schema->views_reading(table, column);
      if (views.empty()) continue;
      std::string names = views_read(views);
      if (cmd["subtype"].str() == "AT_AlterColumnType") {
        out.flag(statement.span,
                 fmt::format("ALTER COLUMN `{1}` TYPE fails: {2} `{0}.{1}`, and PostgreSQL "
                             "refuses to change the type of a column a view uses (SQLSTATE "
                             "0A000), so the migration stops here",
                             table, column, names),
                 "Drop the view, change the type and recreate the view in the same transaction "
                 "(it briefly takes ACCESS EXCLUSIVE on both), or add a new column and move the "
                 "view to it.");
      } else if (cmd["behavior"].str() == "DROP_CASCADE") {
        out.flag(statement.span,
                 fmt::format("DROP COLUMN `{0}.{1}` … CASCADE also drops what reads it ({2} "
                             "it): every query of the application on it fails from the commit "
                             "on",
                             table, column, names),
                 "Recreate or drop the view explicitly first, in a migration that ships with the "
                 "application change that stops reading it; then drop the column without "
                 "CASCADE.");
      } else {
        out.flag(statement.span,
                 fmt::format("DROP COLUMN `{0}.{1}` fails: {2} it (SQLSTATE 2BP01, other "
                             "objects depend on it), so the migration stops here",
                             table, column, names),
                 "Recreate the view without the column (CREATE OR REPLACE VIEW cannot drop "
                 "columns: DROP VIEW and CREATE VIEW) before dropping the column.");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_column_used_by_view_rule() {
  return std::make_unique<ColumnUsedByView>();
}

}  // namespace mgate
