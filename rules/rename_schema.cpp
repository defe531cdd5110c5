#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RenameSchema : public Rule {
 public:
  RuleInfo info() const override {
    return {"rename-schema", Level::error,
            "Renaming a schema breaks every query, search_path and grant that names the old one.",
            Risk::breaking};
  }

  std::vector<std::string_view> statement_types() const override { return {"RenameStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node rename = statement.node.as("RenameStmt");
    if (!rename || rename["renameType"].str() != "OBJECT_SCHEMA") return;
    out.flag(statement.span,
             fmt::format("ALTER SCHEMA `{0}` RENAME TO `{1}`: every deployed query that names "
                         "`{0}.…`, every role or function whose search_path lists `{0}`, and every "
                         "connection string that sets it fail or silently resolve to other "
                         "objects until all of them are updated",
                         rename["subname"].str(), rename["newname"].str()),
             fmt::format("Create `{1}` and move objects over step by step (or keep `{0}` with "
                         "views into `{1}`), switch the code, and drop `{0}` in a later release.",
                         rename["subname"].str(), rename["newname"].str()));
  }
};

}  // namespace

std::unique_ptr<Rule> make_rename_schema_rule() {
  return std::make_unique<RenameSchema>();
}

}  // namespace mgate
