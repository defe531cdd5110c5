#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class LockTable : public Rule {
 public:
  RuleInfo info() const override {
    return {"lock-table", Level::warning,
            "LOCK TABLE in a mode that blocks writes holds that lock until the transaction "
            "ends.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"LockStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (!statement.node.is("LockStmt")) return;
    std::string tables;
    sql::LockMode mode = sql::LockMode::access_share;
    for (const sql::RelationLock& lock : context.locks(statement)) {
      if (!sql::blocks_writes(lock.mode) || context.is_new(lock.relation)) continue;
      tables += (tables.empty() ? "`" : ", `") + lock.relation + "`";
      mode = lock.mode;
    }
    if (tables.empty()) return;
    out.flag(statement.span,
             fmt::format("LOCK TABLE {0} takes {1} and holds it until the transaction commits: "
                         "{2} on {0} waits for everything after it in the migration, and the "
                         "lock request itself queues behind running queries while new ones "
                         "queue behind it",
                         tables, sql::to_string(mode), sql::what_it_blocks(mode)),
             "Drop the explicit lock: every statement takes the lock it needs. If the order of "
             "locks matters (to avoid a deadlock), set a short lock_timeout before it and keep "
             "the transaction to the statements that need it.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_lock_table_rule() {
  return std::make_unique<LockTable>();
}

}  // namespace mgate
