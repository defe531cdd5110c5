#include <fmt/core.h>

#include <algorithm>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// Whether an ALTER TABLE subcommand reads or rewrites the whole table. A close approximation:
// it does not look at the default's volatility or at binary-coercible type changes.
bool full_pass(const AlteredTable::Command& command) {
  std::string_view subtype = command.subtype;
  const sql::Node& cmd = command.cmd;
  if (subtype == "AT_AlterColumnType" || subtype == "AT_SetNotNull" || subtype == "AT_SetLogged" ||
      subtype == "AT_SetUnLogged" || subtype == "AT_SetTableSpace") {
    return true;
  }
  if (subtype == "AT_AddConstraint") {
    sql::Node constraint = cmd["def"].as("Constraint");
    std::string_view type = constraint["contype"].str();
    if (type == "CONSTR_CHECK" || type == "CONSTR_FOREIGN") {
      return !constraint["skip_validation"].boolean();
    }
    if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") return !constraint["indexname"];
    return type == "CONSTR_EXCLUSION";
  }
  if (subtype == "AT_AddColumn") {
    sql::Node column = cmd["def"].as("ColumnDef");
    std::vector<sql::Node> names = column["typeName"]["names"].items();
    if (names.size() == 1 && names[0].str().find("serial") != std::string_view::npos) return true;
    for (const sql::Node& c : column["constraints"].items()) {
      std::string_view type = c.as("Constraint")["contype"].str();
      if (type == "CONSTR_IDENTITY" || type == "CONSTR_GENERATED") return true;
    }
  }
  return false;
}

// The altered table when the statement is an ALTER TABLE that takes ACCESS EXCLUSIVE on it.
std::string exclusive_alter(const sql::Statement& statement, const LintContext& context,
                            bool& passes) {
  const AlteredTable* alter = context.alter(statement);
  if (!alter || statement.node.inner()["objtype"].str() != "OBJECT_TABLE") return "";
  const std::vector<sql::RelationLock>& locks = context.locks(statement);
  if (locks.empty() || locks[0].mode != sql::LockMode::access_exclusive) return "";
  passes = std::any_of(alter->commands.begin(), alter->commands.end(), full_pass);
  return locks[0].relation;
}

class CombineAlterTable : public Rule {
 public:
  RuleInfo info() const override {
    return {"combine-alter-table", Level::note,
            "Consecutive ALTER TABLE statements on one table that could be one statement: one "
            "lock acquisition and one pass over the table.",
            Risk::blocking, Specificity::generic};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (!context.previous) return;
    bool passes = false;
    bool previous_passes = false;
    std::string table = exclusive_alter(statement, context, passes);
    if (table.empty() || context.is_new(table)) return;
    if (exclusive_alter(*context.previous, context, previous_passes) != table) return;
    // In one transaction the second lock request is free; only a second full pass costs.
    if (context.in_transaction && !(passes && previous_passes)) return;
    std::string why =
        context.in_transaction
            ? fmt::format(
                  "each reads or rewrites all of `{}` under ACCESS EXCLUSIVE, so every "
                  "read and write waits for two passes instead of one",
                  table)
            : fmt::format(
                  "outside a transaction each queues for its own ACCESS EXCLUSIVE lock "
                  "on `{}`, and every read and write queues behind each request",
                  table);
    out.flag(statement.span,
             fmt::format("This ALTER TABLE `{}` follows another on the same table: {}", table, why),
             fmt::format("Merge them into one ALTER TABLE {} with the subcommands separated by "
                         "commas: PostgreSQL takes the lock once and does a single pass.",
                         table));
  }
};

}  // namespace

std::unique_ptr<Rule> make_combine_alter_table_rule() {
  return std::make_unique<CombineAlterTable>();
}

}  // namespace mgate
