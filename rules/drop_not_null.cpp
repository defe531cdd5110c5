#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class DropNotNull : public Rule {
 public:
  RuleInfo info() const override {
    return {"drop-not-null", Level::warning,
            "DROP NOT NULL lets NULLs into a column that readers assume is never NULL.",
            Risk::breaking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    // In a down script, DROP NOT NULL reverts its up's SET NOT NULL.
    if (context.down) return;
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_DropNotNull")) {
      std::string column(cmd["name"].str());
      if (context.is_new_column(table, column)) continue;
      out.flag(statement.span,
               fmt::format("DROP NOT NULL on `{0}.{1}`: once a NULL is written, deployed code "
                           "that assumes `{1}` is always set (non-optional fields in ORMs and "
                           "typed clients, `{1} = x` filters, sums, unique checks) breaks or "
                           "silently drops rows",
                           table, column),
               "Make sure every reader handles NULL first (ship that code before this "
               "migration); if only writers must stop setting the column, keep NOT NULL and "
               "give it a DEFAULT instead.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_drop_not_null_rule() {
  return std::make_unique<DropNotNull>();
}

}  // namespace mgate
