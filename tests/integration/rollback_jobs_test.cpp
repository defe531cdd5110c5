// The rollback gate with --jobs: the migrations split across workers, each on a clone of its
// own, give the report one worker gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/core.h>

#include <map>
#include <pqxx/pqxx>
#include <set>
#include <tuple>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "integration/postgres.hpp"
#include "pg/provider.hpp"
#include "sql/parsed_set.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

// Migration i creates t<i> and adds a column to t<i-1>; its down undoes both. `up` and `down`
// replace the scripts of the migrations they name.
void write_history(const TempDir& repo, int count, const std::map<int, std::string>& up = {},
                   const std::map<int, std::string>& down = {}) {
  for (int i = 1; i <= count; ++i) {
    std::string stem = fmt::format("db/{:03}_step_{}", i, i);
    std::string up_sql = fmt::format("CREATE TABLE t{0} (id int PRIMARY KEY, name text);\n", i);
    std::string down_sql = fmt::format("DROP TABLE t{};\n", i);
    if (i > 1) {
      up_sql += fmt::format("ALTER TABLE t{} ADD COLUMN next_id int;\n", i - 1);
      down_sql += fmt::format("ALTER TABLE t{} DROP COLUMN next_id;\n", i - 1);
    }
    repo.write(stem + ".up.sql", up.contains(i) ? up.at(i) : up_sql);
    if (!down.contains(i)) {
      repo.write(stem + ".down.sql", down_sql);
    } else if (!down.at(i).empty()) {
      repo.write(stem + ".down.sql", down.at(i));
    }
  }
}

class RollbackJobs : public PostgresSuite {
 protected:
  static Report check_with_jobs(const std::string& dir, const Config& config, int jobs,
                                std::vector<std::string> gates = {"forward", "rollback"},
                                pg::EphemeralServer* on = nullptr) {
    MigrationSet set = discover(config.root, config.root / dir);
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = std::move(gates);
    options.dynamic = true;
    options.postgres = on ? on : &server();
    options.jobs = jobs;
    return run_pipeline(config, set, parsed, options);
  }

  static Config config_at(const TempDir& repo) {
    Config config = default_config();
    config.root = repo.path();
    return config;
  }
};

using Seen = std::tuple<std::string, std::string, std::string, std::string, std::string>;

// Everything a reader of the report sees of the findings, in report order.
std::vector<Seen> seen(const Report& report) {
  std::vector<Seen> out;
  for (const Finding* f : report.findings())
    out.emplace_back(f->gate, f->rule, position_of(*f), f->message, f->migration);
  return out;
}

std::vector<std::pair<std::string, GateStatus>> statuses(const Report& report) {
  std::vector<std::pair<std::string, GateStatus>> out;
  for (const GateResult& g : report.gates) out.emplace_back(g.gate, g.status);
  return out;
}

const GateResult& rollback_of(const Report& report) {
  for (const GateResult& g : report.gates) {
    if (g.gate == "rollback") return g;
  }
  throw std::runtime_error("no rollback gate in the report");
}

void expect_same_report(const Report& one, const Report& many) {
  EXPECT_EQ(seen(one), seen(many));
  EXPECT_EQ(statuses(one), statuses(many));
  const GateResult& a = rollback_of(one);
  const GateResult& b = rollback_of(many);
  EXPECT_EQ(a.metrics["checked"], b.metrics["checked"]);
  EXPECT_EQ(a.metrics["checked_in_transaction"], b.metrics["checked_in_transaction"]);
  EXPECT_EQ(a.metrics.value("stopped_at", ""), b.metrics.value("stopped_at", ""));
}

