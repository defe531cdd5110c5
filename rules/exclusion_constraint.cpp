#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class ExclusionConstraint : public Rule {
 public:
  RuleInfo info() const override {
    return {"exclusion-constraint", Level::error,
            "ADD CONSTRAINT … EXCLUDE builds its index and checks every row under an ACCESS "
            "EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_AddConstraint")) {
      sql::Node constraint = cmd["def"].as("Constraint");
      if (context.is_new(table) || constraint["contype"].str() != "CONSTR_EXCLUSION") continue;
      std::string name(constraint["conname"].str());
      out.flag(statement.span,
               fmt::format("ADD CONSTRAINT{1} EXCLUDE builds its index over all of `{0}` and "
                           "checks every row against the others while holding an ACCESS "
                           "EXCLUSIVE lock: every read and write of `{0}` waits for the build. "
                           "An exclusion constraint can be neither NOT VALID nor built "
                           "CONCURRENTLY",
                           table, name.empty() ? "" : " `" + name + "`"),
               "Create exclusion constraints together with the table. On a loaded table, add it "
               "in a maintenance window, or enforce the rule another way (a trigger, or a "
               "unique index built CONCURRENTLY when equality suffices).");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_exclusion_constraint_rule() {
  return std::make_unique<ExclusionConstraint>();
}

}  // namespace mgate
