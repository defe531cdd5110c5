#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class AlterSystem : public Rule {
 public:
  RuleInfo info() const override {
    return {"alter-system", Level::error,
            "ALTER SYSTEM rewrites the server's configuration for every database on it.",
            Risk::security};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterSystemStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node alter = statement.node.as("AlterSystemStmt");
    if (!alter) return;
    std::string_view name = alter["setstmt"]["name"].str();
    out.flag(
        statement.span,
        fmt::format("ALTER SYSTEM {} `{}` writes postgresql.auto.conf: it changes the server "
                    "for every database and application on it at the next reload or "
                    "restart, it needs superuser, and it cannot run inside a transaction "
                    "block, so a migration tool that wraps the migration in one fails on it",
                    alter["setstmt"]["kind"].str().rfind("VAR_RESET", 0) == 0 ? "RESET" : "SET",
                    name.empty() ? "ALL" : name),
        "Change server settings in the server's configuration management; for this "
        "database or role only, use ALTER DATABASE … SET or ALTER ROLE … SET, or SET LOCAL "
        "in the migration itself.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_alter_system_rule() {
  return std::make_unique<AlterSystem>();
}

}  // namespace mgate
