#include <fmt/core.h>

#include "rules/column_types.hpp"
#include "rules/rule.hpp"

namespace mgate {
namespace {

class PreferJsonb : public Rule {
 public:
  RuleInfo info() const override {
    return {"prefer-jsonb", Level::note, "Prefer jsonb to json.", Risk::design};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"CreateStmt", "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const TypedColumn& column : context.columns(statement)) {
      if (base_type(column.type_name) != "json") continue;
      out.flag(context.located(statement, column).span,
               fmt::format("column `{}` is json: it stores the text as written and reparses it "
                           "on every access, has no equality operator (so no DISTINCT, GROUP BY, "
                           "UNIQUE or index on the value) and no GIN indexing",
                           column.column),
               "Use jsonb, unless the exact text (key order, duplicate keys, whitespace) must "
               "be kept.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_prefer_jsonb_rule() {
  return std::make_unique<PreferJsonb>();
}

}  // namespace mgate
