#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RenameColumn : public Rule {
 public:
  RuleInfo info() const override {
    return {"rename-column", Level::error,
            "Renaming a column breaks every deployed query that uses the old name.",
            Risk::breaking};
  }

  std::vector<std::string_view> statement_types() const override { return {"RenameStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node rename = statement.node.as("RenameStmt");
    if (!rename || rename["renameType"].str() != "OBJECT_COLUMN") return;
    std::string table = sql::relation_name(rename["relation"]);
    std::string column(rename["subname"].str());
    if (context.is_new_column(table, column)) return;
    out.flag(statement.span,
             fmt::format("RENAME COLUMN `{0}.{1}` TO `{2}`: the application version running "
                         "during and after the deploy still reads and writes `{1}` and fails "
                         "with \"column does not exist\" until every instance runs the new code",
                         table, column, rename["newname"].str()),
             fmt::format("Add `{1}` as a new column, write to both (a trigger or the code), "
                         "backfill, move reads to `{1}`, then drop `{0}` in a later migration.",
                         column, rename["newname"].str()));
  }
};

}  // namespace

std::unique_ptr<Rule> make_rename_column_rule() {
  return std::make_unique<RenameColumn>();
}

}  // namespace mgate
