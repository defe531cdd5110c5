#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class ValidateInSameTransaction : public Rule {
 public:
  RuleInfo info() const override {
    return {"validate-in-same-transaction", Level::error,
            "VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID scans "
            "the table under the add's strong lock.",
            Risk::blocking, Specificity::contextual};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (!context.in_transaction) return;
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_ValidateConstraint")) {
      if (context.is_new(table)) continue;
      std::string name(cmd["name"].str());
      if (!context.not_valid_in_transaction.count(table + "." + name)) continue;
      auto held = context.held_locks.find(table);
      sql::LockMode mode =
          held == context.held_locks.end() ? sql::LockMode::access_exclusive : held->second;
      out.flag(statement.span,
               fmt::format("VALIDATE CONSTRAINT `{1}` runs in the same transaction that added it "
                           "NOT VALID, which still holds {2} on `{0}`: the full validation scan "
                           "blocks {3} on `{0}`, just as adding it without NOT VALID would",
                           table, name, sql::to_string(mode), sql::what_it_blocks(mode)),
               "Move the VALIDATE CONSTRAINT into a later migration (or after a COMMIT): on its "
               "own it takes only SHARE UPDATE EXCLUSIVE, so reads and writes go on during the "
               "scan.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_validate_in_same_transaction_rule() {
  return std::make_unique<ValidateInSameTransaction>();
}

}  // namespace mgate
