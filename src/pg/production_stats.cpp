#include "pg/production_stats.hpp"

#include "pg/libpqxx.hpp"

namespace mgate::pg {

// Sizes come from relpages (as of the last VACUUM or ANALYZE, like reltuples) rather than
// pg_relation_size, which would take a lock on each relation of production.
std::string_view production_stats_query() {
  return R"sql(-- mgate stats: production's row counts and sizes for mgate's projections (docs/stats.md).
-- Reads the catalog only: no table is read or locked. Run it read-only, e.g.
--   PGOPTIONS='-c default_transaction_read_only=on' psql -XAtq -f mgate-stats.sql "$URL" > mgate-stats.json
SELECT json_build_object(
  'schema', 'mgate-stats/1',
  'server_version', current_setting('server_version'),
  'database', current_database(),
  'taken_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  'relations', coalesce((
    SELECT json_object_agg(r.name, json_build_object(
             'kind', r.kind, 'rows', r.rows, 'bytes', r.bytes,
             'index_bytes', r.index_bytes, 'indexes', r.indexes) ORDER BY r.name)
    FROM (
      SELECT format('%I.%I', n.nspname, c.relname) AS name,
             CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table'
                            ELSE 'materialized view' END AS kind,
             CASE WHEN c.reltuples < 0 THEN -1 ELSE c.reltuples::bigint END AS rows,
             c.relpages::bigint * current_setting('block_size')::bigint AS bytes,
             coalesce(sum(x.relpages::bigint * current_setting('block_size')::bigint), 0)::bigint
               AS index_bytes,
             coalesce(json_agg(json_build_object(
                        'name', format('%I.%I', n.nspname, x.relname),
                        'bytes', x.relpages::bigint * current_setting('block_size')::bigint)
                      ORDER BY x.relname) FILTER (WHERE x.oid IS NOT NULL), '[]'::json) AS indexes
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid
      LEFT JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
      WHERE c.relkind IN ('r', 'p', 'm')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
      GROUP BY n.nspname, c.oid, c.relname, c.relkind, c.reltuples, c.relpages
    ) r), '{}'::json));
)sql";
}

std::string read_production_stats(Connection& connection) {
  return translated([&] {
    pqxx::read_transaction tx(libpqxx(connection));
    std::string document = tx.exec1(std::string(production_stats_query()))[0].c_str();
    tx.commit();
    return document;
  });
}

}  // namespace mgate::pg
