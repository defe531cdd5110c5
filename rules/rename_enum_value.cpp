#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RenameEnumValue : public Rule {
 public:
  RuleInfo info() const override {
    return {"rename-enum-value", Level::error,
            "Renaming an enum value breaks every deployed query and client that uses the old "
            "label.",
            Risk::breaking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterEnumStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node alter = statement.node.as("AlterEnumStmt");
    if (!alter || alter["oldVal"].str().empty()) return;
    std::string type = sql::qualified_name(alter["typeName"]);
    // No deployed code knows the labels of a type this migration created.
    if (context.is_new_type(type)) return;
    out.flag(statement.span,
             fmt::format("RENAME VALUE '{1}' TO '{2}' on enum `{0}`: the deployed application "
                         "still writes and compares '{1}', and every such query fails with "
                         "\"invalid input value for enum\" (SQLSTATE 22P02) until all instances "
                         "run the new code",
                         type, alter["oldVal"].str(), alter["newVal"].str()),
             fmt::format("Add '{0}' with ALTER TYPE … ADD VALUE, ship code that accepts both, "
                         "migrate the rows from '{1}' in batches, then stop writing '{1}' (enum "
                         "values cannot be dropped: consider a lookup table).",
                         alter["newVal"].str(), alter["oldVal"].str()));
  }
};

}  // namespace

std::unique_ptr<Rule> make_rename_enum_value_rule() {
  return std::make_unique<RenameEnumValue>();
}

}  // namespace mgate
