#include <fmt/core.h>

#include "rules/column_types.hpp"
#include "rules/rule.hpp"

namespace mgate {
namespace {

class PreferTextOverChar : public Rule {
 public:
  RuleInfo info() const override {
    return {"prefer-text-over-char", Level::note, "Prefer text to char(n).", Risk::design};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"CreateStmt", "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const TypedColumn& column : context.columns(statement)) {
      // char(n) and character(n) are bpchar; the quoted "char" is a one-byte internal type.
      if (base_type(column.type_name) != "bpchar") continue;
      std::string modifiers = type_modifiers(column.type_name);
      out.flag(context.located(statement, column).span,
               fmt::format("column `{}` is char{}: values are blank-padded to the length, "
                           "trailing spaces are ignored in comparisons but kept elsewhere, and "
                           "longer values are an error; it is no faster than text",
                           column.column, modifiers.empty() ? "(1)" : modifiers),
               "Use text, with a CHECK constraint on char_length() if the length matters.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_prefer_text_over_char_rule() {
  return std::make_unique<PreferTextOverChar>();
}

}  // namespace mgate
