#include <fmt/core.h>

#include "rules/column_types.hpp"
#include "rules/rule.hpp"

namespace mgate {
namespace {

class PreferTimestamptz : public Rule {
 public:
  RuleInfo info() const override {
    return {"prefer-timestamptz", Level::note, "Prefer timestamptz to timestamp without time zone.",
            Risk::design};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"CreateStmt", "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const TypedColumn& column : context.columns(statement)) {
      if (base_type(column.type_name) != "timestamp" || !builtin_spelling(column.type_name)) {
        continue;
      }
      out.flag(context.located(statement, column).span,
               fmt::format("column `{}` is timestamp without time zone: it stores a wall-clock "
                           "reading with no zone, so values written by servers or sessions in "
                           "different time zones (or across a DST change) cannot be compared "
                           "or converted correctly",
                           column.column),
               "Use timestamptz: it stores an absolute instant (same 8 bytes) and converts to "
               "the session's time zone on output.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_prefer_timestamptz_rule() {
  return std::make_unique<PreferTimestamptz>();
}

}  // namespace mgate
