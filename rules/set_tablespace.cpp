#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class SetTablespace : public Rule {
 public:
  RuleInfo info() const override {
    return {"set-tablespace", Level::error,
            "SET TABLESPACE copies the table or index to the new tablespace under an ACCESS "
            "EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"AlterTableStmt", "AlterTableMoveAllStmt"};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (sql::Node move = statement.node.as("AlterTableMoveAllStmt")) {
      out.flag(statement.span,
               fmt::format("ALTER … ALL IN TABLESPACE `{}` copies every matching relation to "
                           "`{}`, each under an ACCESS EXCLUSIVE lock: every read and write of "
                           "each one waits while its files are copied",
                           move["orig_tablespacename"].str(), move["new_tablespacename"].str()),
               std::string(kHelp));
      return;
    }
    bool index = statement.node.inner()["objtype"].str() == "OBJECT_INDEX";
    for (const auto& [relation, cmd] : context.alter_commands(statement, "AT_SetTableSpace")) {
      if (context.is_new(relation)) continue;
      out.flag(statement.span,
               fmt::format("SET TABLESPACE `{1}` copies {0} file by file while holding an ACCESS "
                           "EXCLUSIVE lock on it: {2} until the copy ends",
                           index ? fmt::format("index `{}`", relation)
                                 : fmt::format("table `{}` and its indexes", relation),
                           cmd["name"].str(),
                           index ? "every query that would use the index waits"
                                 : fmt::format("every read and write of `{}` waits", relation)),
               std::string(kHelp));
    }
  }

 private:
  static constexpr std::string_view kHelp =
      "Move data between tablespaces outside the migration, with an online tool such as "
      "pg_repack (--tablespace); for an index, build a copy with CREATE INDEX CONCURRENTLY … "
      "TABLESPACE and drop the old one concurrently.";
};

}  // namespace

std::unique_ptr<Rule> make_set_tablespace_rule() {
  return std::make_unique<SetTablespace>();
}

}  // namespace mgate
