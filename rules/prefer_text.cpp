#include <fmt/core.h>

#include <cctype>

#include "rules/column_types.hpp"
#include "rules/rule.hpp"

namespace mgate {
namespace {

// The column's name as it must be written in SQL: quoted unless it is a plain lower-case name.
std::string sql_name(std::string_view name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    plain = plain && (std::islower(static_cast<unsigned char>(c)) ||
                      std::isdigit(static_cast<unsigned char>(c)) || c == '_');
  }
  if (plain) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

class PreferText : public Rule {
 public:
  RuleInfo info() const override {
    return {"prefer-text", Level::note, "Prefer text to varchar(n).", Risk::design};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"CreateStmt", "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const TypedColumn& column : context.columns(statement)) {
      std::string modifiers = type_modifiers(column.type_name);
      if (base_type(column.type_name) != "varchar" || modifiers.empty()) continue;
      out.flag(context.located(statement, column).span,
               fmt::format("column `{}` is varchar{}", column.column, modifiers),
               fmt::format("use text with a CHECK constraint (CHECK (char_length({}) <= {})): "
                           "same storage and speed, and changing the limit later is a quick "
                           "constraint swap (NOT VALID, then VALIDATE) instead of a type change "
                           "that locks the table",
                           sql_name(column.column), modifiers.substr(1, modifiers.size() - 2)));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_prefer_text_rule() {
  return std::make_unique<PreferText>();
}

}  // namespace mgate
