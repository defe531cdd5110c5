#pragma once
#include <map>
#include <string>
#include <vector>

namespace mgate::pg {

class Connection;

// What the integrity gate compares about the rows of one user table (not its schema).
struct TableData {
  unsigned oid = 0;
  std::string name;                  // schema.table, quoted where needed
  long long rows = 0;                // count(*), not statistics
  std::vector<std::string> columns;  // by name, sorted
  std::vector<std::string> key;      // primary key columns; empty when there is none
};

// Every ordinary and partitioned table of the user's schemas (partitions are counted through
// their parent), by oid, with exact row counts.
std::map<unsigned, TableData> read_table_data(Connection& connection);

// An order-independent checksum of the rows of `table` over `columns` (sorted names): the same
// rows in any physical order, with the columns in any position, give the same value.
std::string checksum(Connection& connection, const TableData& table,
                     const std::vector<std::string>& columns);

// key text -> hash of the row over `columns`, for naming the rows that differ.
std::map<std::string, std::string> row_hashes(Connection& connection, const TableData& table,
                                              const std::vector<std::string>& columns);

}  // namespace mgate::pg
