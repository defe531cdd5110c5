#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class Cluster : public Rule {
 public:
  RuleInfo info() const override {
    return {"cluster", Level::error,
            "CLUSTER rewrites the table in index order under an ACCESS EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"ClusterStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node cluster = statement.node.as("ClusterStmt");
    if (!cluster) return;
    std::string table = sql::relation_name(cluster["relation"]);
    if (cluster["relation"] && context.is_new(table)) return;
    std::string what = cluster["relation"]
                           ? fmt::format("`{}`", table)
                           : std::string("every table of the database clustered before");
    out.flag(statement.span,
             fmt::format("CLUSTER rewrites {} in index order while holding an ACCESS EXCLUSIVE "
                         "lock: every read and write waits until the copy and its index rebuilds "
                         "end",
                         what),
             "Do not reorder a live table in a migration: use an online tool such as pg_repack "
             "(--order-by) in a maintenance window, or drop the CLUSTER.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_cluster_rule() {
  return std::make_unique<Cluster>();
}

}  // namespace mgate
