#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireUsingIndex : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-using-index", Level::error,
            "ADD PRIMARY KEY or UNIQUE without USING INDEX builds the index under an ACCESS "
            "EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_AddConstraint")) {
      sql::Node constraint = cmd["def"].as("Constraint");
      if (context.is_new(table) || !constraint["indexname"].str().empty()) continue;
      std::string_view type = constraint["contype"].str();
      if (type != "CONSTR_PRIMARY" && type != "CONSTR_UNIQUE") continue;
      std::string_view kind = type == "CONSTR_PRIMARY" ? "PRIMARY KEY" : "UNIQUE";
      std::string message = fmt::format(
          "ADD {1} on `{0}` builds its unique index while holding an ACCESS EXCLUSIVE lock on "
          "`{0}`: every read and write of `{0}` waits for the whole build",
          table, kind);
      if (context.is_partitioned(table)) {
        out.flag(statement.span, message + " (on every partition)",
                 fmt::format("USING INDEX is not supported on a partitioned table: build a unique "
                             "index on each partition with CREATE UNIQUE INDEX CONCURRENTLY, make "
                             "it the partition's constraint with ALTER TABLE <partition> ADD "
                             "CONSTRAINT … {} USING INDEX <index>, then add the constraint to "
                             "`{}`, which adopts the partitions' constraints instead of building "
                             "new indexes.",
                             kind, table));
        continue;
      }
      out.flag(statement.span, std::move(message),
               fmt::format("Build the index first with CREATE UNIQUE INDEX CONCURRENTLY "
                           "(non-transactional migration), then ADD CONSTRAINT … {} USING INDEX "
                           "<index>, which only takes the lock briefly.",
                           kind));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_using_index_rule() {
  return std::make_unique<RequireUsingIndex>();
}

}  // namespace mgate
