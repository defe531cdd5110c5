#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireConcurrentRefresh : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-concurrent-refresh", Level::error,
            "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view for "
            "the whole refresh.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"RefreshMatViewStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node refresh = statement.node.as("RefreshMatViewStmt");
    // WITH NO DATA only empties the view: its lock is brief.
    if (!refresh || refresh["concurrent"].boolean() || refresh["skipData"].boolean()) return;
    std::string view = sql::relation_name(refresh["relation"]);
    if (context.is_new(view)) return;
    const ViewModel* model = context.schema ? context.schema->view(view) : nullptr;
    // A view created WITH NO DATA cannot be read before its first refresh, and that refresh
    // cannot be concurrent: nothing waits that would not fail anyway.
    if (model && !model->populated) return;
    std::string help =
        "Write REFRESH MATERIALIZED VIEW CONCURRENTLY: it takes an EXCLUSIVE lock, so reads of "
        "the view go on while the query runs, and it may run inside a transaction. It needs a "
        "unique index on plain columns of the view (no expression, no WHERE) and a view that "
        "has been populated.";
    std::optional<Fix> fix;
    if (model && !model->refresh_keys.empty()) {
      fix =
          insert_after_keyword(statement, "VIEW", " CONCURRENTLY", "Refresh the view concurrently");
    } else if (model) {
      help = fmt::format(
          "Create a unique index on plain columns of `{}` (no expression, no WHERE; CREATE "
          "UNIQUE INDEX CONCURRENTLY), then write REFRESH MATERIALIZED VIEW CONCURRENTLY: it "
          "takes an EXCLUSIVE lock, so reads of the view go on while the query runs.",
          view);
    }
    out.flag(statement.span,
             fmt::format("REFRESH MATERIALIZED VIEW `{0}` holds an ACCESS EXCLUSIVE lock on "
                         "`{0}` while it runs the view's query and replaces its rows: every "
                         "query that reads `{0}` waits for the whole refresh",
                         view),
             std::move(help), std::move(fix));
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_concurrent_refresh_rule() {
  return std::make_unique<RequireConcurrentRefresh>();
}

}  // namespace mgate