TEST_F(RollbackJobs, DefectsAcrossWorkersAreReportedAsByOneWorker) {
  TempDir repo;
  write_history(repo, 30, {},
                {{5, "ALTER TABLE t4 DROP COLUMN next_id;\n"},  // leaves t5 behind
                 {11, "DROP TABLE t11;\nALTER TABLE t1O DROP COLUMN next_id;\n"},
                 {17, ""},  // no down
                 {23,       // puts t22.id after t22.name
                  "DROP TABLE t23;\nALTER TABLE t22 DROP COLUMN next_id;\nALTER TABLE t22 DROP "
                  "COLUMN id;\nALTER TABLE t22 ADD COLUMN id int PRIMARY KEY;\n"},
                 {28, "DROP TABLE t28;\n"}});  // leaves t27.next_id behind
  Config config = config_at(repo);
  Report one = check_with_jobs("db", config, 1);
  Report three = check_with_jobs("db", config, 3);
  EXPECT_EQ(rollback_of(one).metrics["workers"], 1);
  EXPECT_EQ(rollback_of(three).metrics["workers"], 3);
  expect_same_report(one, three);
  // Each defect is found, whichever worker's range it falls in.
  std::set<std::string> migrations;
  for (const Finding* f : one.findings()) migrations.insert(f->migration);
  EXPECT_EQ(migrations, (std::set<std::string>{"005", "011", "017", "023", "028"}));
  EXPECT_THAT(findings_of(three, "rollback-down-failed"), SizeIs(1));
  EXPECT_THAT(findings_of(three, "rollback-missing-down"), SizeIs(1));
  EXPECT_THAT(findings_of(three, "rollback-column-order"), SizeIs(1));
}

TEST_F(RollbackJobs, FailingUpInTheMiddleStopsTheChecksThereWhateverTheJobs) {
  TempDir repo;
  write_history(repo, 30, {{16, "ALTER TABLE missing ADD COLUMN x int;\n"}},
                {{3, "DROP TABLE t3;\n"}, {26, "DROP TABLE t26;\n"}});
  Config config = config_at(repo);
  Report one = check_with_jobs("db", config, 1);
  Report three = check_with_jobs("db", config, 3);
  EXPECT_EQ(rollback_of(three).metrics["workers"], 3);
  expect_same_report(one, three);
  EXPECT_EQ(rollback_of(three).metrics["stopped_at"], "016");
  EXPECT_THAT(findings_of(three, "forward-failed"), SizeIs(1));
  // The defect before the failing up is found; the one after it is never reached.
  auto mismatch = findings_of(three, "rollback-schema-mismatch");
  ASSERT_THAT(mismatch, SizeIs(1));
  EXPECT_EQ(mismatch[0]->migration, "003");
}

TEST_F(RollbackJobs, FixturesGiveTheSameReportWithOneAndManyJobs) {
  for (std::string dir : {"fixtures/dynamic/broken_downs_in_sequence", "fixtures/demo"}) {
    Config config = default_config();
    Report one = check_with_jobs(dir, config, 1);
    Report many = check_with_jobs(dir, config, 3);
    expect_same_report(one, many);
    EXPECT_FALSE(seen(one).empty()) << dir;
    // Too few migrations to be worth a second worker.
    EXPECT_EQ(rollback_of(many).metrics["workers"], 1) << dir;
  }
}

std::vector<std::vector<std::string>> scratch_databases(pg::EphemeralServer& server,
                                                        const std::string& admin_db) {
  pqxx::connection c(server.admin(admin_db).conninfo());
  pqxx::nontransaction tx(c);
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : tx.exec("SELECT datname FROM pg_database WHERE datname LIKE 'mgate\\_%' "
                                 "AND datname <> " +
                                 tx.quote(server.base()))) {
    rows.push_back({row[0].c_str()});
  }
  return rows;
}

TEST_F(RollbackJobs, WorkersDropTheirDatabases) {
  TempDir repo;
  write_history(repo, 30, {}, {{9, "DROP TABLE t9;\n"}});
  Report report = check_with_jobs("db", config_at(repo), 4);
  EXPECT_EQ(rollback_of(report).metrics["workers"], 3);
  EXPECT_THAT(scratch_databases(server(), "postgres"), IsEmpty());
}

// A session that dies is the environment's failure, not a finding: it reaches the caller from
// the last worker, after every worker stopped and dropped its database.
TEST_F(RollbackJobs, LostSessionInALaterWorkerIsAnEnvironmentError) {
  pg::ServerSettings settings;
  settings.superuser = true;  // to terminate its own backend
  pg::EphemeralServer own(pg::make_local_provider({}), settings);
  TempDir repo;
  write_history(repo, 30, {{29, "SELECT pg_terminate_backend(pg_backend_pid());\n"}});
  Config config = config_at(repo);
  EXPECT_THROW(check_with_jobs("db", config, 3, {"rollback"}, &own), EnvironmentError);
  EXPECT_THAT(scratch_databases(own, "postgres"), IsEmpty());
  EXPECT_THROW(check_with_jobs("db", config, 1, {"rollback"}, &own), EnvironmentError);
}

}  // namespace
}  // namespace mgate::testing
