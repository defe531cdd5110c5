// The integrity gate on real PostgreSQL with generated fixture rows: one fixture per data defect
// (fixtures/dynamic/README.md lists them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/core.h>

#include <cstdio>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "integration/postgres.hpp"
#include "pg/connection.hpp"
#include "pg/fixture_generator.hpp"
#include "pg/table_data.hpp"
#include "sql/parsed_set.hpp"

namespace mgate::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class IntegrityGate : public PostgresSuite {
 protected:
  static Report integrity(const std::string& folder, const Config& config = default_config(),
                          std::vector<std::string> gates = {"integrity"}) {
    MigrationSet set = discover(config.root, config.root / ("fixtures/dynamic/" + folder));
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = std::move(gates);
    options.dynamic = true;
    options.postgres = &server();
    return run_pipeline(config, set, parsed, options);
  }
  // The same with friendly generated rows only ([fixtures] edge_values = false).
  static Report without_edge_values(const std::string& folder) {
    Config config = default_config();
    config.fixtures.edge_values = false;
    return integrity(folder, config);
  }
};

std::string all_messages(const Report& report) {
  std::string out;
  for (const Finding* f : report.findings()) out += f->rule + ": " + f->message + "\n";
  return out;
}

TEST_F(IntegrityGate, CleanMigrationsOnGeneratedRowsHaveNoFindings) {
  Report report = integrity("clean");
  EXPECT_THAT(report.findings(), IsEmpty()) << all_messages(report);
  const nlohmann::json& m = report.gates.at(0).metrics["migrations"]["002"];
  EXPECT_EQ(m["generated"]["public.accounts"], 1000) << m.dump();
  EXPECT_EQ(m["row_counts"]["public.accounts"]["after"], 1000);
  EXPECT_EQ(m["checksums"]["public.accounts"]["before_up"],
            m["checksums"]["public.accounts"]["after_down"]);
  // The dump restored into a fresh database gave the same schema and rows.
  ASSERT_TRUE(report.gates.at(0).metrics["dump_restore"].contains("pg_dump"))
      << report.gates.at(0).metrics["dump_restore"].dump();
  EXPECT_THAT(m["dump_restore"]["errors"], IsEmpty()) << m.dump();
  EXPECT_EQ(m["dump_restore"]["schema_differences"], 0) << m.dump();
  EXPECT_EQ(m["dump_restore"]["checksums"]["public.accounts"]["migrated"],
            m["dump_restore"]["checksums"]["public.accounts"]["restored"]);
}

TEST_F(IntegrityGate, FunctionThatReliesOnTheSearchPathFailsAfterDumpAndRestore) {
  Report report = integrity("integrity_search_path");
  auto failed = findings_of(report, "integrity-restore-failed");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->migration, "002");
  EXPECT_THAT(failed[0]->message, HasSubstr("relation \"regions\" does not exist"));
  EXPECT_THAT(failed[0]->evidence["errors"][0].get<std::string>(), HasSubstr("accounts"));
  // At the function the error's CONTEXT names.
  EXPECT_EQ(position_of(*failed[0]),
            "fixtures/dynamic/integrity_search_path/002_add_accounts_region.up.sql:5:1");
  // The rows of accounts did not come back.
  auto mismatch = findings_of(report, "integrity-restore-mismatch");
  ASSERT_THAT(mismatch, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(mismatch[0]->evidence["tables"][0]["table"], "public.accounts");
  EXPECT_EQ(mismatch[0]->evidence["tables"][0]["rows_migrated"], 1000);
  EXPECT_EQ(mismatch[0]->evidence["tables"][0]["rows_restored"], 0);
  // The data itself is fine on the migrated database.
  EXPECT_THAT(findings_of(report, "integrity-constraint-violated"), IsEmpty());
  EXPECT_THAT(findings_of(report, "integrity-rollback-data-lost"), IsEmpty());
}

