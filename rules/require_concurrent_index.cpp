#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireConcurrentIndex : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-concurrent-index", Level::error,
            "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds."};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node index = statement.node.as("IndexStmt");
    if (!index || index["concurrent"].boolean()) return;
    std::string table = sql::relation_name(index["relation"]);
    if (context.is_new(table)) return;
    out.flag(statement.span,
             fmt::format("CREATE INDEX on `{0}` without CONCURRENTLY holds a SHARE lock on `{0}` "
                         "until the build ends: every INSERT, UPDATE and DELETE on `{0}` waits "
                         "for it, for as long as the build takes on a table of production size",
                         table),
             "Build it with CREATE INDEX CONCURRENTLY, which takes SHARE UPDATE EXCLUSIVE and "
             "lets reads and writes go on; it cannot run inside a transaction, so mark the "
             "migration non-transactional.",
             insert_after_keyword(statement, "INDEX", " CONCURRENTLY",
                                  "Build the index with CONCURRENTLY"));
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_concurrent_index_rule() {
  return std::make_unique<RequireConcurrentIndex>();
}

}  // namespace mgate
