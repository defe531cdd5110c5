#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

class DropConstraint : public Rule {
 public:
  RuleInfo info() const override {
    return {"drop-constraint", Level::warning,
            "Dropping a primary key or constraint removes a guarantee that code and data rely on."};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node alter = statement.node.as("AlterTableStmt");
    if (!alter) return;
    std::string table = sql::relation_name(alter["relation"]);
    // A down script drops constraints to revert its up's ADD CONSTRAINT; mgate does not track
    // constraint names, so down scripts are left alone.
    if (context.down || context.is_new(table)) return;
    for (const sql::Node& item : alter["cmds"].items()) {
      sql::Node cmd = item.as("AlterTableCmd");
      if (cmd["subtype"].str() != "AT_DropConstraint") continue;
      std::string name(cmd["name"].str());
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
