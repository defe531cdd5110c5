#include <fmt/core.h>

#include "rules/column_types.hpp"
#include "rules/rule.hpp"

namespace mgate {
namespace {

// "bigserial" for a serial type name, "identity" for GENERATED … AS IDENTITY, else "".
std::string sequence_kind(const sql::Node& column) {
  std::vector<sql::Node> names = column["typeName"]["names"].items();
  if (names.size() == 1) {
    std::string_view name = names[0].str();
    if (!serial_base(name).empty()) return std::string(name);
  }
  for (const sql::Node& c : column["constraints"].items()) {
    if (c.as("Constraint")["contype"].str() == "CONSTR_IDENTITY") return "identity";
  }
  return "";
}

class AddSerialColumn : public Rule {
 public:
  RuleInfo info() const override {
    return {"add-serial-column", Level::error,
            "Adding a serial or identity column to an existing table rewrites it under an "
            "ACCESS EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_AddColumn")) {
      if (context.is_new(table)) continue;
      sql::Node column = cmd["def"].as("ColumnDef");
      std::string kind = sequence_kind(column);
      if (kind.empty()) continue;
      out.flag(statement.span,
               fmt::format("ADD COLUMN `{1}` {2} draws a new sequence value for every existing "
                           "row: PostgreSQL rewrites all of `{0}` and rebuilds its indexes under "
                           "an ACCESS EXCLUSIVE lock, blocking every read and write of `{0}` "
                           "meanwhile",
                           table, column["colname"].str(),
                           kind == "identity" ? "GENERATED … AS IDENTITY" : kind),
               "Add a plain nullable bigint column, create a sequence and set it as the column's "
               "DEFAULT nextval(…) in a separate ALTER COLUMN … SET DEFAULT (new rows only), "
               "backfill existing rows in batches, then add NOT NULL through a validated CHECK.");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_add_serial_column_rule() {
  return std::make_unique<AddSerialColumn>();
}

}  // namespace mgate
