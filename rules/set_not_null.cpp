#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class SetNotNull : public Rule {
 public:
  RuleInfo info() const override {
    return {"set-not-null", Level::error,
            "ALTER COLUMN SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_SetNotNull")) {
      std::string column(cmd["name"].str());
      if (context.is_new_column(table, column)) continue;
      // PostgreSQL 12+ proves NOT NULL from a valid CHECK (column IS NOT NULL) without a scan.
      if (context.pg_version >= 12 && context.schema &&
          context.schema->validated_not_null_check(table, column)) {
        continue;
      }
      out.flag(
          statement.span,
          fmt::format("SET NOT NULL on `{0}.{1}` reads every row of `{0}` to prove there is no "
                      "NULL while holding an ACCESS EXCLUSIVE lock: every read and write of "
                      "`{0}` waits for the full scan",
                      table, column),
          fmt::format("Add CHECK ({0} IS NOT NULL) NOT VALID, VALIDATE it in a later "
                      "migration (SHARE UPDATE EXCLUSIVE: traffic goes on), then SET NOT NULL, "
                      "which PostgreSQL 12+ proves from the valid check without a scan, and "
                      "drop the check.{1}",
                      column,
                      context.pg_version < 12
                          ? " Before PostgreSQL 12 SET NOT NULL always scans: run it in a quiet "
                            "window."
                          : ""));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_set_not_null_rule() {
  return std::make_unique<SetNotNull>();
}

}  // namespace mgate
