#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireUsingIndex : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-using-index", Level::error,
            "ADD PRIMARY KEY or UNIQUE without USING INDEX builds the index under an ACCESS "
            "EXCLUSIVE lock."};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node alter = statement.node.as("AlterTableStmt");
    if (!alter) return;
    std::string table = sql::relation_name(alter["relation"]);
    if (context.is_new(table)) return;
    for (const sql::Node& item : alter["cmds"].items()) {
      sql::Node cmd = item.as("AlterTableCmd");
      sql::Node constraint = cmd["def"].as("Constraint");
      if (cmd["subtype"].str() != "AT_AddConstraint" || !constraint["indexname"].str().empty()) {
        continue;
      }
      std::string_view type = constraint["contype"].str();
      if (type != "CONSTR_PRIMARY" && type != "CONSTR_UNIQUE") continue;
      std::string_view kind = type == "CONSTR_PRIMARY" ? "PRIMARY KEY" : "UNIQUE";
      out.flag(statement.span,
               fmt::format("ADD {1} on `{0}` builds its unique index while holding an ACCESS "
                           "EXCLUSIVE lock on `{0}`: every read and write of `{0}` waits for the "
                           "whole build",
                           table, kind),
               fmt::format("Build the index first with CREATE UNIQUE INDEX CONCURRENTLY "
                           "(non-transactional migration), then ADD CONSTRAINT … {} USING INDEX "
                           "<index>, which only takes the lock briefly.",
                           kind));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_using_index_rule() {
  return std::make_unique<RequireUsingIndex>();
}

}  // namespace mgate
