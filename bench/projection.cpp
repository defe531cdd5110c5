// The locks gate's projection to production size against a direct measurement (issue 13): for an
// index build (CREATE INDEX, fitted as n log n) and a rewrite (ALTER COLUMN TYPE, fitted as n),
// the gate measures the statement at 1, 2 and 4 times ROWS fixture rows and projects it to a
// stats file that says production has 16 times ROWS (4 times the largest fitted size); the same
// statement is then timed directly on 16 times ROWS rows generated the same way and VACUUMed as
// the gate's sizes are. Prints both and their ratio.
// Usage: mgate_bench_projection [ROWS (default 250000)] [RUNS (default 3)]
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "pg/connection.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/fixture_generator.hpp"
#include "pg/provider.hpp"
#include "sql/parsed_set.hpp"

namespace fs = std::filesystem;
using namespace mgate;

namespace {

constexpr const char* kTable =
    "CREATE TABLE events (id bigint NOT NULL, account_id integer NOT NULL, kind text NOT NULL, "
    "created_at timestamptz NOT NULL)";
constexpr long long kProductionFactor = 16;  // 4 times the largest fitted size (4 x ROWS)

struct Scenario {
  std::string name;
  std::string statement;
};

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

// The gate's projection of the scenario's statement to kProductionFactor x rows.
nlohmann::json projected(pg::EphemeralServer& server, const Scenario& s, long long rows) {
  fs::path dir = fs::temp_directory_path() / fmt::format("mgate-bench-projection-{}", s.name);
  fs::remove_all(dir);
  write(dir / "db/001_create_events.up.sql", std::string(kTable) + ";\n");
  write(dir / "db/002_change.up.sql", s.statement + ";\n");
  nlohmann::json stats = {{"schema", "mgate-stats/1"},
                          {"server_version", "15"},
                          {"database", "bench"},
                          {"taken_at", "2026-01-01T00:00:00Z"},
                          {"relations",
                           {{"public.events",
                             {{"kind", "table"},
                              {"rows", rows * kProductionFactor},
                              {"bytes", 0},
                              {"index_bytes", 0},
                              {"indexes", nlohmann::json::array()}}}}}};
  write(dir / "mgate-stats.json", stats.dump());
  Config config;
  config.root = dir;
  config.fixtures.rows = static_cast<int>(rows);
  config.fixtures.production_stats = "mgate-stats.json";
  config.traffic.clients = 0;
  config.postgres.statement_timeout = std::chrono::minutes(30);
  MigrationSet set = discover(config.root, config.root / "db");
  sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
  PipelineOptions options;
  options.gates = {"locks"};
  options.dynamic = true;
  options.postgres = &server;
  Report report = run_pipeline(config, set, parsed, options);
  fs::remove_all(dir);
  return report.gates.at(0).metrics["migrations"]["002"].at(0).value("projection",
                                                                     nlohmann::json());
}

// The statement timed on `rows` generated rows, VACUUMed first.
double measured(pg::EphemeralServer& server, const Scenario& s, long long rows) {
  std::string database = server.clone(server.base(), "direct");
  double ms = 0;
  int pid = 0;
  {
    pg::Connection c(server.owner(database));
    c.execute(kTable);
    std::string problem = pg::append_generated_rows(c, "public.events", 1, rows, 42);
    if (!problem.empty()) throw std::runtime_error(problem);
    c.execute("VACUUM public.events");
    auto start = std::chrono::steady_clock::now();
    c.execute(s.statement);
    ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    pid = c.backend_pid();
  }
  server.wait_for_backends({pid});
  server.drop(database);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  long long rows = argc > 1 ? std::stoll(argv[1]) : 250'000;
  int runs = argc > 2 ? std::stoi(argv[2]) : 3;
  pg::EphemeralServer server(pg::make_local_provider({}), pg::ServerSettings{});
  std::vector<Scenario> scenarios = {
      {"index", "CREATE INDEX events_account_id_idx ON events (account_id)"},
      {"rewrite", "ALTER TABLE events ALTER COLUMN account_id TYPE bigint"}};
  fmt::print("fixture rows {}, fitted at {}/{}/{}, direct measurement at {} rows, PostgreSQL {}\n",
             rows, rows, 2 * rows, 4 * rows, kProductionFactor * rows, server.version());
  for (const Scenario& s : scenarios) {
    for (int run = 1; run <= runs; ++run) {
      nlohmann::json p = projected(server, s, rows);
      if (p.is_null()) {
        fmt::print("{}: no projection\n", s.name);
        return 1;
      }
      double direct = measured(server, s, kProductionFactor * rows);
      double projection = p["duration_ms"].get<double>();
      fmt::print(
          "{} run {}: model {}, sizes {}, fit a={:.1f} ms b={:.3g} r2={:.4f}; projected {:.0f} ms, "
          "measured {:.0f} ms, ratio {:.2f}\n",
          s.name, run, p["model"].get<std::string>(), p["sizes"].dump(),
          p["fit"]["a_ms"].get<double>(), p["fit"]["b_ms"].get<double>(),
          p["fit"]["r2"].get<double>(), projection, direct, projection / direct);
    }
  }
  return 0;
}
