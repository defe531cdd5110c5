#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class CopyServerFile : public Rule {
 public:
  RuleInfo info() const override {
    return {"copy-server-file", Level::error,
            "COPY to or from a file reads or writes the database server's file system.",
            Risk::security};
  }

  std::vector<std::string_view> statement_types() const override { return {"CopyStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node copy = statement.node.as("CopyStmt");
    // No file name means STDIN/STDOUT: the data goes through the client connection.
    if (!copy || copy["is_program"].boolean() || copy["filename"].str().empty()) return;
    bool from = copy["is_from"].boolean();
    out.flag(statement.span,
             fmt::format("COPY … {} '{}' {} a file on the database server, as the server's "
                         "operating-system user: it needs superuser or pg_{}_server_files, "
                         "depends on a file that exists on one machine only, and {}",
                         from ? "FROM" : "TO", copy["filename"].str(), from ? "reads" : "writes",
                         from ? "read" : "write",
                         from ? "can read any file the server can (configuration, keys)"
                              : "can overwrite any file the server can write"),
             fmt::format("Use COPY … {} (psql's \\copy) so the data travels over the client "
                         "connection, or seed data with INSERT statements in the migration.",
                         from ? "FROM STDIN" : "TO STDOUT"));
  }
};

}  // namespace

std::unique_ptr<Rule> make_copy_server_file_rule() {
  return std::make_unique<CopyServerFile>();
}

}  // namespace mgate
