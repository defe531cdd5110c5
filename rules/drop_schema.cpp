#include <fmt/core.h>

#include "rules/rule.hpp"
#include "sql/lexer.hpp"

namespace mgate {
namespace {

// DROP SCHEMA without CASCADE fails unless the schema is empty, so only CASCADE can take data and
// objects with it.
class DropSchema : public Rule {
 public:
  RuleInfo info() const override {
    return {"drop-schema", Level::error,
            "DROP SCHEMA … CASCADE silently drops every table, view and function inside.",
            Risk::data_loss};
  }

  std::vector<std::string_view> statement_types() const override { return {"DropStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node drop = statement.node.as("DropStmt");
    if (!drop || drop["removeType"].str() != "OBJECT_SCHEMA" ||
        drop["behavior"].str() != "DROP_CASCADE") {
      return;
    }
    std::string names;
    for (const sql::Node& object : drop["objects"].items()) {
      names += (names.empty() ? "`" : ", `") + std::string(object.str()) + "`";
    }
    std::optional<Fix> fix;
    std::size_t at = sql::find_keyword(statement.text, "CASCADE");
    if (at != std::string_view::npos) {
      Span span{statement.span.begin + at, statement.span.begin + at + 7};
      fix = Fix{"Drop the schema only if it is empty (RESTRICT)", {Edit{span, "RESTRICT", {}, {}}}};
    }
    out.flag(statement.span,
             fmt::format("DROP SCHEMA {} CASCADE drops every table, view, function, type and "
                         "sequence inside it, with their data, without listing them, and every "
                         "application query that uses one of them fails from then on",
                         names),
             "Drop the schema's objects one by one, each a reviewed change, then drop the empty "
             "schema without CASCADE: PostgreSQL refuses it (SQLSTATE 2BP01) if anything is "
             "left.",
             std::move(fix));
  }
};

}  // namespace

std::unique_ptr<Rule> make_drop_schema_rule() {
  return std::make_unique<DropSchema>();
}

}  // namespace mgate
