#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class TruncateTable : public Rule {
 public:
  RuleInfo info() const override {
    return {"truncate-table", Level::error,
            "TRUNCATE deletes every row of a pre-existing table (with CASCADE, of the tables "
            "that reference it too).",
            Risk::data_loss};
  }

  std::vector<std::string_view> statement_types() const override { return {"TruncateStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node truncate = statement.node.as("TruncateStmt");
    if (!truncate) return;
    std::string tables;
    for (const sql::Node& relation : truncate["relations"].items()) {
      std::string name = sql::relation_name(relation.as("RangeVar"));
      if (context.is_new(name)) continue;
      tables += (tables.empty() ? "`" : ", `") + name + "`";
    }
    if (tables.empty()) return;
    bool cascade = truncate["behavior"].str() == "DROP_CASCADE";
    out.flag(statement.span,
             fmt::format("TRUNCATE {} deletes every row for good{}, under an ACCESS EXCLUSIVE "
                         "lock that blocks every read and write of the table{} until the "
                         "transaction ends",
                         tables,
                         cascade ? ", and CASCADE also empties every table with a foreign key "
                                   "to it, and the tables referencing those, without naming them"
                                 : "",
                         cascade ? "s" : ""),
             "Delete only the rows that must go, in batches (DELETE … WHERE id IN (SELECT … "
             "LIMIT n)); if the table really must be emptied, take a backup and say so with "
             "`-- mgate:ignore truncate-table -- <why>`, and never use CASCADE.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_truncate_table_rule() {
  return std::make_unique<TruncateTable>();
}

}  // namespace mgate