TEST_F(IntegrityGate, TypeChangeThatTruncatesIsCaughtByTheRollbackChecksum) {
  Report report = integrity("integrity_truncating_type");
  auto lost = findings_of(report, "integrity-rollback-data-lost");
  ASSERT_THAT(lost, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(lost[0]->migration, "002");
  EXPECT_EQ(lost[0]->evidence["table"], "public.accounts");
  EXPECT_THAT(lost[0]->evidence["differing_keys"], SizeIs(5));
  EXPECT_NE(lost[0]->evidence["checksum_before_up"], lost[0]->evidence["checksum_after_down"]);
}

TEST_F(IntegrityGate, DownThatDropsAndReaddsAColumnLosesItsData) {
  Report report = integrity("integrity_down_recreates_column");
  auto lost = findings_of(report, "integrity-rollback-data-lost");
  ASSERT_THAT(lost, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(lost[0]->evidence["table"], "public.accounts");
  EXPECT_EQ(lost[0]->evidence["columns"], nlohmann::json({"id", "name"}));
  EXPECT_EQ(lost[0]->evidence["rows_after_down"], 1000);
}

TEST_F(IntegrityGate, MigrationThatFailsOnlyWhenRowsExistIsAnError) {
  Report report = integrity("integrity_fails_on_data");
  auto failed = findings_of(report, "integrity-fails-on-data");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->migration, "002");
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "23502");
  EXPECT_EQ(failed[0]->evidence["rows_before"]["public.accounts"], 1000);
  ASSERT_TRUE(failed[0]->location);
  EXPECT_EQ(failed[0]->location->file,
            "fixtures/dynamic/integrity_fails_on_data/002_require_region.up.sql");
  EXPECT_EQ(failed[0]->location->start.line, 3);
}

