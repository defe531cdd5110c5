#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

bool is_concurrent(const sql::Node& reindex) {
  for (const sql::Node& option : reindex["params"].items()) {
    sql::Node def = option.as("DefElem");
    if (def["defname"].str() == "concurrently") return def["arg"].str() != "false";
  }
  return false;
}

// Whether REINDEX TABLE or INDEX names a partitioned table or one of its indexes.
bool partitioned(std::string_view keyword, const std::string& target, const LintContext& context) {
  if (!context.schema) return false;
  if (keyword == "TABLE") return context.is_partitioned(target);
  return keyword == "INDEX" && context.is_partitioned(context.schema->index_table(target));
}

class RequireConcurrentReindex : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-concurrent-reindex", Level::error,
            "REINDEX without CONCURRENTLY blocks writes to the table and every query that "
            "would use the index while it rebuilds.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"ReindexStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node reindex = statement.node.as("ReindexStmt");
    if (!reindex || is_concurrent(reindex)) return;
    std::string_view kind = reindex["kind"].str();
    std::string keyword;
    std::string target;
    if (kind == "REINDEX_OBJECT_INDEX" || kind == "REINDEX_OBJECT_TABLE") {
      keyword = kind == "REINDEX_OBJECT_INDEX" ? "INDEX" : "TABLE";
      target = sql::relation_name(reindex["relation"]);
      if (context.is_new(target)) return;
    } else if (kind == "REINDEX_OBJECT_SCHEMA" || kind == "REINDEX_OBJECT_DATABASE") {
      keyword = kind == "REINDEX_OBJECT_SCHEMA" ? "SCHEMA" : "DATABASE";
      target = std::string(reindex["name"].str());
      if (target.empty()) target = "the current database";
    } else {
      keyword = "SYSTEM";
      target = "the system catalogs";
    }
    std::string what = keyword == "INDEX" ? fmt::format("index `{}`", target)
                                          : fmt::format("every index of `{}`", target);
    std::optional<Fix> fix;
    std::string help;
    if (keyword == "SYSTEM") {
      help = "Do not reindex the system catalogs in a migration: schedule it as maintenance.";
    } else if (context.pg_version < 14 && partitioned(keyword, target, context)) {
      help =
          "PostgreSQL before 14 cannot reindex a partitioned table or index at all: reindex "
          "each partition (REINDEX TABLE <partition> CONCURRENTLY on 12 and 13), each in a "
          "non-transactional migration.";
    } else if (context.pg_version < 12) {
      help =
          "PostgreSQL before 12 has no REINDEX CONCURRENTLY: build a replacement with CREATE "
          "INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY and rename the "
          "new one, each in a non-transactional migration.";
    } else {
      help = fmt::format(
          "Write REINDEX {} CONCURRENTLY (PostgreSQL 12+): it builds new copies under SHARE "
          "UPDATE EXCLUSIVE while reads and writes go on. It cannot run in a transaction: mark "
          "the migration non-transactional.",
          keyword);
      fix = insert_after_keyword(statement, keyword, " CONCURRENTLY",
                                 "Rebuild with REINDEX CONCURRENTLY");
    }
    out.flag(statement.span,
             fmt::format("REINDEX of {} without CONCURRENTLY holds a SHARE lock on the table, "
                         "blocking every INSERT, UPDATE and DELETE, and an ACCESS EXCLUSIVE lock "
                         "on each index it rebuilds, blocking every query whose planning opens "
                         "that index, until the rebuild ends",
                         what),
             std::move(help), std::move(fix));
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_concurrent_reindex_rule() {
  return std::make_unique<RequireConcurrentReindex>();
}

}  // namespace mgate
