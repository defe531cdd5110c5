#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class CopyProgram : public Rule {
 public:
  RuleInfo info() const override {
    return {"copy-program", Level::error,
            "COPY … PROGRAM runs a shell command on the database server.", Risk::security};
  }

  std::vector<std::string_view> statement_types() const override { return {"CopyStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node copy = statement.node.as("CopyStmt");
    if (!copy || !copy["is_program"].boolean()) return;
    out.flag(statement.span,
             fmt::format("COPY … {} PROGRAM '{}' runs that command as the operating-system user "
                         "of the PostgreSQL server, with its access to every data file: a "
                         "migration in a pull request becomes code execution on every server "
                         "(and CI machine) it runs on",
                         copy["is_from"].boolean() ? "FROM" : "TO", copy["filename"].str()),
             "Load and export data from the client: COPY … FROM STDIN / TO STDOUT (psql's \\copy), "
             "or the application's own import job, never a server-side program.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_copy_program_rule() {
  return std::make_unique<CopyProgram>();
}

}  // namespace mgate
