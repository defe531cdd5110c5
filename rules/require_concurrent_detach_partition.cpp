#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireConcurrentDetachPartition : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-concurrent-detach-partition", Level::error,
            "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the "
            "partitioned table.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_DetachPartition")) {
      if (context.is_new(table)) continue;
      sql::Node partition_cmd = cmd["def"].as("PartitionCmd");
      if (partition_cmd["concurrent"].boolean()) continue;
      std::string partition = sql::relation_name(partition_cmd["name"]);
      std::optional<Fix> fix;
      std::string help;
      std::string default_partition =
          context.schema ? context.schema->default_partition(table) : "";
      if (context.pg_version < 14) {
        help =
            "PostgreSQL before 14 cannot detach concurrently: detach in a quiet window with "
            "a short lock_timeout and retry, or upgrade and use DETACH PARTITION … "
            "CONCURRENTLY.";
      } else if (!default_partition.empty()) {
        help = fmt::format(
            "`{}` has a default partition (`{}`), and PostgreSQL refuses DETACH … CONCURRENTLY "
            "while one exists (SQLSTATE 0A000): detach with a short lock_timeout and retry, or "
            "detach the default partition first if the design allows.",
            table, default_partition);
      } else {
        help =
            "Write DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+): it takes only SHARE "
            "UPDATE EXCLUSIVE, so reads and writes go on. It cannot run in a transaction: "
            "mark the migration non-transactional.";
        fix = insert_at_end(statement, " CONCURRENTLY", "Detach the partition concurrently");
      }
      out.flag(statement.span,
               fmt::format("DETACH PARTITION `{1}` holds an ACCESS EXCLUSIVE lock on `{0}` and "
                           "`{1}`: every read and write of the whole partitioned table waits, "
                           "and waits behind any running query on it before the detach starts",
                           table, partition),
               std::move(help), std::move(fix));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_concurrent_detach_partition_rule() {
  return std::make_unique<RequireConcurrentDetachPartition>();
}

}  // namespace mgate
