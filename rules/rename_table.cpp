#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RenameTable : public Rule {
 public:
  RuleInfo info() const override {
    return {"rename-table", Level::error,
            "Renaming a table breaks every deployed query that uses the old name.", Risk::breaking};
  }

  std::vector<std::string_view> statement_types() const override { return {"RenameStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node rename = statement.node.as("RenameStmt");
    if (!rename || rename["renameType"].str() != "OBJECT_TABLE") return;
    std::string table = sql::relation_name(rename["relation"]);
    if (context.is_new(table)) return;
    out.flag(statement.span,
             fmt::format("RENAME `{0}` TO `{1}`: the application version running during and "
                         "after the deploy still queries `{0}` and fails with \"relation does "
                         "not exist\" until every instance runs the new code",
                         table, rename["newname"].str()),
             fmt::format("Rename in steps: create the new name as a view over the old table (or "
                         "rename and leave a view `{0}` behind), move the code to the new name, "
                         "then drop the old name in a later migration.",
                         table));
  }
};

}  // namespace

std::unique_ptr<Rule> make_rename_table_rule() {
  return std::make_unique<RenameTable>();
}

}  // namespace mgate
