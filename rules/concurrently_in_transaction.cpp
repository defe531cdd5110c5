#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// The CONCURRENTLY form the statement uses, if any: these cannot run inside a transaction block.
std::string_view concurrent_form(const sql::Statement& statement, const LintContext& context) {
  sql::Node stmt = statement.node.inner();
  std::string_view type = statement.type();
  if (type == "IndexStmt" && stmt["concurrent"].boolean()) return "CREATE INDEX CONCURRENTLY";
  if (type == "DropStmt" && stmt["concurrent"].boolean()) return "DROP INDEX CONCURRENTLY";
  if (type == "ReindexStmt") {
    for (const sql::Node& option : stmt["params"].items()) {
      if (option.as("DefElem")["defname"].str() == "concurrently") return "REINDEX CONCURRENTLY";
    }
  }
  for (const AlterCommand& detach : context.alter_commands(statement, "AT_DetachPartition")) {
    if (detach.cmd["def"]["PartitionCmd"]["concurrent"].boolean()) {
      return "DETACH PARTITION CONCURRENTLY";
    }
  }
  return {};
}

class ConcurrentlyInTransaction : public Rule {
 public:
  RuleInfo info() const override {
    return {"concurrently-in-transaction", Level::error,
            "A CONCURRENTLY statement inside a transaction fails: PostgreSQL refuses to run it "
            "in a transaction block.",
            Risk::failure};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"IndexStmt", "DropStmt", "ReindexStmt", "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (!context.in_transaction) return;
    std::string_view form = concurrent_form(statement, context);
    if (form.empty()) return;
    std::string_view why = context.explicit_transaction
                               ? "the script opened a transaction with BEGIN"
                               : "the migration tool runs this migration in a transaction";
    out.flag(
        statement.span,
        fmt::format("{} cannot run inside a transaction block, and {}: the migration fails "
                    "here with SQLSTATE 25001",
                    form, why),
        context.explicit_transaction
            ? std::string("Move the statement after COMMIT, outside BEGIN … COMMIT.")
            : fmt::format("Run it outside a transaction: {}.", context.plan->outside_transaction));
  }
};

}  // namespace

std::unique_ptr<Rule> make_concurrently_in_transaction_rule() {
  return std::make_unique<ConcurrentlyInTransaction>();
}

}  // namespace mgate
