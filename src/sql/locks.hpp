#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "sql/node.hpp"

namespace mgate::sql {

// PostgreSQL's table-level lock modes, weakest first (the order of the documentation's
// conflict table).
enum class LockMode {
  access_share,
  row_share,
  row_exclusive,
  share_update_exclusive,
  share,
  share_row_exclusive,
  exclusive,
  access_exclusive,
};

std::string_view to_string(LockMode mode);  // "ACCESS EXCLUSIVE"
// What ordinary traffic the mode stops, for messages: "every read and write", "writes", ...
std::string_view what_it_blocks(LockMode mode);
// Whether the mode conflicts with plain INSERT/UPDATE/DELETE (ROW EXCLUSIVE): such a lock, even
// while it only waits in the queue, stops the application.
bool blocks_writes(LockMode mode);

// A lock a statement takes on a relation it names (lower case, `schema.name` when written so,
// without a `public.` prefix).
struct RelationLock {
  std::string relation;
  LockMode mode;
};

// The locks a DDL statement takes on the relations it names, as PostgreSQL 15 takes them
// (AlterTableGetLockLevel and friends); for ALTER TABLE the strongest over its subcommands.
// Empty for statements that lock no existing relation in a way that matters (SELECT, CREATE
// TABLE, SET, ...). `statement` is the wrapped node, e.g. {"IndexStmt": {...}}.
std::vector<RelationLock> locks_taken(const Node& statement);

// The name of a RangeVar node, normalised as in RelationLock.
std::string relation_name(const Node& range_var);
// The name of a qualified-name list (DROP's objects), normalised as in RelationLock.
std::string qualified_name(const Node& names);

}  // namespace mgate::sql
