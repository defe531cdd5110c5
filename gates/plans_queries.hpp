#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/finding.hpp"
#include "core/source_file.hpp"

// The critical queries file of the plans gate ([plans] queries): named queries, each with an
// optional latency budget and the values of its parameters (docs/gates/plans.md):
//   -- name: order_history budget_ms=5
//   -- param: user_id=42
//   SELECT * FROM orders WHERE user_id = :user_id ORDER BY created_at DESC LIMIT 20;
namespace mgate {

struct CriticalQuery {
  std::string name;
  std::optional<double> budget_ms;            // the median must stay within it
  std::map<std::string, std::string> params;  // name -> SQL literal, as written
  std::string sql;                            // the statement with the values in place
  Location location;                          // the query's `-- name:` line
};

// Throws InputError, at file:line:column, for anything the file does not say clearly: a query
// without a name, an unknown attribute, a parameter without a value or a value no query uses,
// two queries of one name, more than one statement per query.
std::vector<CriticalQuery> parse_critical_queries(const SourceFile& file);

// Reads [plans] queries (relative to the config root); empty when the key is not set.
std::vector<CriticalQuery> read_critical_queries(const Config& config);

}  // namespace mgate
