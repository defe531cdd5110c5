#include <fmt/core.h>

#include <set>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// The first column named twice in an UPDATE's SET list, in ON CONFLICT DO UPDATE SET, or in an
// INSERT's column list; empty if none. Assignments to parts of a column (`SET a[1] = x,
// a[2] = y`, `SET c.f = x`) are allowed by PostgreSQL and skipped.
std::string first_duplicate(const sql::Node& targets) {
  std::set<std::string_view> seen;
  for (const sql::Node& item : targets.items()) {
    sql::Node target = item.as("ResTarget");
    if (target["indirection"]) continue;
    if (!seen.insert(target["name"].str()).second) return std::string(target["name"].str());
  }
  return "";
}

class DuplicateColumnAssignment : public Rule {
 public:
  RuleInfo info() const override {
    return {"duplicate-column-assignment", Level::error,
            "A column assigned twice in one UPDATE or INSERT makes PostgreSQL reject it.",
            Risk::failure};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"UpdateStmt", "InsertStmt"};
  }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node stmt = statement.node.inner();
    std::string column;
    std::string_view where;
    if (statement.type() == "UpdateStmt") {
      column = first_duplicate(stmt["targetList"]);
      where = "SET list of this UPDATE";
    } else if (statement.type() == "InsertStmt") {
      column = first_duplicate(stmt["cols"]);
      where = "column list of this INSERT";
      if (column.empty()) {
        column = first_duplicate(stmt["onConflictClause"]["targetList"]);
        where = "ON CONFLICT DO UPDATE SET list";
      }
    }
    if (column.empty()) return;
    out.flag(statement.span,
             fmt::format("column `{}` appears twice in the {}: PostgreSQL rejects the statement "
                         "(\"multiple assignments to same column\", SQLSTATE 42601), so the "
                         "migration fails here",
                         column, where),
             "Name each column once; keep the value you meant.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_duplicate_column_assignment_rule() {
  return std::make_unique<DuplicateColumnAssignment>();
}

}  // namespace mgate
