#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireNotValid : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-not-valid", Level::error,
            "A CHECK or FOREIGN KEY constraint added without NOT VALID scans the whole table "
            "under lock."};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node alter = statement.node.as("AlterTableStmt");
    if (!alter) return;
    std::string table = sql::relation_name(alter["relation"]);
    if (context.is_new(table)) return;
    std::vector<sql::Node> cmds = alter["cmds"].items();
    for (const sql::Node& item : cmds) {
      sql::Node cmd = item.as("AlterTableCmd");
      sql::Node constraint = cmd["def"].as("Constraint");
      if (cmd["subtype"].str() != "AT_AddConstraint" || constraint["skip_validation"].boolean()) {
        continue;
      }
      std::string_view type = constraint["contype"].str();
      std::string name(constraint["conname"].str());
      std::string named = name.empty() ? "" : fmt::format(" `{}`", name);
      std::string message;
      if (type == "CONSTR_CHECK") {
        message = fmt::format(
            "ADD CONSTRAINT{0} CHECK validates every row of `{1}` while holding an ACCESS "
            "EXCLUSIVE lock on it: every read and write of `{1}` waits for the full scan",
            named, table);
      } else if (type == "CONSTR_FOREIGN") {
        std::string target = sql::relation_name(constraint["pktable"]);
        message = fmt::format(
            "ADD CONSTRAINT{0} FOREIGN KEY checks every row of `{1}` against `{2}` while holding "
            "SHARE ROW EXCLUSIVE locks on both: every INSERT, UPDATE and DELETE on `{1}` and `{2}` "
            "waits for the full scan",
            named, table, target);
      } else {
        continue;
      }
      std::optional<Fix> fix;
      if (cmds.size() == 1)
        fix = insert_at_end(statement, " NOT VALID", "Add the constraint NOT VALID");
      std::string validate =
          name.empty() ? "VALIDATE CONSTRAINT <name>" : "VALIDATE CONSTRAINT " + name;
      out.flag(
          statement.span, std::move(message),
          fmt::format("Add it NOT VALID (new rows are checked at once, the lock is brief), then "
                      "run ALTER TABLE {} {} in a later migration: validation takes only "
                      "SHARE UPDATE EXCLUSIVE, so reads and writes go on during the scan.",
                      table, validate),
          std::move(fix));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_not_valid_rule() {
  return std::make_unique<RequireNotValid>();
}

}  // namespace mgate
