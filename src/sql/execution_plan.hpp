#pragma once
#include "core/execution_plan.hpp"
#include "core/layout.hpp"
#include "sql/node.hpp"
#include "sql/parsed_script.hpp"

namespace mgate::sql {

// Whether PostgreSQL refuses to run the statement inside a transaction block (SQLSTATE 25001):
// CREATE/DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY and REINDEX SCHEMA/DATABASE/SYSTEM,
// ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY, VACUUM, CLUSTER without a table, DISCARD
// ALL, ALTER SYSTEM, CREATE/DROP DATABASE, ALTER DATABASE ... SET TABLESPACE, CREATE/DROP
// TABLESPACE, CREATE/DROP SUBSCRIPTION and, before PostgreSQL 12, ALTER TYPE ... ADD VALUE.
bool refuses_transaction_block(const Node& statement, int pg_version);

// How `script` runs when its tool sends it as `transaction` says (the layout's rule or the
// script's own declaration): the one place that decides it.
ExecutionPlan plan_execution(const ParsedScript& script, Transaction transaction,
                             const Layout& layout, int pg_version);

}  // namespace mgate::sql
