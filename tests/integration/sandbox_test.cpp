// A migration is untrusted code, and these tests play the attacker on a real server (the suite's
// local one, and the same server used as an `external` one): code it plants never runs as a
// superuser, its role may not create or drop databases, and no statement of it (or of the code
// it planted) runs unbounded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "integration/postgres.hpp"
#include "pg/provider.hpp"
#include "sql/parsed_set.hpp"
#include "support/processes.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// A function that records, as a default of the role that runs it (which survives the scratch
// databases), whether it ran as a superuser, and that, as a superuser, would run a command on
// the machine. It is called by a trigger, a DEFAULT and a CHECK of accounts, and by a critical
// query.
std::string planted_schema(const fs::path& escalated) {
  return R"sql(
CREATE FUNCTION public.record_privilege() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  mark text := 'mgate-test-superuser-' || current_setting('is_superuser');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s
                 JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
                 WHERE r.rolname = current_user AND s.setdatabase = 0
                   AND ('application_name=' || mark) = ANY (s.setconfig)) THEN
    EXECUTE format('ALTER ROLE CURRENT_USER SET application_name = %L', mark);
  END IF;
  IF current_setting('is_superuser') = 'on' THEN
    EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'touch )sql" +
         escalated.string() + R"sql(');
  END IF;
  RETURN true;
END $$;
CREATE FUNCTION public.record_privilege_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM public.record_privilege();
  RETURN NEW;
END $$;
CREATE TABLE public.accounts (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  checked boolean NOT NULL DEFAULT public.record_privilege() CHECK (public.record_privilege())
);
CREATE TRIGGER accounts_record BEFORE INSERT OR UPDATE ON public.accounts
  FOR EACH ROW EXECUTE FUNCTION public.record_privilege_row();
)sql";
}

class Sandbox : public PostgresSuite {
 protected:
  static std::string url(const std::string& user, const std::string& query = "") {
    pg::Endpoint e = server().admin("postgres");
    return "postgresql://" + user + ":pw@localhost/postgres?host=" + e.host +
           "&port=" + std::to_string(e.port) + query;
  }

  static Config config_for(const TempDir& repo) {
    Config config = default_config();
    config.root = repo.path();
    config.fixtures.rows = 20;
    config.traffic.clients = 2;
    config.plans.runs = 2;
    config.plans.warmup = 0;
    config.plans.baseline = "no-baseline.json";
    return config;
  }

  // Runs `gates` on <root>/db; the first `base` migrations are not gated (as before --since).
  static Report run_gates(const Config& config, std::vector<std::string> gates,
                          pg::EphemeralServer& on, std::size_t base = 0) {
    MigrationSet set = discover(config.root, config.root / "db");
    for (std::size_t i = 0; i < base && i < set.migrations.size(); ++i)
      set.migrations[i].gated = false;
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = std::move(gates);
    options.dynamic = true;
    options.postgres = &on;
    return run_pipeline(config, set, parsed, options);
  }

  static std::string messages(const Report& report) {
    std::string out;
    for (const GateResult& g : report.gates) {
      if (!g.skip_reason.empty()) out += g.gate + " skipped: " + g.skip_reason + "\n";
    }
    for (const Finding* f : report.findings())
      out += f->gate + " " + f->rule + " " + f->migration + ": " + f->message + "\n";
    return out;
  }

  // The privilege marks the planted function left, "role mark".
  static std::vector<std::string> privilege_marks() {
    std::vector<std::string> out;
    for (const auto& row :
         query("postgres",
               "SELECT r.rolname || ' ' || c FROM pg_db_role_setting s JOIN pg_roles r "
               "ON r.oid = s.setrole, unnest(s.setconfig) c "
               "WHERE c LIKE 'application_name=mgate-test-superuser-%' ORDER BY 1")) {
      out.push_back(row[0]);
    }
    return out;
  }

