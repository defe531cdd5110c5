#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

std::string_view transaction_kind(const sql::Statement& statement) {
  return statement.node.as("TransactionStmt")["kind"].str();
}

bool opens_transaction(const sql::Statement& statement) {
  std::string_view kind = transaction_kind(statement);
  return kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START";
}

bool ends_transaction(const sql::Statement& statement) {
  std::string_view kind = transaction_kind(statement);
  return kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK";
}

// Whether a statement follows the COMMIT or ROLLBACK that ends the BEGIN at `index`. Only then
// does a BEGIN inside the tool's transaction hurt: a script wrapped whole in BEGIN … COMMIT
// (golang-migrate's idiom) commits everything at once either way. The scan stops at the first
// COMMIT, so over a script the scans never overlap.
bool runs_after_its_commit(const std::vector<sql::Statement>& statements, std::size_t index) {
  for (std::size_t i = index + 1; i < statements.size(); ++i) {
    if (ends_transaction(statements[i])) return i + 1 < statements.size();
  }
  return false;
}

// Whether a COMMIT or ROLLBACK comes before `index`.
bool after_a_commit(const std::vector<sql::Statement>& statements, std::size_t index) {
  for (std::size_t i = 0; i < index; ++i) {
    if (ends_transaction(statements[i])) return true;
  }
  return false;
}

class NestedTransaction : public Rule {
 public:
  RuleInfo info() const override {
    return {"nested-transaction", Level::warning,
            "BEGIN inside a transaction does nothing, and its COMMIT ends the outer one early.",
            Risk::failure};
  }

  std::vector<std::string_view> statement_types() const override { return {"TransactionStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (!opens_transaction(statement) || !context.in_transaction) return;
    if (context.explicit_transaction) {
      out.flag(statement.span,
               "BEGIN inside a transaction the script already opened: PostgreSQL ignores it "
               "with a warning, so the first COMMIT or ROLLBACK after it ends the outer "
               "transaction too, and the statements between the two COMMITs run on their own",
               "Remove the inner BEGIN and its COMMIT; use SAVEPOINT / RELEASE SAVEPOINT for a "
               "nested unit of work.");
      return;
    }
    const std::vector<sql::Statement>& statements = context.script->statements;
    const auto index = static_cast<std::size_t>(&statement - statements.data());
    if (!runs_after_its_commit(statements, index)) return;
    if (context.plan && context.plan->transaction == Transaction::query) {
      // One query string: PostgreSQL's implicit transaction becomes this BEGIN's without a
      // warning (the statements before it included), and after its COMMIT the rest of the string
      // runs in a new implicit transaction. The file is cut in two at the first COMMIT; a later
      // BEGIN … COMMIT cuts it again, which the first finding already says.
      if (after_a_commit(statements, index)) return;
      out.flag(statement.span,
               "BEGIN in a script that the migration tool sends as one query string: PostgreSQL "
               "runs everything up to its COMMIT as one transaction and commits it there, then "
               "the rest of the script in a new one, so a failure after the COMMIT leaves the "
               "migration half applied and recorded as failed",
               "Remove BEGIN and COMMIT: without them PostgreSQL runs the whole script as one "
               "transaction. Statements that must commit on their own belong in a migration of "
               "their own.");
      return;
    }
    out.flag(statement.span,
             "BEGIN in a migration that its tool already runs in a transaction: PostgreSQL "
             "ignores it with a warning, the script's COMMIT then commits the tool's "
             "transaction early, and every statement after it runs outside any transaction, so a "
             "failure there leaves the migration half applied",
             "Remove BEGIN and COMMIT from the script and let the migration tool's transaction "
             "cover it; if the statements must not run in a transaction, mark the migration "
             "non-transactional in its layout instead.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_nested_transaction_rule() {
  return std::make_unique<NestedTransaction>();
}

}  // namespace mgate
