#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class ChangeColumnType : public Rule {
 public:
  RuleInfo info() const override {
    return {"change-column-type", Level::error,
            "ALTER COLUMN TYPE takes an ACCESS EXCLUSIVE lock and usually rewrites the table and "
            "its indexes."};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node alter = statement.node.as("AlterTableStmt");
    if (!alter) return;
    std::string table = sql::relation_name(alter["relation"]);
    for (const sql::Node& item : alter["cmds"].items()) {
      sql::Node cmd = item.as("AlterTableCmd");
      if (cmd["subtype"].str() != "AT_AlterColumnType") continue;
      std::string column(cmd["name"].str());
      if (context.is_new_column(table, column)) continue;
      out.flag(statement.span,
               fmt::format("ALTER COLUMN `{1}` TYPE holds an ACCESS EXCLUSIVE lock on `{0}` and, "
                           "unless the old type is binary-coercible to the new one, rewrites every "
                           "row and rebuilds every index of `{0}`: all reads and writes of `{0}` "
                           "wait until it is done",
                           table, column),
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
