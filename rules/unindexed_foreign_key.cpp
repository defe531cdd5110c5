#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

std::string joined(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& column : columns) out += (out.empty() ? "" : ", ") + column;
  return out;
}

// Checked at the end of the script, so an index created after the foreign key in the same
// migration counts.
class UnindexedForeignKey : public Rule {
 public:
  RuleInfo info() const override {
    return {"unindexed-foreign-key", Level::warning,
            "A foreign key whose referencing columns have no index makes every delete or key "
            "update on the referenced table scan the referencing one.",
            Risk::performance};
  }

  std::vector<std::string_view> statement_types() const override { return {}; }

  void check(const sql::Statement&, const LintContext&, RuleOutput&) const override {}

  void finish(const LintContext& context, RuleOutput& out) const override {
    if (context.down || !context.schema) return;
    for (const LintContext::ForeignKey& key : context.foreign_keys) {
      // A table the model does not know (created by other means) may well have its index.
      if (!context.schema->table(key.table) || key.columns.empty()) continue;
      if (context.schema->has_index_leading(key.table, key.columns)) continue;
      std::string columns = joined(key.columns);
      std::string message = fmt::format(
          "No index on `{0}` ({1}): every DELETE from `{2}` and every update of its key scans "
          "all of `{0}` to check the foreign key, holding row locks meanwhile, and joins from "
          "`{2}` to `{0}` cannot use an index",
          key.table, columns, key.target);
      std::string help = fmt::format(
          "Create an index whose leading columns are ({1}): in the same migration when `{0}` is "
          "new, otherwise with CREATE INDEX CONCURRENTLY in a non-transactional migration before "
          "adding the foreign key.",
          key.table, columns);
      // A table this migration created is empty: the cost grows with its rows, nothing happens
      // at deploy time.
      if (context.is_new(key.table)) {
        out.advise(key.where, std::move(message), std::move(help));
      } else {
        out.flag(key.where, std::move(message), std::move(help));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_unindexed_foreign_key_rule() {
  return std::make_unique<UnindexedForeignKey>();
}

}  // namespace mgate
