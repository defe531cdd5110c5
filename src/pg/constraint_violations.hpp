#pragma once
#include <string>
#include <vector>

namespace mgate::pg {

class Connection;

// Rows that break a rule the schema states, found by querying the rows rather than trusting the
// catalog: NOT VALID constraints were never checked against existing rows.
struct ConstraintViolation {
  std::string kind;                 // check, foreign key, not null, invalid index
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

}  // namespace mgate::pg