// One verdict per risk: lint's add-required-column states the failure, the integrity gate saw it
// happen on the rows, and the two are one finding with the measurement.
TEST_F(IntegrityGate, FailureOnTheRowsConfirmsTheLintFindingOfTheStatement) {
  Report report = integrity("integrity_fails_on_data", default_config(), {"lint", "integrity"});
  EXPECT_THAT(findings_of(report, "integrity-fails-on-data"), IsEmpty()) << all_messages(report);
  auto lint = findings_of(report, "add-required-column");
  ASSERT_THAT(lint, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(lint[0]->folded, Contains("integrity-fails-on-data"));
  const nlohmann::json& measured = lint[0]->evidence["measured"];
  EXPECT_EQ(measured["verdict"], "confirmed") << measured.dump();
  EXPECT_EQ(measured["findings"]["integrity-fails-on-data"]["sqlstate"], "23502");
  EXPECT_THAT(lint[0]->measured, HasSubstr("run on fixture rows, failed: ERROR 23502"));
}

TEST_F(IntegrityGate, NotValidForeignKeyOverOrphansIsCaught) {
  Config config = default_config();
  config.fixtures.seed = {"fixtures/dynamic/integrity_seeds/orphan_orders.sql"};
  Report report = integrity("integrity_not_valid_fk", config);
  auto violated = findings_of(report, "integrity-constraint-violated");
  ASSERT_THAT(violated, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(violated[0]->migration, "002");
  EXPECT_EQ(violated[0]->evidence["name"], "orders_account_fk");
  EXPECT_EQ(violated[0]->evidence["validated"], false);
  EXPECT_EQ(violated[0]->evidence["rows"], 2);
  EXPECT_THAT(violated[0]->message, HasSubstr("NOT VALID"));
}

// Each of these migrations passes on friendly generated rows and fails only on the edge rows
// (kEdgeRowEvery): the control run without edge values finds nothing.
TEST_F(IntegrityGate, NotValidForeignKeyOverEdgeIdsIsCaught) {
  Report report = integrity("integrity_edge_not_valid_fk");
  auto violated = findings_of(report, "integrity-constraint-violated");
  ASSERT_THAT(violated, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(violated[0]->evidence["name"], "orders_account_fk");
  EXPECT_EQ(violated[0]->evidence["validated"], false);
  // Rows 8, 16, ... hold edges; of the 1000 rows, those with 0, -1 and the bigint extremes
  // (four of the five non-NULL edges of a NOT NULL bigint) point at no account.
  EXPECT_EQ(violated[0]->evidence["rows"], 100);
  EXPECT_THAT(violated[0]->evidence["sample"].dump(), HasSubstr("9223372036854775807"));
  EXPECT_THAT(findings_of(without_edge_values("integrity_edge_not_valid_fk"),
                          "integrity-constraint-violated"),
              IsEmpty());
}

TEST_F(IntegrityGate, UniqueConstraintOverEdgeDuplicatesFailsOnData) {
  Report report = integrity("integrity_edge_unique");
  auto failed = findings_of(report, "integrity-fails-on-data");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "23505");
  EXPECT_THAT(failed[0]->evidence["detail"].get<std::string>(), HasSubstr("is duplicated"));
  EXPECT_THAT(findings_of(without_edge_values("integrity_edge_unique"), "integrity-fails-on-data"),
              IsEmpty());
}

TEST_F(IntegrityGate, SetNotNullOverEdgeNullsFailsOnData) {
  Report report = integrity("integrity_edge_not_null");
  auto failed = findings_of(report, "integrity-fails-on-data");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "23502");
  // Rows 8, 16, ... cycle through nickname's six edges; NULL is the first: rows 48, 96, ...
  const nlohmann::json& breaking = failed[0]->evidence["breaking_rows"];
  ASSERT_THAT(breaking, SizeIs(1)) << failed[0]->evidence.dump();
  EXPECT_EQ(breaking[0]["column"], "nickname");
  EXPECT_EQ(breaking[0]["rows"], 20);
  EXPECT_THAT(breaking[0]["sample"][0].get<std::string>(), ::testing::StartsWith("(48,"));
  EXPECT_THAT(failed[0]->message, HasSubstr("20 rows of accounts hold NULL in nickname"));
  EXPECT_THAT(
      findings_of(without_edge_values("integrity_edge_not_null"), "integrity-fails-on-data"),
      IsEmpty());
}

TEST_F(IntegrityGate, NarrowedTypeOverEdgeStringsFailsOnData) {
  Report report = integrity("integrity_edge_narrowing");
  auto failed = findings_of(report, "integrity-fails-on-data");
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->evidence["sqlstate"], "22001");
  // code's full-length edges, in ASCII and in two-byte UTF-8: 25 rows each.
  const nlohmann::json& breaking = failed[0]->evidence["breaking_rows"];
  ASSERT_THAT(breaking, SizeIs(1)) << failed[0]->evidence.dump();
  EXPECT_EQ(breaking[0]["demand"], "pg_catalog.varchar(12)");
  EXPECT_EQ(breaking[0]["rows"], 50);
  EXPECT_THAT(breaking[0]["sample"],
              ::testing::UnorderedElementsAre("'xxxxxxxxxxxxxxxxxxxx'", "'éééééééééééééééééééé'"));
  EXPECT_THAT(
      findings_of(without_edge_values("integrity_edge_narrowing"), "integrity-fails-on-data"),
      IsEmpty());
}

// One verdict per risk: the up fails on the empty database too (a column that does not exist),
// so forward-failed says it all; integrity's probe of the breaking rows, which names that
// column, must not turn into an environment error either.
TEST_F(IntegrityGate, FailureOnTheEmptyDatabaseIsForwardsAlone) {
  Config config = default_config();
  MigrationSet set = discover(config.root, config.root / "fixtures/dynamic/fails_forward");
  sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
  PipelineOptions options;
  options.gates = {"forward", "integrity"};
  options.dynamic = true;
  options.postgres = &server();
  Report report = run_pipeline(config, set, parsed, options);
  EXPECT_THAT(findings_of(report, "forward-failed"), SizeIs(1)) << all_messages(report);
  EXPECT_THAT(findings_of(report, "integrity-fails-on-data"), IsEmpty()) << all_messages(report);
  // Alone, the integrity gate still reports it: nothing else does.
  EXPECT_THAT(findings_of(integrity("fails_forward"), "integrity-fails-on-data"), SizeIs(1));
}

