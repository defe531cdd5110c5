#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class DropDatabase : public Rule {
 public:
  RuleInfo info() const override {
    return {"drop-database", Level::error,
            "DROP DATABASE deletes a whole database; it has no place in a migration.",
            Risk::data_loss};
  }

  std::vector<std::string_view> statement_types() const override { return {"DropdbStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node drop = statement.node.as("DropdbStmt");
    if (!drop) return;
    out.flag(statement.span,
             fmt::format("DROP DATABASE `{}` deletes every table and row of that database for "
                         "good (with FORCE it also terminates its connections); a migration "
                         "that runs it against the wrong server or environment cannot be undone",
                         drop["dbname"].str()),
             "Drop databases by hand or in provisioning code, after a backup, not in a "
             "migration that every environment runs.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_drop_database_rule() {
  return std::make_unique<DropDatabase>();
}

}  // namespace mgate
