#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireConcurrentIndex : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-concurrent-index", Level::error,
            "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"IndexStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node index = statement.node.as("IndexStmt");
    if (!index || index["concurrent"].boolean()) return;
    std::string table = sql::relation_name(index["relation"]);
    if (context.is_new(table)) return;
    bool partitioned = context.is_partitioned(table);
    // ON ONLY builds nothing: on a partitioned table it creates the parent's index, invalid until
    // every partition's index (built CONCURRENTLY) is attached. Only a table the model knows to
    // be plain builds an index under ONLY.
    bool only = !index["relation"]["inh"].boolean();
    bool known_plain = context.schema && context.schema->table(table) && !partitioned;
    if (only && !known_plain) return;
    if (partitioned) {
      out.flag(
          statement.span,
          fmt::format("CREATE INDEX on the partitioned table `{0}` builds the index on every "
                      "partition, each under a SHARE lock held until the statement ends: "
                      "every INSERT, UPDATE and DELETE on `{0}` waits for the whole build, "
                      "and PostgreSQL cannot build it CONCURRENTLY on a partitioned table",
                      table),
          fmt::format("Create the index ON ONLY `{0}` (instant, left invalid), build each "
                      "partition's index with CREATE INDEX CONCURRENTLY (non-transactional "
                      "migrations), and ALTER INDEX <parent index> ATTACH PARTITION <partition "
                      "index> for each: the parent's index becomes valid when the last one "
                      "is attached.",
                      table));
      return;
    }
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
