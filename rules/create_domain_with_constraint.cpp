#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class CreateDomainWithConstraint : public Rule {
 public:
  RuleInfo info() const override {
    return {"create-domain-with-constraint", Level::note,
            "A constraint on a domain can only be changed later by scanning every table that "
            "uses the domain under write-blocking locks.",
            Risk::design};
  }

  std::vector<std::string_view> statement_types() const override { return {"CreateDomainStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node create = statement.node.as("CreateDomainStmt");
    std::string_view kinds;
    for (const sql::Node& item : create["constraints"].items()) {
      std::string_view type = item.as("Constraint")["contype"].str();
      if (type == "CONSTR_CHECK") kinds = "a CHECK constraint";
      if (type == "CONSTR_NOTNULL" && kinds.empty()) kinds = "NOT NULL";
    }
    if (kinds.empty()) return;
    out.flag(statement.span,
             fmt::format("domain `{}` carries {}: every later change to it is an ALTER DOMAIN "
                         "that checks every column declared with the domain in every table, "
                         "holding write-blocking SHARE locks (a domain's VALIDATE CONSTRAINT "
                         "takes them too), whereas a table's CHECK can be replaced online",
                         sql::qualified_name(create["domainname"]), kinds),
             "Declare the domain without constraints (or use the base type), and put the CHECK "
             "or NOT NULL on the table columns, where NOT VALID and VALIDATE (SHARE UPDATE "
             "EXCLUSIVE) let it change without blocking writes.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_create_domain_with_constraint_rule() {
  return std::make_unique<CreateDomainWithConstraint>();
}

}  // namespace mgate