  static void forget_privilege_marks() {
    for (const auto& row : query("postgres",
                                 "SELECT DISTINCT format('ALTER ROLE %I RESET application_name', "
                                 "r.rolname) FROM pg_db_role_setting s JOIN pg_roles r "
                                 "ON r.oid = s.setrole, unnest(s.setconfig) c "
                                 "WHERE c LIKE 'application_name=mgate-test-superuser-%'")) {
      query("postgres", row[0]);
    }
  }

  static std::vector<std::vector<std::string>> scratch_of(const std::string& prefix) {
    return query("postgres", "SELECT datname FROM pg_database WHERE datname LIKE '" + prefix +
                                 "%' UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE '" +
                                 prefix + "%'");
  }
};

fs::path unique_path(const std::string& stem) {
  std::random_device random;
  return fs::temp_directory_path() / (stem + "-" + std::to_string(random()));
}

// Fixture rows (generated and seeded), the workload's writes, the CHECKs re-evaluated, pg_restore,
// ANALYZE and the critical query all run the planted function: always as the migrations' role.
class PlantedCode : public Sandbox, public ::testing::WithParamInterface<bool> {};

TEST_P(PlantedCode, NeverRunsAsASuperuser) {
  bool external = GetParam();
  forget_privilege_marks();
  fs::path escalated = unique_path("mgate-test-escalated");
  TempDir repo;
  repo.write("db/001_planted.up.sql", planted_schema(escalated));
  repo.write("db/002_note.up.sql", "ALTER TABLE public.accounts ADD COLUMN note text;\n");
  repo.write("db/002_note.down.sql", "ALTER TABLE public.accounts DROP COLUMN note;\n");
  repo.write("seed.sql", "INSERT INTO public.accounts (id, name) VALUES (900001, 'seeded');\n");
  repo.write("queries.sql", "-- name: privileged\nSELECT public.record_privilege();\n");
  Config config = config_for(repo);
  config.fixtures.seed = {"seed.sql"};
  config.plans.queries = "queries.sql";

  std::unique_ptr<pg::EphemeralServer> own;
  if (external)
    own = std::make_unique<pg::EphemeralServer>(pg::make_external_provider(url("postgres")),
                                                pg::ServerSettings{});
  pg::EphemeralServer& on = external ? *own : server();
  std::string owner = on.owner(on.base()).user;
  Report report = run_gates(config, {"forward", "rollback", "integrity", "locks", "plans"}, on, 1);
  for (const GateResult& g : report.gates) {
    EXPECT_NE(g.status, GateStatus::skip) << messages(report);
  }
  EXPECT_EQ(report.gates.at(2).metrics["migrations"]["002"]["seeds"], nlohmann::json({"seed.sql"}))
      << report.gates.at(2).metrics.dump();
  // It ran, as the migrations' role, and never as a superuser.
  EXPECT_THAT(privilege_marks(), ElementsAre(owner + " application_name=mgate-test-superuser-off"));
  EXPECT_FALSE(fs::exists(escalated));
  EXPECT_THAT(query("postgres",
                    "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication "
                    "FROM pg_roles WHERE rolname = '" +
                        owner + "'"),
              ElementsAre(ElementsAre("f", "f", "f", "f")));
  own.reset();
  forget_privilege_marks();
  fs::remove(escalated);
}

INSTANTIATE_TEST_SUITE_P(Providers, PlantedCode, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "External" : "Local"; });

TEST_F(Sandbox, ExternalRoleThatMayOnlyCreateDatabasesIsRefused) {
  query("postgres", "DROP ROLE IF EXISTS mgate_test_createdb");
  query("postgres", "CREATE ROLE mgate_test_createdb LOGIN CREATEDB");
  try {
    pg::EphemeralServer external(pg::make_external_provider(url("mgate_test_createdb")), {});
    ADD_FAILURE() << "a role that may create databases but no roles was used for the migrations";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("may not create roles"));
    EXPECT_THAT(e.what(), HasSubstr("ALTER ROLE \"mgate_test_createdb\" CREATEROLE"));
  }
  EXPECT_THAT(query("postgres",
                    "SELECT datname FROM pg_database WHERE datdba = "
                    "(SELECT oid FROM pg_roles WHERE rolname = 'mgate_test_createdb')"),
              IsEmpty());
  query("postgres", "DROP ROLE mgate_test_createdb");
}

