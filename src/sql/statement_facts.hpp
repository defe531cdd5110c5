#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sql/node.hpp"

// What the dynamic gates ask about a statement, answered from its parse tree, so that the names
// of libpg_query's nodes stay in src/sql. `statement` is the wrapped node, e.g.
// {"DropStmt": {...}}; relation names are normalised as in RelationLock (sql/locks.hpp).
namespace mgate::sql {

// The relations a statement locks (locks_taken) or writes rows to (INSERT, UPDATE, DELETE), in
// that order.
std::vector<std::string> touched_relations(const Node& statement);

// The tables whose rows the statement means to remove: DROP TABLE, DELETE, TRUNCATE.
std::vector<std::string> emptied_tables(const Node& statement);

// The indexes a DROP INDEX names.
std::vector<std::string> dropped_indexes(const Node& statement);

// The name a CREATE FUNCTION (or PROCEDURE) gives, without its schema; empty for any other
// statement.
std::string created_function(const Node& statement);

// BEGIN or START TRANSACTION.
bool opens_transaction(const Node& statement);
// COMMIT or ROLLBACK.
bool closes_transaction(const Node& statement);
// Whether the statement begins, ends or splits a transaction (BEGIN, COMMIT, ROLLBACK,
// SAVEPOINT, PREPARE TRANSACTION, ...) or sets its characteristics (SET TRANSACTION).
bool controls_transaction(const Node& statement);

// One subcommand of an ALTER TABLE, as far as whether it may rewrite the table goes.
struct AlterTableCommand {
  bool changes_column_type = false;  // ALTER COLUMN ... TYPE
  std::vector<Node> added_defaults;  // ADD COLUMN ... DEFAULT: the default expressions
};
// The subcommands of an ALTER TABLE, in order; empty for any other statement.
std::vector<AlterTableCommand> alter_table_commands(const Node& statement);

// Whether the statement builds an index by sorting its table's rows: CREATE INDEX (CONCURRENTLY
// too), REINDEX, or an ALTER TABLE that adds a primary key, unique or exclusion constraint
// without USING INDEX. Its duration grows as n log n with the rows, where a scan or a rewrite
// grows as n.
bool builds_index(const Node& statement);

// The functions an expression calls, by their last name (`now` for pg_catalog.now()), in the
// order they are written.
std::vector<std::string> called_functions(const Node& expression);

// A relation named in a statement, as written (`schema.name` when qualified, not normalised),
// and the byte offset of the name in the text parsed.
struct RelationMention {
  std::string name;
  int64_t location = -1;
};
// Every place a statement names a relation: in FROM and LOCK lists, and as the table of
// ALTER TABLE, CREATE INDEX, a foreign key's target, ...
std::vector<RelationMention> relation_mentions(const Node& statement);

}  // namespace mgate::sql
