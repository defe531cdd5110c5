#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// What the ALTER DOMAIN does that scans the domain's columns, or empty: ADD CONSTRAINT (unless
// NOT VALID), VALIDATE CONSTRAINT, SET NOT NULL.
std::string scanning_change(const sql::Node& alter) {
  std::string_view subtype = alter["subtype"].str();
  if (subtype == "C") {
    sql::Node constraint = alter["def"].as("Constraint");
    if (constraint["skip_validation"].boolean()) return "";
    std::string_view name = constraint["conname"].str();
    return name.empty() ? "ADD CONSTRAINT" : fmt::format("ADD CONSTRAINT {}", name);
  }
  if (subtype == "V") return fmt::format("VALIDATE CONSTRAINT {}", alter["name"].str());
  if (subtype == "O") return "SET NOT NULL";
  return "";
}

class AlterDomainConstraint : public Rule {
 public:
  RuleInfo info() const override {
    return {"alter-domain-constraint", Level::error,
            "Adding or validating a domain constraint scans every column of the domain under "
            "locks that block writes.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterDomainStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node alter = statement.node.as("AlterDomainStmt");
    std::string change = scanning_change(alter);
    if (change.empty()) return;
    std::string domain = sql::qualified_name(alter["typeName"]);
    if (context.is_new_type(domain)) return;
    std::string columns;
    if (context.schema && context.schema->is_domain(domain)) {
      for (const std::string& column : context.schema->columns_of_type(domain)) {
        std::string table = column.substr(0, column.rfind('.'));
        if (context.is_new(table)) continue;
        columns += (columns.empty() ? "`" : ", `") + column + "`";
      }
      // The model knows every column of this domain, and none holds old rows.
      if (columns.empty()) return;
    }
    std::string where = columns.empty()
                            ? "every table column declared with it"
                            : fmt::format("every column declared with it ({})", columns);
    out.flag(statement.span,
             fmt::format("ALTER DOMAIN `{0}` {1} checks every value of {2}, holding a SHARE lock "
                         "on each of those tables for the scan: every INSERT, UPDATE and DELETE "
                         "on them waits (for a domain, VALIDATE CONSTRAINT takes the same locks, "
                         "so NOT VALID only postpones the wait)",
                         domain, change, where),
             "Put the rule on the tables instead: ALTER TABLE … ADD CONSTRAINT … CHECK (…) NOT "
             "VALID, then VALIDATE CONSTRAINT in a later migration, which takes only SHARE "
             "UPDATE EXCLUSIVE. If the domain must carry it, add it NOT VALID (instant; new "
             "values are checked) and validate in a quiet window.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_alter_domain_constraint_rule() {
  return std::make_unique<AlterDomainConstraint>();
}

}  // namespace mgate
