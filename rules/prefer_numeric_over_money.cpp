#include <fmt/core.h>

#include "rules/column_types.hpp"
#include "rules/rule.hpp"

namespace mgate {
namespace {

class PreferNumericOverMoney : public Rule {
 public:
  RuleInfo info() const override {
    return {"prefer-numeric-over-money", Level::note, "Prefer numeric to money.", Risk::design};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"CreateStmt", "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const TypedColumn& column : context.columns(statement)) {
      if (base_type(column.type_name) != "money") continue;
      out.flag(context.located(statement, column).span,
               fmt::format("column `{}` is money: its input and output depend on the server's "
                           "lc_monetary setting (a restore on a server with another locale "
                           "reads the amounts differently), it holds no currency, and it has a "
                           "fixed number of fractional digits",
                           column.column),
               "Use numeric (e.g. numeric(12, 2)) or bigint cents, with the currency in its own "
               "column.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_prefer_numeric_over_money_rule() {
  return std::make_unique<PreferNumericOverMoney>();
}

}  // namespace mgate
