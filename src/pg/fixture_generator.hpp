#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace mgate::pg {

class Connection;

struct FixtureOptions {
  long long rows = 1000;  // per table
  long long seed = 42;
  // One generated row in kEdgeRowEvery holds, in each column, a value at the edge of what the
  // column allows (edge_values) instead of a friendly one.
  bool edges = false;
};

// Every how many generated rows one holds edge values (when FixtureOptions::edges).
inline constexpr int kEdgeRowEvery = 8;

struct FilledTable {
  std::string table;
  long long rows = 0;
  // Whether the rows include edge values: false when they were not asked for, or when the table
  // refused them (a CHECK, a domain, an expression index) and was filled with friendly rows.
  bool edges = false;
  std::string edges_refused;  // what the server said when the table refused the edge values
  std::chrono::milliseconds took{0};
};

// A table the generator could not fill, and what the server said when it tried.
struct UnfilledTable {
  std::string table;
  std::string reason;
};

struct GeneratedFixtures {
  std::vector<FilledTable> filled;
  std::vector<UnfilledTable> unfilled;
};

// Fills every empty user table with `rows` generated rows, server-side (one INSERT ... SELECT
// over generate_series per table), in foreign-key order. Values follow the column types
// (domains, enums, arrays and json included) and are a function of the row number and the seed:
// the same seed gives the same rows. Unique columns get distinct values; foreign keys point at
// existing rows of the referenced table; a foreign key inside a cycle is left NULL. Columns with
// a default, identity or generation expression get their default. With options.edges, one row in
// kEdgeRowEvery holds the hardest values each column allows instead (NULL where it is nullable,
// a duplicate where it is not unique, empty, blank, full-length and multi-byte strings, zero,
// negative and extreme numbers, NaN, infinite and far dates, JSON of other shapes: see
// edge_values in the .cpp); a table that refuses them is filled without them. A table that still
// fails (a CHECK the values do not meet, say) is retried with small values, then reported as
// unfilled.
GeneratedFixtures generate_fixtures(Connection& connection, const FixtureOptions& options);

// The generator's INSERT of one row of `table` (schema.table as in FilledTable), numbered by the
// statement's parameter $1 (bigint): a number past the rows already generated gives values no
// generated row has, and foreign keys that point at existing rows. Empty when the generator cannot
// write a row of it (no such table, a NOT NULL key into an empty table).
std::string generated_row_insert(Connection& connection, const std::string& table, long long seed);

// Appends `rows` generated rows to `table` (schema.table), numbered from `first_row` on (past the
// rows already generated, so unique columns stay unique), in one INSERT ... SELECT: how the locks
// gate grows a table to measure a statement at larger sizes. Returns why it could not (the
// server's message), or an empty string.
std::string append_generated_rows(Connection& connection, const std::string& table,
                                  long long first_row, long long rows, long long seed);

}  // namespace mgate::pg
