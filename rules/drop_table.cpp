#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class DropTable : public Rule {
 public:
  RuleInfo info() const override {
    return {"drop-table", Level::error,
            "DROP TABLE deletes a table's data and breaks every query that still uses it.",
            Risk::data_loss};
  }

  std::vector<std::string_view> statement_types() const override { return {"DropStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node drop = statement.node.as("DropStmt");
    if (!drop || drop["removeType"].str() != "OBJECT_TABLE") return;
    for (const sql::Node& object : drop["objects"].items()) {
      std::string table = sql::qualified_name(object);
      if (context.is_new(table)) continue;
      out.flag(statement.span,
               fmt::format("DROP TABLE `{0}` deletes all its rows for good, takes an ACCESS "
                           "EXCLUSIVE lock on it, and every deployed application version that "
                           "still reads or writes `{0}` fails from that moment",
                           table),
               "Ship the code that stops using the table first; drop it in a later release, "
               "after a backup, and say so with `-- mgate:ignore drop-table -- <why it is safe>`.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_drop_table_rule() {
  return std::make_unique<DropTable>();
}

}  // namespace mgate
