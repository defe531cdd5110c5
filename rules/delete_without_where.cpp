#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class DeleteWithoutWhere : public Rule {
 public:
  RuleInfo info() const override {
    return {"delete-without-where", Level::error,
            "DELETE without WHERE deletes every row of a pre-existing table.", Risk::data_loss};
  }

  std::vector<std::string_view> statement_types() const override { return {"DeleteStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node del = statement.node.as("DeleteStmt");
    if (!del || del["whereClause"]) return;
    std::string table = sql::relation_name(del["relation"]);
    if (context.is_new(table)) return;
    out.flag(statement.span,
             fmt::format("DELETE FROM `{}` without WHERE deletes every row for good, and in one "
                         "transaction: it holds a lock on each row until the migration commits, "
                         "blocking every concurrent UPDATE or DELETE of them",
                         table),
             "Add the WHERE clause that selects the rows to remove, and delete in batches "
             "(WHERE id IN (SELECT id FROM … WHERE … LIMIT 1000)); if emptying the table is "
             "really meant, say so with `-- mgate:ignore delete-without-where -- <why>`.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_delete_without_where_rule() {
  return std::make_unique<DeleteWithoutWhere>();
}

}  // namespace mgate
