#pragma once
#include <string>
#include <vector>

namespace mgate::pg {

class Connection;

// Rows that break a rule the schema states, found by querying the rows rather than trusting the
// catalog: NOT VALID constraints were never checked against existing rows.
struct ConstraintViolation {
  std::string kind;                 // check, foreign key, not null, invalid index, type
  std::string table;                // schema.table
  std::string name;                 // constraint, column or index
  std::string definition;           // e.g. the constraint's definition
  bool validated = true;            // false for NOT VALID constraints
  long long rows = 0;               // rows that break it (0 for an invalid index)
  std::vector<std::string> sample;  // a few of those rows, as text
};

// CHECK constraints re-evaluated on every row, foreign keys by anti-join, NOT NULL columns, and
// indexes left invalid (pg_index.indisvalid) by a failed CREATE INDEX CONCURRENTLY.
std::vector<ConstraintViolation> find_violations(Connection& connection);

// The rows of `table` (in `schema`, or on the search path when empty) that break what a failed
// ALTER TABLE demanded of `column`: a NULL when `type` is empty (SET NOT NULL), else a value that
// does not convert to `type` by assignment (ALTER COLUMN ... TYPE without USING). The sample
// holds the rows as text for NULLs, the values themselves for a type. Runs as the connection's
// role, in a transaction it rolls back.
ConstraintViolation rows_breaking(Connection& connection, const std::string& schema,
                                  const std::string& table, const std::string& column,
                                  const std::string& type);

}  // namespace mgate::pg
