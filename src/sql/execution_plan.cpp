#include "sql/execution_plan.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <string_view>

namespace mgate::sql {
namespace {

bool has_option(const Node& options, std::string_view name) {
  const std::vector<Node> items = options.items();
  return std::any_of(items.begin(), items.end(), [&](const Node& option) {
    return option.as("DefElem")["defname"].str() == name;
  });
}

bool reindexes_many(const Node& reindex) {
  std::string_view kind = reindex["kind"].str();
  return kind == "REINDEX_OBJECT_SCHEMA" || kind == "REINDEX_OBJECT_DATABASE" ||
         kind == "REINDEX_OBJECT_SYSTEM";
}

bool adds_enum_value_before_12(const Node& statement, int pg_version) {
  return pg_version < 12 && statement.is("AlterEnumStmt") &&
         !statement.as("AlterEnumStmt")["oldVal"];
}

// Statements that refuse a transaction block whatever their options.
constexpr std::array<std::string_view, 7> kAlwaysOutside{
    "AlterSystemStmt",    "CreatedbStmt",           "DropdbStmt",          "CreateTableSpaceStmt",
    "DropTableSpaceStmt", "CreateSubscriptionStmt", "DropSubscriptionStmt"};

bool always_outside(std::string_view type) {
  return std::find(kAlwaysOutside.begin(), kAlwaysOutside.end(), type) != kAlwaysOutside.end();
}

// Whether a statement of this type may refuse a transaction block: the types always outside
// and those the checks below look into. Every other statement runs in one, and is answered
// before its type is asked a dozen times (a script of 20,000 statements is planned whole).
bool may_refuse(std::string_view type) {
  constexpr std::array<std::string_view, 9> kLookedInto{
      "IndexStmt",   "DropStmt",      "ReindexStmt",       "VacuumStmt",    "DiscardStmt",
      "ClusterStmt", "AlterEnumStmt", "AlterDatabaseStmt", "AlterTableStmt"};
  return always_outside(type) ||
         std::find(kLookedInto.begin(), kLookedInto.end(), type) != kLookedInto.end();
}

// What Flyway's PostgreSQL parser recognizes as non-transactional (PostgreSQLParser's
// detectCanExecuteInTransaction): a narrower list than PostgreSQL's. A statement PostgreSQL
// refuses that Flyway does not recognize runs in Flyway's transaction and fails.
bool flyway_runs_outside(const Node& statement, int pg_version) {
  const std::string_view type = statement.type();
  if (!may_refuse(type)) return false;
  if (always_outside(type)) return true;
  if (statement.as("IndexStmt")["concurrent"].boolean()) return true;
  if (statement.as("DropStmt")["concurrent"].boolean()) return true;
  if (reindexes_many(statement.as("ReindexStmt"))) return true;
  if (statement.as("VacuumStmt")["is_vacuumcmd"].boolean()) return true;
  if (statement.as("DiscardStmt")["target"].str() == "DISCARD_ALL") return true;
  return adds_enum_value_before_12(statement, pg_version);
}

}  // namespace

bool refuses_transaction_block(const Node& statement, int pg_version) {
  if (!may_refuse(statement.type())) return false;
  if (flyway_runs_outside(statement, pg_version)) return true;
  if (Node reindex = statement.as("ReindexStmt")) {
    return reindex["concurrent"].boolean() || has_option(reindex["params"], "concurrently");
  }
  if (Node cluster = statement.as("ClusterStmt")) return !cluster["relation"];
  if (Node database = statement.as("AlterDatabaseStmt")) {
    // Only SET TABLESPACE moves files and refuses a transaction block.
    return has_option(database["options"], "tablespace");
  }
  for (const Node& item : statement.as("AlterTableStmt")["cmds"].items()) {
    Node cmd = item.as("AlterTableCmd");
    if (cmd["subtype"].str() == "AT_DetachPartition" &&
        cmd["def"]["PartitionCmd"]["concurrent"].boolean())
      return true;
  }
  return false;
}

ExecutionPlan plan_execution(const ParsedScript& script, Transaction transaction,
                             const Layout& layout, int pg_version) {
  ExecutionPlan plan;
  plan.transaction = transaction;
  plan.outside_transaction = layout.outside_transaction;
  if (std::size_t at = plan.outside_transaction.find("<script>"); at != std::string::npos) {
    plan.outside_transaction.replace(
        at, 8, std::filesystem::path(script.file->path()).filename().string());
  }
  const std::vector<Statement>& statements = script.statements;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (refuses_transaction_block(statements[i].node, pg_version))
      plan.non_transactional.push_back(i);
  }

  std::optional<std::size_t> flyway_first_outside;
  switch (transaction) {
    case Transaction::script:
      plan.in_transaction = true;
      break;
    case Transaction::query:
      plan.in_transaction = statements.size() > 1;
      break;
    case Transaction::statement:
      plan.in_transaction = false;
      break;
    case Transaction::detect:
      for (std::size_t i = 0; i < statements.size() && !flyway_first_outside; ++i) {
        if (flyway_runs_outside(statements[i].node, pg_version)) flyway_first_outside = i;
      }
      plan.in_transaction = !flyway_first_outside;
      break;
  }

  if (plan.in_transaction && !plan.non_transactional.empty()) {
    plan.refusal = Refusal::in_transaction;
    plan.refused_at = plan.non_transactional.front();
  } else if (flyway_first_outside && statements.size() > 1) {
    // Flyway refuses a script with both kinds (mixed = false, its default), naming the first
    // statement after which it has seen both.
    bool outside_first = *flyway_first_outside == 0;
    for (std::size_t i = 1; i < statements.size(); ++i) {
      bool outside = flyway_runs_outside(statements[i].node, pg_version);
      if (outside != outside_first) {
        plan.refusal = Refusal::mixed;
        plan.refused_at = i;
        break;
      }
    }
  }
  return plan;
}

}  // namespace mgate::sql
