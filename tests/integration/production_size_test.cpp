// Production size on real PostgreSQL: `mgate stats` reads row counts and sizes with its one
// catalog query, and the locks gate projects a migration's lock hold time to the row counts of a
// committed stats file (fixtures/dynamic/locks_production_size: 1,000,000 fixture rows, an index
// built without CONCURRENTLY). How close the projection comes to a direct measurement depends on
// the machine's load, so it is measured by bench/projection.cpp, not asserted here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "core/production_stats.hpp"
#include "discover/discover.hpp"
#include "gates/locks_projection.hpp"
#include "gates/pipeline.hpp"
#include "integration/postgres.hpp"
#include "pg/connection.hpp"
#include "sql/parsed_set.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr const char* kFixture = MGATE_SOURCE_DIR "/fixtures/dynamic/locks_production_size";

class ProductionSize : public PostgresSuite {
 protected:
  static Report locks(const Config& config) {
    MigrationSet set = discover(config.root, config.root / config.migrations.dir);
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = {"locks"};
    options.dynamic = true;
    options.postgres = &server();
    return run_pipeline(config, set, parsed, options);
  }

  static std::string url(const std::string& database) {
    pg::Endpoint e = server().admin(database);
    return "postgresql://" + e.user + "@localhost/" + database + "?host=" + e.host +
           "&port=" + std::to_string(e.port);
  }
};

TEST_F(ProductionSize, IndexBuildIsProjectedToProductionAndFailsTheBudget) {
  Config config = load_config(std::string(kFixture) + "/mgate.toml");
  config.postgres.statement_timeout = std::chrono::minutes(2);
  Report report = locks(config);
  ASSERT_EQ(report.gates.size(), 1u);
  EXPECT_EQ(report.gates[0].status, GateStatus::fail);

  const nlohmann::json& step = report.gates[0].metrics["migrations"]["002"].at(0);
  ASSERT_TRUE(step.contains("projection")) << step.dump(2);
  const nlohmann::json& p = step["projection"];
  EXPECT_EQ(p["table"], "public.events");
  EXPECT_EQ(p["production_rows"], 520000000);
  EXPECT_EQ(p["fixture_rows"], 1000000);
  EXPECT_EQ(p["model"], "n log n");
  EXPECT_EQ(p["source"], "mgate-stats.json");
  ASSERT_THAT(p["sizes"], SizeIs(3));
  EXPECT_EQ(p["sizes"][2]["rows"], 4000000);
  EXPECT_GT(p["hold_ms"].get<double>(), p["sizes"][2]["ms"].get<double>());

  std::vector<const Finding*> over = findings_of(report, "locks-blocking-over-budget");
  ASSERT_THAT(over, SizeIs(1));
  EXPECT_EQ(over[0]->migration, "002");
  EXPECT_EQ(over[0]->level, Level::error);
  EXPECT_EQ(over[0]->risk, "blocking");
  EXPECT_THAT(over[0]->message,
              AllOf(HasSubstr("holds SHARE on public.events for"),
                    HasSubstr("at 1,000,000 fixture rows; projected"),
                    HasSubstr("at 520,000,000 rows (production stats mgate-stats.json, [locks] "
                              "max_blocking is 2 s)"),
                    HasSubstr("every INSERT, UPDATE and DELETE on public.events waits")));
  EXPECT_THAT(over[0]->help, HasSubstr("CREATE INDEX CONCURRENTLY"));

  // The reported projection is the reported fit evaluated at production's row count.
  GrowthFit fit{GrowthModel::n_log_n, p["fit"]["a_ms"].get<double>(),
                p["fit"]["b_ms"].get<double>(), p["fit"]["r2"].get<double>()};
  double at_production = fit.at(520'000'000.0);
  EXPECT_NEAR(p["duration_ms"].get<double>(), at_production, std::abs(at_production) * 1e-6 + 1)
      << p.dump(2);
}

TEST_F(ProductionSize, WithoutStatsThereIsNoProjectionAndNoBudgetFinding) {
  Config config = load_config(std::string(kFixture) + "/mgate.toml");
  config.fixtures.production_stats.clear();
  config.fixtures.rows = 1000;
  Report report = locks(config);
  const nlohmann::json& step = report.gates[0].metrics["migrations"]["002"].at(0);
  EXPECT_FALSE(step.contains("projection")) << step.dump(2);
  EXPECT_THAT(findings_of(report, "locks-blocking-over-budget"), SizeIs(0));
}

TEST_F(ProductionSize, StatsCommandReadsRowCountsAndSizesAfterAnalyze) {
  std::string database = server().clone(server().base(), "stats");
  query(database,
        "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);"
        "INSERT INTO accounts SELECT g, 'user' || g FROM generate_series(1, 5000) g;"
        "CREATE INDEX accounts_email_idx ON accounts (email);"
        "CREATE TABLE audit (id bigint);"
        "ANALYZE accounts;");
  TempDir dir;
  RunResult r = run_mgate({"stats", "--database-url", url(database), "--output",
                           (dir.path() / "mgate-stats.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("mgate: wrote the sizes of 2 relations"));
  EXPECT_THAT(r.err, HasSubstr("1 were never analyzed"));
  ProductionStats stats =
      production_stats_from_json(read_file(dir.path() / "mgate-stats.json"), "mgate-stats.json");
  EXPECT_EQ(stats.rows_of("public.accounts"), 5000);
  EXPECT_EQ(stats.rows_of("public.audit"), std::nullopt);
  const RelationSize& accounts = stats.relations.at("public.accounts");
  EXPECT_EQ(accounts.kind, "table");
  EXPECT_GT(accounts.bytes, 0);
  ASSERT_THAT(accounts.indexes, SizeIs(2));
  EXPECT_EQ(accounts.indexes[0].name, "public.accounts_email_idx");
  EXPECT_EQ(accounts.index_bytes, accounts.indexes[0].bytes + accounts.indexes[1].bytes);

  // The query printed for psql writes the same document.
  RunResult printed = run_mgate({"stats", "--print-query"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  std::vector<std::vector<std::string>> rows = query(database, printed.out);
  ProductionStats same = production_stats_from_json(rows.at(0).at(0), "psql");
  EXPECT_EQ(same.rows_of("public.accounts"), 5000);
  server().drop(database);
}

TEST_F(ProductionSize, StatsCommandRefusesBadInput) {
  RunResult r = run_mgate({"stats"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--database-url"));
  r = run_mgate({"stats", "--database-url", "mysql://x"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_mgate({"stats", "--database-url", "postgresql://nobody@localhost/x?host=/nonexistent"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
}

}  // namespace
}  // namespace mgate::testing
