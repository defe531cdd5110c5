#include "sql/statement_facts.hpp"

#include <algorithm>
#include <string_view>

#include "sql/locks.hpp"

namespace mgate::sql {
namespace {

std::string_view transaction_kind(const Node& statement) {
  return statement.as("TransactionStmt")["kind"].str();
}

bool is_one_of(std::string_view kind, std::initializer_list<std::string_view> kinds) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

std::vector<std::string> dropped(const Node& statement, std::string_view object_type) {
  std::vector<std::string> out;
  Node drop = statement.as("DropStmt");
  if (!drop || drop["removeType"].str() != object_type) return out;
  for (const Node& names : drop["objects"].items()) out.push_back(qualified_name(names));
  return out;
}

}  // namespace

std::vector<std::string> touched_relations(const Node& statement) {
  std::vector<std::string> out;
  for (const RelationLock& lock : locks_taken(statement)) out.push_back(lock.relation);
  for (const char* dml : {"InsertStmt", "UpdateStmt", "DeleteStmt"}) {
    if (Node n = statement.as(dml)) out.push_back(relation_name(n["relation"]));
  }
  return out;
}

std::vector<std::string> emptied_tables(const Node& statement) {
  std::vector<std::string> out = dropped(statement, "OBJECT_TABLE");
  if (Node del = statement.as("DeleteStmt")) out.push_back(relation_name(del["relation"]));
  if (Node truncate = statement.as("TruncateStmt")) {
    for (const Node& r : truncate["relations"].items()) {
      out.push_back(relation_name(r.as("RangeVar")));
    }
  }
  return out;
}

std::vector<std::string> dropped_indexes(const Node& statement) {
  return dropped(statement, "OBJECT_INDEX");
}

std::string created_function(const Node& statement) {
  return std::string(statement.as("CreateFunctionStmt")["funcname"].items().back().str());
}

bool opens_transaction(const Node& statement) {
  return is_one_of(transaction_kind(statement), {"TRANS_STMT_BEGIN", "TRANS_STMT_START"});
}

bool closes_transaction(const Node& statement) {
  return is_one_of(transaction_kind(statement), {"TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK"});
}

bool controls_transaction(const Node& statement) {
  return statement.is("TransactionStmt") ||
         statement.as("VariableSetStmt")["name"].str() == "TRANSACTION";
}

std::vector<AlterTableCommand> alter_table_commands(const Node& statement) {
  std::vector<AlterTableCommand> out;
  for (const Node& item : statement.as("AlterTableStmt")["cmds"].items()) {
    Node cmd = item.as("AlterTableCmd");
    AlterTableCommand& command = out.emplace_back();
    command.changes_column_type = cmd["subtype"].str() == "AT_AlterColumnType";
    if (cmd["subtype"].str() != "AT_AddColumn") continue;
    for (const Node& c : cmd["def"]["ColumnDef"]["constraints"].items()) {
      Node constraint = c.as("Constraint");
      if (constraint["contype"].str() == "CONSTR_DEFAULT")
        command.added_defaults.push_back(constraint["raw_expr"]);
    }
  }
  return out;
}

bool builds_index(const Node& statement) {
  if (statement.as("IndexStmt") || statement.as("ReindexStmt")) return true;
  for (const Node& item : statement.as("AlterTableStmt")["cmds"].items()) {
    Node cmd = item.as("AlterTableCmd");
    if (cmd["subtype"].str() != "AT_AddConstraint") continue;
    Node constraint = cmd["def"].as("Constraint");
    std::string_view type = constraint["contype"].str();
    bool indexed =
        type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE" || type == "CONSTR_EXCLUSION";
    if (indexed && !constraint["indexname"]) return true;
  }
  return false;
}

std::vector<std::string> called_functions(const Node& expression) {
  std::vector<std::string> out;
  expression.walk([&](const Node& node) {
    NodeList name = node.as("FuncCall")["funcname"].items();
    if (!name.empty()) out.emplace_back(name.back().str());
  });
  return out;
}

std::vector<RelationMention> relation_mentions(const Node& statement) {
  std::vector<RelationMention> out;
  auto consider = [&](const Node& range) {
    if (range["relname"].str().empty()) return;
    std::string qualified(range["relname"].str());
    if (!range["schemaname"].str().empty())
      qualified = std::string(range["schemaname"].str()) + "." + qualified;
    out.push_back({std::move(qualified), range.location()});
  };
  // A RangeVar is a wrapped node in lists (FROM, LOCK) and a bare object in the fields that
  // can only hold one (the table of ALTER TABLE, CREATE INDEX, a foreign key's target, ...).
  statement.walk([&](const Node& node) {
    if (node.is("RangeVar")) return consider(node.inner());
    for (const char* field : {"relation", "pktable", "table", "rel", "constrrel"}) {
      Node inside = node.inner()[field];
      if (inside && inside.type().empty()) consider(inside);
    }
  });
  return out;
}

}  // namespace mgate::sql
