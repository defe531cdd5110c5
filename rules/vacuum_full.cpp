#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

bool is_full(const sql::Node& vacuum) {
  for (const sql::Node& option : vacuum["options"].items()) {
    sql::Node def = option.as("DefElem");
    if (def["defname"].str() == "full") return def["arg"].str() != "false";
  }
  return false;
}

class VacuumFull : public Rule {
 public:
  RuleInfo info() const override {
    return {"vacuum-full", Level::error,
            "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock.", Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"VacuumStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    sql::Node vacuum = statement.node.as("VacuumStmt");
    if (!vacuum || !vacuum["is_vacuumcmd"].boolean() || !is_full(vacuum)) return;
    std::string tables;
    for (const sql::Node& r : vacuum["rels"].items()) {
      std::string table = sql::relation_name(r.as("VacuumRelation")["relation"]);
      if (context.is_new(table)) continue;
      tables += (tables.empty() ? "`" : ", `") + table + "`";
    }
    bool whole_database = vacuum["rels"].size() == 0;
    if (tables.empty() && !whole_database) return;
    out.flag(statement.span,
             fmt::format("VACUUM FULL rewrites {} into new files while holding an ACCESS "
                         "EXCLUSIVE lock: every read and write waits until the copy and its "
                         "index rebuilds end, and the copy needs as much free disk again",
                         whole_database ? "every table of the database" : tables),
             "Plain VACUUM (SHARE UPDATE EXCLUSIVE; reads and writes go on) is enough to make "
             "space reusable; to give space back to the operating system without blocking, use "
             "an online tool such as pg_repack outside the migration.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_vacuum_full_rule() {
  return std::make_unique<VacuumFull>();
}

}  // namespace mgate
