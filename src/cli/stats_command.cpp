// `mgate stats`: production's row counts and sizes, read with one read-only catalog query, for
// the locks gate's projections to production size (docs/stats.md).
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "core/production_stats.hpp"
#include "pg/connection.hpp"
#include "pg/production_stats.hpp"
#include "pg/provider.hpp"

namespace mgate {

CLI::App* add_stats_command(CLI::App& app, StatsCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "stats",
      "Print production's row counts and table and index sizes (one read-only catalog query) "
      "for [fixtures] production_stats, which projects the locks gate's timings to production "
      "size");
  cmd->add_option("--database-url", c.database_url,
                  "postgres:// URL of the production database (a read-only role is enough; no "
                  "table is read or locked)");
  cmd->add_option("--output", c.output,
                  "Write the stats to this file (whole or not at all) instead of stdout, e.g. "
                  "mgate-stats.json");
  cmd->add_flag("--print-query", c.print_query,
                "Print the catalog query instead, to run it with psql where mgate cannot reach "
                "production (docs/stats.md)");
  return cmd;
}

int run_stats(const StatsCommand& c) {
  if (c.print_query) {
    if (!c.database_url.empty() || !c.output.empty()) {
      throw InputError("--print-query prints the query only: drop --database-url and --output");
    }
    std::cout << pg::production_stats_query();
    return 0;
  }
  if (c.database_url.empty()) {
    throw InputError(
        "mgate stats needs --database-url URL of production (a read-only role is enough), or "
        "--print-query to run the query with psql (docs/stats.md)");
  }
  std::string document;
  {
    pg::Connection connection(pg::parse_database_url(c.database_url));
    try {
      document = pg::read_production_stats(connection);
    } catch (const pg::QueryFailed& e) {
      throw EnvironmentError(fmt::format("the server refused the stats query (SQLSTATE {}): {}",
                                         e.sqlstate(), e.what()));
    }
  }
  // What the server wrote is read back as mgate will read the file: a file that would not load
  // is never written.
  ProductionStats stats = production_stats_from_json(document, "the server's stats document");
  std::string text = nlohmann::json::parse(document).dump(2) + "\n";
  if (c.output.empty()) {
    std::cout << text;
    return 0;
  }
  if (int error = write_file(c.output, text)) {
    throw EnvironmentError(
        fmt::format("--output: cannot write '{}': {}", c.output, std::strerror(error)));
  }
  std::size_t unknown = 0;
  for (const auto& [name, relation] : stats.relations) unknown += !relation.rows;
  std::cerr << fmt::format(
      "mgate: wrote the sizes of {} relations of {} (PostgreSQL {}) into {}{}\n",
      stats.relations.size(), stats.database, stats.server_version, c.output,
      unknown
          ? fmt::format("; {} were never analyzed, their rows are unknown (run ANALYZE)", unknown)
          : "");
  return 0;
}

}  // namespace mgate
