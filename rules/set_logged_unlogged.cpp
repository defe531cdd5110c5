#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class SetLoggedUnlogged : public Rule {
 public:
  RuleInfo info() const override {
    return {"set-logged-unlogged", Level::error,
            "ALTER TABLE SET LOGGED or SET UNLOGGED rewrites the table under an ACCESS EXCLUSIVE "
            "lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] :
         context.alter_commands(statement, {"AT_SetLogged", "AT_SetUnLogged"})) {
      if (context.is_new(table)) continue;
      bool logged = cmd["subtype"].str() == "AT_SetLogged";
      out.flag(statement.span,
               fmt::format("SET {1} copies all of `{0}` into a new file{2} and rebuilds its "
                           "indexes while holding an ACCESS EXCLUSIVE lock: every read and write "
                           "of `{0}` waits until the copy ends",
                           table, logged ? "LOGGED" : "UNLOGGED",
                           logged ? ", writing every row to the WAL," : ""),
               logged ? "Create the table LOGGED from the start; to make a loaded table durable, "
                        "build a logged copy, fill it in batches and swap the names in a brief "
                        "transaction."
                      : "Leave the table logged: an UNLOGGED table loses its rows on a crash and "
                        "is not replicated. If it must change, do it in a maintenance window.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_set_logged_unlogged_rule() {
  return std::make_unique<SetLoggedUnlogged>();
}

}  // namespace mgate
