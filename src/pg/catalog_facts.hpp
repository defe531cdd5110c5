#pragma once
#include <string>
#include <vector>

// Facts the dynamic gates read from the catalog to judge what they measured.
namespace mgate::pg {

class Connection;
class Session;

// Whether any function of these names (any overload, in any schema) is volatile
// (pg_proc.provolatile): only a DEFAULT that calls one is evaluated per row, and rewrites the
// table; now() is stable, evaluated once and kept in the catalog. False for no names. Read on
// the migration's session, so it sees the functions its transaction created.
bool any_volatile_function(Session& session, const std::vector<std::string>& names);

// The planner's estimate of the rows of `relation` (pg_class.reltuples); 0 when there is no such
// relation.
double estimated_rows(Connection& connection, const std::string& relation);

// Runs ANALYZE on every table that has no statistics for some column (pg_stats, since
// pg_statistic is for superusers): new tables, and columns whose type a migration changed.
// Tables the migrations left alone keep the statistics they had.
void analyze_tables_without_statistics(Connection& connection);

}  // namespace mgate::pg
