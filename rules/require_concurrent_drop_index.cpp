#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireConcurrentDropIndex : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-concurrent-drop-index", Level::error,
            "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"DropStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node drop = statement.node.as("DropStmt");
    if (!drop || drop["removeType"].str() != "OBJECT_INDEX" || drop["concurrent"].boolean()) {
      return;
    }
    sql::NodeList objects = drop["objects"].items();
    std::string index;
    for (const sql::Node& object : objects) {
      std::string name = sql::qualified_name(object);
      if (context.is_new(name)) continue;
      // A partitioned table's index cannot be dropped concurrently: there is nothing better to
      // write, and require-lock-timeout covers the wait for its lock.
      if (context.schema && context.is_partitioned(context.schema->index_table(name))) continue;
      index = name;
    }
    if (index.empty()) return;
    // DROP INDEX CONCURRENTLY drops one index and cannot CASCADE: only then is the fix mechanical.
    std::optional<Fix> fix;
    if (objects.size() == 1 && drop["behavior"].str() != "DROP_CASCADE") {
      fix = insert_after_keyword(statement, "INDEX", " CONCURRENTLY",
                                 "Drop the index with CONCURRENTLY");
    }
    out.flag(statement.span,
             fmt::format("DROP INDEX `{}` without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on "
                         "its table: while it waits behind running queries and while it drops, "
                         "every read and write of that table queues",
                         index),
             "Write DROP INDEX CONCURRENTLY (one index per statement, outside a transaction: mark "
             "the migration non-transactional); it waits for running queries without blocking "
             "new ones.",
             std::move(fix));
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_concurrent_drop_index_rule() {
  return std::make_unique<RequireConcurrentDropIndex>();
}

}  // namespace mgate