TEST_F(Sandbox, ExternalSuperuserSettingNeedsASuperuser) {
  query("postgres", "DROP ROLE IF EXISTS mgate_test_deployer");
  query("postgres", "CREATE ROLE mgate_test_deployer LOGIN CREATEDB CREATEROLE");
  pg::ServerSettings settings;
  settings.superuser = true;
  EXPECT_THROW(
      pg::EphemeralServer(pg::make_external_provider(url("mgate_test_deployer")), settings),
      InputError);
  query("postgres", "DROP ROLE mgate_test_deployer");
}

// The URL's role may create databases; the role the migrations run as may not, so a migration
// can neither drop a database of the URL's role nor leave one of its own behind.
TEST_F(Sandbox, ExternalMigrationsCannotCreateOrDropDatabases) {
  query("postgres", "DROP DATABASE IF EXISTS mgate_test_deployer_db");
  query("postgres", "DROP ROLE IF EXISTS mgate_test_deployer");
  query("postgres", "CREATE ROLE mgate_test_deployer LOGIN CREATEDB CREATEROLE");
  query("postgres", "CREATE DATABASE mgate_test_deployer_db OWNER mgate_test_deployer");
  std::string prefix;
  {
    pg::EphemeralServer external(pg::make_external_provider(url("mgate_test_deployer")), {});
    prefix = external.base().substr(0, 15);
    std::string owner = external.owner(external.base()).user;
    EXPECT_EQ(owner, prefix + "owner");
    EXPECT_THAT(query("postgres",
                      "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, "
                      "rolbypassrls FROM pg_roles WHERE rolname = '" +
                          owner + "'"),
                ElementsAre(ElementsAre("f", "f", "f", "f", "f")));
    for (const char* sql : {"DROP DATABASE mgate_test_deployer_db;\n",
                            "CREATE DATABASE mgate_test_made_by_a_migration;\n",
                            "DROP DATABASE " /* the base: the URL's role owns it */}) {
      TempDir repo;
      std::string text = sql;
      if (text == "DROP DATABASE ") text += external.base() + ";\n";
      repo.write("db/001_escape.sql", text);
      Report report = run_gates(config_for(repo), {"forward"}, external);
      auto failed = findings_of(report, "forward-failed");
      ASSERT_THAT(failed, SizeIs(1)) << text << messages(report);
      EXPECT_THAT(failed[0]->message, ::testing::AnyOf(HasSubstr("must be owner of database"),
                                                       HasSubstr("permission denied to create")))
          << text;
    }
  }
  EXPECT_THAT(query("postgres",
                    "SELECT datname FROM pg_database WHERE datname LIKE "
                    "'mgate_test_%'"),
              ElementsAre(ElementsAre("mgate_test_deployer_db")));
  EXPECT_THAT(scratch_of(prefix), IsEmpty());
  query("postgres", "DROP DATABASE mgate_test_deployer_db");
  query("postgres", "DROP ROLE mgate_test_deployer");
}

