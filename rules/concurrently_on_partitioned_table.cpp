#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class ConcurrentlyOnPartitionedTable : public Rule {
 public:
  RuleInfo info() const override {
    return {"concurrently-on-partitioned-table", Level::error,
            "CREATE INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY fail on a partitioned table.",
            Risk::failure, Specificity::contextual};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"IndexStmt", "DropStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node stmt = statement.node.inner();
    if (!stmt["concurrent"].boolean() || !context.schema) return;
    if (statement.type() == "IndexStmt") {
      std::string table = sql::relation_name(stmt["relation"]);
      if (!context.is_partitioned(table)) return;
      out.flag(statement.span,
               fmt::format("CREATE INDEX CONCURRENTLY on `{0}` fails: `{0}` is partitioned, and "
                           "PostgreSQL refuses to build an index on a partitioned table "
                           "concurrently (\"cannot create index on partitioned table "
                           "concurrently\", SQLSTATE 0A000), so the migration stops here",
                           table),
               fmt::format("Create the index ON ONLY `{0}` (it is created invalid, without "
                           "building anything), build each partition's index with CREATE INDEX "
                           "CONCURRENTLY, then ALTER INDEX <parent index> ATTACH PARTITION "
                           "<partition index> for each partition.",
                           table));
      return;
    }
    if (stmt["removeType"].str() != "OBJECT_INDEX") return;
    for (const sql::Node& object : stmt["objects"].items()) {
      std::string index = sql::qualified_name(object);
      std::string table = context.schema->index_table(index);
      if (table.empty() || !context.is_partitioned(table)) continue;
      out.flag(statement.span,
               fmt::format("DROP INDEX CONCURRENTLY `{0}` fails: `{0}` is the index of the "
                           "partitioned table `{1}`, and PostgreSQL refuses to drop a "
                           "partitioned index concurrently (SQLSTATE 0A000), so the migration "
                           "stops here",
                           index, table),
               fmt::format("Drop it without CONCURRENTLY, with a short lock_timeout and a retry: "
                           "it takes ACCESS EXCLUSIVE on `{}` and its partitions, but only for "
                           "the catalog change.",
                           table));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_concurrently_on_partitioned_table_rule() {
  return std::make_unique<ConcurrentlyOnPartitionedTable>();
}

}  // namespace mgate