TEST_F(IntegrityGate, RowsLostThroughACascadeAreAnError) {
  Report report = integrity("integrity_rows_lost");
  auto lost = findings_of(report, "integrity-rows-lost");
  // accounts loses rows too, but the DELETE means it; orders loses them through the cascade.
  ASSERT_THAT(lost, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(lost[0]->migration, "002");
  EXPECT_EQ(lost[0]->evidence["table"], "public.orders");
  EXPECT_EQ(lost[0]->evidence["rows_before"], 1000);
  EXPECT_LT(lost[0]->evidence["rows_after"].get<long long>(), 1000);
  const nlohmann::json& counts = report.gates.at(0).metrics["migrations"]["002"]["row_counts"];
  EXPECT_EQ(counts["public.accounts"]["after"], 900) << counts.dump();
  EXPECT_EQ(counts["public.orders"]["after"], lost[0]->evidence["rows_after"]);
}

TEST_F(IntegrityGate, IndexLeftInvalidIsAnError) {
  Report report = integrity("integrity_invalid_index");
  auto invalid = findings_of(report, "integrity-invalid-index");
  ASSERT_THAT(invalid, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(invalid[0]->migration, "002");
  EXPECT_EQ(invalid[0]->evidence["name"], "events_at_idx");
  EXPECT_EQ(invalid[0]->evidence["table"], "public.events");
  EXPECT_EQ(report.gates.at(0).metrics["migrations"]["002"]["row_counts"]["public.events"]["after"],
            1000);
}

TEST_F(IntegrityGate, VerifyQueryThatReturnsFalseIsAnError) {
  Report report = integrity("integrity_verify");
  auto failed = findings_of(report, "integrity-verify-failed");
  // The first change's verify returns no rows: it passes.
  ASSERT_THAT(failed, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(failed[0]->migration, "0002");
  EXPECT_EQ(failed[0]->evidence["rows"], 1);
  ASSERT_TRUE(failed[0]->location);
  EXPECT_EQ(failed[0]->location->file, "fixtures/dynamic/integrity_verify/verify/blank_names.sql");
}

// Types, enums, domains, arrays, json, a unique column, a foreign key and a cycle.
TEST_F(IntegrityGate, GeneratorFillsEveryTableDeterministically) {
  auto checksums = [&](long long seed) {
    std::string db = server().clone(server().base(), "generator");
    std::string result;
    {
      pg::Connection c(server().admin(db));
      c.execute(
          "CREATE TYPE mood AS ENUM ('ok', 'sad');"
          "CREATE DOMAIN positive AS int CHECK (VALUE > 0);"
          "CREATE TABLE teams (id int PRIMARY KEY, code varchar(8) UNIQUE NOT NULL, "
          "  captain int);"
          "CREATE TABLE people (id uuid PRIMARY KEY, team int NOT NULL REFERENCES teams, "
          "  mood mood NOT NULL, score positive NOT NULL, tags text[] NOT NULL, doc jsonb, "
          "  born date, seen timestamptz, small smallint CHECK (small BETWEEN 1 AND 10), "
          "  price numeric(5,2), ok boolean NOT NULL, raw bytea);"
          "ALTER TABLE people ADD UNIQUE (score);"
          "ALTER TABLE teams ADD FOREIGN KEY (captain) REFERENCES people (score);");
      pg::GeneratedFixtures g = pg::generate_fixtures(c, {1000, seed});
      EXPECT_THAT(g.unfilled, IsEmpty()) << (g.unfilled.empty() ? "" : g.unfilled[0].reason);
      for (const auto& [_, t] : pg::read_table_data(c)) {
        EXPECT_EQ(t.rows, 1000) << t.name;
        result += t.name + "=" + pg::checksum(c, t, t.columns) + " ";
      }
    }
    server().drop(db);
    return result;
  };
  std::string first = checksums(7);
  EXPECT_EQ(first, checksums(7));
  EXPECT_NE(first, checksums(8));
}

TEST_F(IntegrityGate, EdgeValuesReachEveryColumnTheTableAllows) {
  std::string db = server().clone(server().base(), "generator_edges");
  {
    pg::Connection c(server().admin(db));
    c.execute(
        "CREATE TABLE plain (id int PRIMARY KEY, n int NOT NULL, f float8, d date, "
        "  t varchar(5), j jsonb, u uuid, a int[]);"
        "CREATE TABLE checked (id int PRIMARY KEY, n int NOT NULL CHECK (n > 0));");
    pg::FixtureOptions options{1000, 42, true};
    pg::GeneratedFixtures g = pg::generate_fixtures(c, options);
    ASSERT_THAT(g.filled, SizeIs(2));
    for (const pg::FilledTable& t : g.filled) {
      if (t.table == "public.checked") {
        EXPECT_FALSE(t.edges);
        EXPECT_THAT(t.edges_refused, HasSubstr("checked_n_check"));
      } else {
        EXPECT_TRUE(t.edges) << t.edges_refused;
      }
    }
    auto count = [&](const std::string& where) {
      return std::stoll(*c.rows_rolled_back("SELECT count(*) FROM plain WHERE " + where)[0][0]);
    };
    EXPECT_EQ(count("true"), 1000);
    EXPECT_EQ(count("id % 8 <> 0 AND (n <> id OR f IS NULL)"), 0);  // the friendly rows
    EXPECT_GT(count("n = 2147483647"), 0);
    EXPECT_GT(count("n = 1 AND id <> 1"), 0);  // a duplicate
    EXPECT_GT(count("f = 'NaN'"), 0);
    EXPECT_GT(count("f IS NULL"), 0);
    EXPECT_GT(count("d = 'infinity'"), 0);
    EXPECT_GT(count("t = ''"), 0);
    EXPECT_GT(count("length(t) = 5 AND octet_length(t) = 10"), 0);
    EXPECT_GT(count("jsonb_typeof(j) = 'array'"), 0);
    EXPECT_GT(count("u = '00000000-0000-0000-0000-000000000000'"), 0);
    EXPECT_GT(count("a = '{}'"), 0);
    EXPECT_EQ(*c.rows_rolled_back("SELECT count(*) FROM checked")[0][0], "1000");
  }
  server().drop(db);
}

// Throughput, not a check: run with --gtest_also_run_disabled_tests (bench/README.md). Friendly
// rows, then rows with edge values (the integrity gate's default).
TEST_F(IntegrityGate, DISABLED_GeneratesAMillionRowsAcrossTenTables) {
  for (bool edges : {false, true}) {
    std::string db = server().clone(server().base(), "generator_bench");
    {
      pg::Connection c(server().admin(db));
      std::string ddl =
          "CREATE TABLE t0 (id bigint PRIMARY KEY, name text NOT NULL, at timestamptz, "
          "doc jsonb, price numeric(10,2));";
      for (int i = 1; i < 10; ++i) {
        ddl += fmt::format(
            "CREATE TABLE t{0} (id bigint PRIMARY KEY, parent bigint NOT NULL REFERENCES t{1}, "
            "name text NOT NULL, at timestamptz, doc jsonb, price numeric(10,2));",
            i, i - 1);
      }
      c.execute(ddl);
      auto start = std::chrono::steady_clock::now();
      pg::GeneratedFixtures g = pg::generate_fixtures(c, {100000, 42, edges});
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      EXPECT_THAT(g.filled, SizeIs(10));
      for (const pg::FilledTable& t : g.filled) EXPECT_EQ(t.edges, edges) << t.edges_refused;
      std::printf("%s: generated 1,000,000 rows in 10 tables in %.2f s (%.0f rows/s)\n",
                  edges ? "edge values" : "friendly", seconds, 1e6 / seconds);
    }
    server().drop(db);
  }
}

}  // namespace
}  // namespace mgate::testing