// `?dbname=` and `&user=` in --database-url used to win over the scratch database; with
// postgres.superuser = true a migration then emptied a table of the named database.
TEST_F(Sandbox, UrlThatNamesAnotherDatabaseOrRoleIsRefused) {
  query("postgres", "DROP DATABASE IF EXISTS mgate_test_victim");
  query("postgres", "CREATE DATABASE mgate_test_victim");
  query("mgate_test_victim", "CREATE TABLE t AS SELECT g FROM generate_series(1, 100) g");
  TempDir repo;
  repo.write("mgate.toml", "[postgres]\nsuperuser = true\n");
  repo.write("db/001_empty.sql", "DELETE FROM t;\n");
  for (const std::string& query_string :
       {std::string("&dbname=mgate_test_victim"), std::string("&user=mgate_test_nobody"),
        std::string("&%64bname=mgate_test_victim")}) {
    RunResult r = run_mgate(
        {"check", "db", "--gates", "forward", "--database-url", url("postgres", query_string)},
        repo.path());
    EXPECT_EQ(r.exit_code, 2) << query_string << "\n" << r.err << r.out;
    EXPECT_THAT(r.err, HasSubstr("--database-url must not set")) << query_string;
  }
  EXPECT_THAT(query("mgate_test_victim", "SELECT count(*) FROM t"),
              ElementsAre(ElementsAre("100")));
  query("postgres", "DROP DATABASE mgate_test_victim");
}

// mgate's base database belongs to the administrative role: a migration that drops it is refused
// by the server, a finding, instead of an internal error in the next gate.
TEST_F(Sandbox, MigrationThatDropsTheBaseDatabaseIsAFinding) {
  TempDir repo;
  repo.write("db/001_drop.sql", "DROP DATABASE " + server().base() + ";\n");
  Report report = run_gates(config_for(repo), {"forward", "rollback"}, server());
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1)) << messages(report);
  EXPECT_THAT(failed[0]->message, HasSubstr("must be owner of database"));
  EXPECT_THAT(
      query("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + server().base() + "'"),
      SizeIs(1));
}

// A migration that writes without end: the local server's files may take postgres.max_disk,
// then mgate stops the server and the run ends with a finding. The table is bounded (800 000
// rows of 1.8 kB, stored as they are: under the TOAST threshold) so that a broken limit could
// never fill the machine: about 1.5 GB on the temporary directory's disk. The watcher measures
// the files at most every second; 250 000 rows (0.5 GB) were once written in 1.3 s on a loaded
// CI machine, between two of its measurements, and the migration passed. With the limit working
// the server is stopped after about 192 MB and at most a second of writing.
TEST(ResourceLimits, RunawayTableStopsTheRunWithAFinding) {
  TempDir repo, runtime;
  repo.write("mgate.toml", "[postgres]\nmax_disk = \"192MB\"\n");
  repo.write("db/001_runaway.sql",
             "CREATE TABLE big AS SELECT g, repeat('x', 1800) AS pad "
             "FROM generate_series(1, 800000) g;\n");
  RunResult r =
      run({MGATE_BINARY, "check", "db", "--gates", "forward,rollback", "--format", "json"},
          repo.path(), {"MGATE_RUNTIME_DIR=" + runtime.path().string()});
  ASSERT_EQ(r.exit_code, 1) << r.err << r.out;
  nlohmann::json report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["findings"].size(), 1u) << report.dump(2);
  const nlohmann::json& f = report["findings"][0];
  EXPECT_EQ(f["rule"], "max-disk-exceeded");
  EXPECT_EQ(f["gate"], "forward");
  EXPECT_THAT(f["message"].get<std::string>(), HasSubstr("past postgres.max_disk (192 MB)"));
  EXPECT_EQ(report["gates"][1]["status"], "skip");
  EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
  EXPECT_THAT(run_dirs(runtime.path()), IsEmpty());
}

TEST(ResourceLimits, MaxDiskIsASizeWithAUnit) {
  for (const char* value : {"2 gigs", "0MB", "-1GB", "1024"}) {
    TempDir repo;
    repo.write("mgate.toml", std::string("[postgres]\nmax_disk = \"") + value + "\"\n");
    repo.write("db/001_t.sql", "CREATE TABLE t (id int);\n");
    RunResult r = run_mgate({"lint", "db"}, repo.path());
    EXPECT_EQ(r.exit_code, 2) << value << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("mgate.toml:2:12: 'max_disk':")) << value;
    EXPECT_THAT(r.err, HasSubstr("is not a size (write e.g. 512MB, 2GB")) << value;
  }
}

}  // namespace
}  // namespace mgate::testing
