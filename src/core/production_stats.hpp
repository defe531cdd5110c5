#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgate {

struct Config;

// The "schema" of the document `mgate stats` writes.
inline constexpr std::string_view kProductionStatsPrefix = "mgate-stats/";
inline constexpr int kProductionStatsVersion = 1;

// An index of a production table.
struct IndexSize {
  std::string name;  // schema.name, as format('%I.%I') writes it
  long long bytes = 0;
};

// A table (or partitioned table, or materialized view) of production as its catalog described
// it when `mgate stats` read it.
struct RelationSize {
  std::string kind;               // "table", "partitioned table", "materialized view"
  std::optional<long long> rows;  // pg_class.reltuples; nullopt: never vacuumed or analyzed
  long long bytes = 0;            // the heap, pg_class.relpages pages
  long long index_bytes = 0;      // its indexes together
  std::vector<IndexSize> indexes;
};

// How big production is: the file `mgate stats` writes and [fixtures] production_stats names.
struct ProductionStats {
  std::string source;  // the file, as configured: findings name it
  std::string server_version;
  std::string database;
  std::string taken_at;                           // UTC, ISO 8601
  std::map<std::string, RelationSize> relations;  // by schema.name

  // Production's rows of `table` (schema.name); nullopt when the file does not know them.
  std::optional<long long> rows_of(const std::string& table) const;
};

// Reads a stats document. A document that is no stats file, one of a newer mgate, and every key
// missing or of the wrong type are InputErrors naming `source` and the key.
ProductionStats production_stats_from_json(std::string_view text, const std::string& source);

// The file [fixtures] production_stats names (relative to the config's directory), read; nullopt
// when the key is unset. InputError when it cannot be read or is no stats file.
std::optional<ProductionStats> read_production_stats(const Config& config);

}  // namespace mgate
