#pragma once
#include <string>
#include <string_view>

namespace mgate::pg {

class Connection;

// The one catalog query behind `mgate stats` (docs/stats.md): it reads pg_class and
// pg_namespace only (no table is read or locked) and returns the whole stats document as one
// JSON value, so `psql -XAt -f` writes the same file mgate does.
std::string_view production_stats_query();

// Runs the query in a READ ONLY transaction on `connection` and returns the document. Throws
// QueryFailed when the server refuses it, ConnectionLost when the connection breaks.
std::string read_production_stats(Connection& connection);

}  // namespace mgate::pg
