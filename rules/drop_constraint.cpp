#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A validated CHECK (column IS NOT NULL) on a column that is NOT NULL itself guarantees nothing
// more: the usual helper of SET NOT NULL, dropped once it has served.
bool redundant_not_null_check(const LintContext& context, const std::string& table,
                              const std::string& name) {
  const TableModel* model = context.schema ? context.schema->constraints(table) : nullptr;
  if (!model) return false;
  for (const CheckConstraint& check : model->checks) {
    if (check.name == name && !check.not_null_column.empty() &&
        model->not_null.count(check.not_null_column)) {
      return true;
    }
  }
  return false;
}

class DropConstraint : public Rule {
 public:
  RuleInfo info() const override {
    return {"drop-constraint", Level::warning,
            "Dropping a primary key or constraint removes a guarantee that code and data rely on.",
            Risk::breaking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    // A down script drops constraints to revert its up's ADD CONSTRAINT; mgate does not track
    // constraint names, so down scripts are left alone.
    if (context.down) return;
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_DropConstraint")) {
      if (context.is_new(table)) continue;
      std::string name(cmd["name"].str());
      if (redundant_not_null_check(context, table, name)) continue;
      // PostgreSQL's default names tell the kind: <table>_pkey, _key (unique), _fkey, _check.
      std::string_view what =
          ends_with(name, "_pkey")
              ? "the primary key: foreign keys that reference it make the drop fail (or go "
                "with it under CASCADE), ON CONFLICT (…) clauses on it fail, duplicate rows "
                "become possible, and a table published for logical replication loses its "
                "replica identity, so its UPDATEs and DELETEs fail"
          : ends_with(name, "_key")
              ? "a unique constraint: ON CONFLICT clauses that target it fail and duplicates "
                "become possible"
              : "a constraint that writers may rely on to reject bad rows (a unique or primary "
                "key also serves ON CONFLICT, foreign keys and replication)";
      out.flag(statement.span,
               fmt::format("DROP CONSTRAINT `{}` on `{}` removes {}; it also takes an ACCESS "
                           "EXCLUSIVE lock on the table",
                           name, table, what),
               "Check that no code, foreign key or ON CONFLICT clause depends on it; to replace a "
               "constraint, add the new one first (NOT VALID, then VALIDATE) and drop the old "
               "one in a later migration, with `-- mgate:ignore drop-constraint -- <why>`.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_drop_constraint_rule() {
  return std::make_unique<DropConstraint>();
}

}  // namespace mgate
