#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

std::string_view article(std::string_view mode) {
  return mode.front() == 'A' || mode.front() == 'E' ? "an" : "a";
}

class RequireLockTimeout : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-lock-timeout", Level::warning,
            "A statement waits for a lock that blocks writes with no lock_timeout set.",
            Risk::blocking, Specificity::generic};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (context.lock_timeout_set) return;
    for (const sql::RelationLock& lock : context.locks(statement)) {
      if (!sql::blocks_writes(lock.mode) || context.is_new(lock.relation)) continue;
      if (context.held_locks.count(lock.relation) &&
          context.held_locks.at(lock.relation) >= lock.mode) {
        continue;  // the transaction already holds it: nothing to wait for
      }
      std::optional<Fix> fix;
      if (!context.blocked_writes_earlier) {
        fix = insert_before(statement, "SET lock_timeout = '5s';\n",
                            "Set a lock_timeout before the first statement that takes a lock");
      }
      out.flag(statement.span,
               fmt::format("This statement needs {3} {0} lock on `{1}` and no lock_timeout is set: "
                           "if a long query or an idle transaction holds `{1}`, it waits without "
                           "limit, and while it waits {2} on `{1}` queues behind it",
                           sql::to_string(lock.mode), lock.relation, sql::what_it_blocks(lock.mode),
                           article(sql::to_string(lock.mode))),
               "SET lock_timeout = '5s' (or SET LOCAL inside the transaction) before it, and retry "
               "the migration when it times out.",
               std::move(fix));
      return;
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_lock_timeout_rule() {
  return std::make_unique<RequireLockTimeout>();
}

}  // namespace mgate
