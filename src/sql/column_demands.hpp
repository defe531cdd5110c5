#pragma once
#include <string>
#include <vector>

#include "sql/node.hpp"

namespace mgate::sql {

// What an ALTER TABLE demands of the values a column already holds: that none is NULL (SET NOT
// NULL, ADD PRIMARY KEY), or that each converts to a new type (ALTER COLUMN ... TYPE without USING,
// which converts by assignment). The integrity gate looks for the rows that break it after the
// statement failed on them.
struct ColumnDemand {
  std::string schema;  // empty when the statement does not name one
  std::string table;
  std::string column;
  std::string type;  // the new type as SQL (e.g. pg_catalog.varchar(12)); empty for NOT NULL
};

// The demands of `statement` (a wrapped node), in the order written; empty for any statement
// that is not an ALTER TABLE, and for a type change with USING (its expression decides).
std::vector<ColumnDemand> column_demands(const Node& statement);

}  // namespace mgate::sql
