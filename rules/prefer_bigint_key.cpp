#include <fmt/core.h>

#include "rules/column_types.hpp"
#include "rules/rule.hpp"

namespace mgate {
namespace {

// The 32- and 16-bit integer types, as the grammar names them, with their upper bound.
std::string_view small_integer_limit(std::string_view type) {
  if (type == "int4" || type == "serial" || type == "serial4") return "2,147,483,647";
  if (type == "int2" || type == "smallserial" || type == "serial2") return "32,767";
  return "";
}

class PreferBigintKey : public Rule {
 public:
  RuleInfo info() const override {
    return {"prefer-bigint-key", Level::note,
            "Primary keys and generated keys should be bigint: int runs out at 2^31.", Risk::design,
            Specificity::generic};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"CreateStmt", "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const TypedColumn& column : context.columns(statement)) {
      std::string_view type = base_type(column.type_name);
      std::string_view limit = small_integer_limit(type);
      bool generated = column.identity || type.find("serial") != std::string_view::npos;
      if (limit.empty() || column.retyped || !(column.primary_key || generated)) continue;
      out.flag(context.located(statement, column).span,
               fmt::format("{} `{}` is {}: its values stop at {}, and widening it later is a "
                           "type change that rewrites the table and every index and foreign key "
                           "on it under an ACCESS EXCLUSIVE lock",
                           column.primary_key ? "primary key" : "generated key column",
                           column.column, type, limit),
               "Use bigint (bigint GENERATED … AS IDENTITY for generated keys): 8 bytes instead "
               "of 4, and no overflow in practice.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_prefer_bigint_key_rule() {
  return std::make_unique<PreferBigintKey>();
}

}  // namespace mgate
