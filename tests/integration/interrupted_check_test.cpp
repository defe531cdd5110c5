// `mgate check` interrupted at each phase of a run (initdb, creating a scratch database, a
// migration) by each signal that ends it (SIGINT, SIGTERM, SIGHUP, SIGQUIT), on the local provider
// and on an external server that the suite started: it exits with 128 + the signal and leaves
// nothing behind: no server, run directory, process, shared memory, scratch database or role.
// And a server killed mid-run is an environment error that leaves nothing either.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/postgres.hpp"
#include "pg/process.hpp"
#include "support/processes.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The installed server's binaries: the newest /usr/lib/postgresql/<major>/bin holding initdb
// (15 on Debian 12, 17 in the Debian 13 clean room).
fs::path installed_server_bin() {
  fs::path best;
  int best_major = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int major = std::atoi(entry.path().filename().c_str());
    if (major > best_major && fs::exists(entry.path() / "bin" / "initdb")) {
      best_major = major;
      best = entry.path() / "bin";
    }
  }
  return best;
}

// The scratch databases and roles of external runs: mgate_<8 hex>_...
constexpr const char* kExternalScratch =
    "SELECT datname FROM pg_database WHERE datname ~ '^mgate_[0-9a-f]{8}_' UNION ALL "
    "SELECT rolname FROM pg_roles WHERE rolname ~ '^mgate_[0-9a-f]{8}_'";

// `mgate check` of a repository in a child process, with a runtime directory of its own.
struct CheckRun {
  TempDir repo;
  TempDir runtime;
  std::vector<std::string> env;
  std::unique_ptr<pg::ChildProcess> mgate;

  // With a `down`, the migration is golang-migrate's up and down pair.
  explicit CheckRun(const std::string& migration, const std::string& down = "") {
    repo.write("mgate.toml", "[postgres]\nstatement_timeout = \"10min\"\n");
    if (down.empty()) {
      repo.write("db/001_first.sql", migration);
    } else {
      repo.write("db/001_first.up.sql", migration);
      repo.write("db/001_first.down.sql", down);
    }
    env = {"MGATE_RUNTIME_DIR=" + runtime.path().string()};
  }

  void start(std::vector<std::string> args) {
    pg::SpawnOptions o;
    o.cwd = repo.path();
    o.output = repo.path() / "mgate.log";
    o.extra_env = env;
    args.insert(args.begin(), {MGATE_BINARY, "check", "db"});
    mgate = std::make_unique<pg::ChildProcess>(args, o);
  }

  std::string log() const { return read_file(repo.path() / "mgate.log"); }

  // The local run's server, as its superuser.
  std::string local_server(const std::string& database = "postgres") const {
    auto dirs = run_dirs(runtime.path());
    if (dirs.empty()) return "host=/nonexistent";
    return "host=" + (dirs[0] / "socket").string() + " user=postgres dbname=" + database;
  }

  void expect_exit(int signal) {
    EXPECT_EQ(mgate->wait(), 128 + signal) << log();
    EXPECT_THAT(log(), HasSubstr("interrupted")) << log();
    EXPECT_THAT(run_dirs(runtime.path()), IsEmpty());
    EXPECT_THAT(processes_using(runtime.path()), IsEmpty());
  }
};

bool sleeping_at(const std::string& conninfo) {
  return !rows_at(conninfo,
                  "SELECT 1 FROM pg_stat_activity WHERE state = 'active' "
                  "AND query LIKE 'SELECT pg_sleep(600)%'")
              .empty();
}

bool create_database_waits_at(const std::string& conninfo) {
  return !rows_at(conninfo,
                  "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                  "AND query LIKE 'CREATE DATABASE%'")
              .empty();
}

// A connection the test holds open, with a transaction that keeps a lock.
class HeldLock {
 public:
  HeldLock(const std::string& conninfo, const std::string& sql)
      : conn_(PQconnectdb(conninfo.c_str())) {
    PQclear(PQexec(conn_, "BEGIN"));
    PGresult* r = PQexec(conn_, sql.c_str());
    ok_ = PQresultStatus(r) == PGRES_COMMAND_OK;
    error_ = PQerrorMessage(conn_);
    PQclear(r);
  }
  ~HeldLock() { PQfinish(conn_); }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  void release() { PQclear(PQexec(conn_, "ROLLBACK")); }

 private:
  PGconn* conn_;
  bool ok_ = false;
  std::string error_;
};

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "SIGQUIT";
  }
}

const auto kSignals = ::testing::Values(SIGINT, SIGTERM, SIGHUP, SIGQUIT);
const auto kSignalName = [](const auto& info) { return signal_name(info.param); };

class LocalInterrupted : public ::testing::TestWithParam<int> {};

TEST_P(LocalInterrupted, DuringAMigration) {
  CheckRun run("SELECT pg_sleep(600);\n");
  run.start({"--gates", "forward"});
  ASSERT_TRUE(eventually([&] { return sleeping_at(run.local_server()); })) << run.log();
  kill(run.mgate->pid(), GetParam());
  run.expect_exit(GetParam());
}

// The rollback gate's copy of the base database waits behind a lock the test holds on it (an
// uncommitted rename), after the forward gate's migration was cancelled. The migration has a
// down: a forward-only history gives the rollback gate nothing to copy.
TEST_P(LocalInterrupted, WhileCreatingAScratchDatabase) {
  CheckRun run("SELECT pg_sleep(600);\n", "SELECT 1;\n");
  run.start({"--gates", "forward,rollback"});
  ASSERT_TRUE(eventually([&] { return sleeping_at(run.local_server()); })) << run.log();
  HeldLock lock(run.local_server(), "ALTER DATABASE mgate_base_1 RENAME TO mgate_base_1_held");
  ASSERT_TRUE(lock.ok()) << lock.error();
  rows_at(run.local_server(),
          "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
          "WHERE query LIKE 'SELECT pg_sleep(600)%'");
  ASSERT_TRUE(eventually([&] { return create_database_waits_at(run.local_server()); }))
      << run.log();
  kill(run.mgate->pid(), GetParam());
  run.expect_exit(GetParam());
}

// A first run initdbs the template: the bootstrap backend waits for its input (a stand-in
// `postgres` holds it back) with its shared memory made, in /dev/shm and System V.
TEST_P(LocalInterrupted, DuringInitdb) {
  CheckRun run("CREATE TABLE t (id int);\n");
  TempDir bin, cache;
  fs::path gate = bin.path() / "gate";
  ASSERT_EQ(mkfifo(gate.c_str(), 0666), 0);
  chmod(gate.c_str(), 0666);
  // initdb runs the `postgres` next to its own file: a copy of initdb, and a script.
  fs::path server = installed_server_bin();
  ASSERT_FALSE(server.empty()) << "no /usr/lib/postgresql/*/bin/initdb";
  fs::copy_file(server / "initdb", bin.path() / "initdb");
  fs::path postgres =
      bin.write("postgres",
                "#!/bin/sh\n"
                "case \" $* \" in\n"
                "  *\" --boot \"*) { read line < " +
                    gate.string() + "; cat; } | exec " + (server / "postgres").string() +
                    " \"$@\" ;;\n"
                    "  *) exec " +
                    (server / "postgres").string() +
                    " \"$@\" ;;\n"
                    "esac\n");
  chmod(postgres.c_str(), 0755);
  chmod(bin.path().c_str(), 0755);
  run.env.push_back("MGATE_CACHE_DIR=" + cache.path().string());
  run.start({"--gates", "forward", "--pg-bin", bin.path().string()});
  MappedSharedMemory shm;
  ASSERT_TRUE(eventually([&] {
    shm = shared_memory_used_in(run.runtime.path());
    return !shm.posix.empty() && !shm.sysv.empty();
  })) << run.log();
  kill(run.mgate->pid(), GetParam());
  run.expect_exit(GetParam());
  MappedSharedMemory left = still_existing(shm);
  EXPECT_THAT(left.posix, IsEmpty());
  EXPECT_THAT(left.sysv, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Signals, LocalInterrupted, kSignals, kSignalName);

TEST(LocalProvider, ServerKilledMidRunIsAnEnvironmentErrorAndLeavesNothing) {
  CheckRun run("SELECT pg_sleep(600);\n");
  run.start({"--gates", "forward"});
  ASSERT_TRUE(eventually([&] { return sleeping_at(run.local_server()); })) << run.log();
  fs::path data = run_dirs(run.runtime.path()).at(0) / "data";
  std::ifstream pidfile(data / "postmaster.pid");
  pid_t postmaster = 0;
  pidfile >> postmaster;
  ASSERT_GT(postmaster, 0);
  // What the killed server cannot remove itself: its dynamic segments (in the data directory)
  // and its System V interlock segment (postmaster.pid's seventh line: key and id).
  EXPECT_FALSE(fs::is_empty(data / "pg_dynshmem"));
  std::string line;
  for (int i = 0; i < 7; ++i) std::getline(pidfile, line);  // the rest of line 1, then 2-7
  unsigned long key = 0;
  int shmid = -1;
  std::istringstream(line) >> key >> shmid;
  ASSERT_GE(shmid, 0) << line;
  kill(postmaster, SIGKILL);
  EXPECT_EQ(run.mgate->wait(), 3) << run.log();
  EXPECT_THAT(run.log(), HasSubstr("environment error"));
  EXPECT_THAT(run.log(), ::testing::Not(HasSubstr("internal error")));
  EXPECT_THAT(run_dirs(run.runtime.path()), IsEmpty());
  EXPECT_THAT(processes_using(run.runtime.path()), IsEmpty());
  struct shmid_ds info;
  EXPECT_EQ(shmctl(shmid, IPC_STAT, &info), -1) << "System V segment " << shmid << " is left";
}

// The server dies while fixture rows are being inserted (a planted trigger holds the insert):
// libpqxx's errors on the way out are an environment error too, never an internal one.
class ServerKilledDuringFixtureRows : public ::testing::TestWithParam<std::string> {};

TEST_P(ServerKilledDuringFixtureRows, IsAnEnvironmentErrorAndLeavesNothing) {
  CheckRun run(
      "CREATE TABLE t (id int PRIMARY KEY);\n"
      "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$\n"
      "BEGIN PERFORM pg_sleep(600); RETURN NEW; END $$;\n"
      "CREATE TRIGGER t_hold BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION hold();\n");
  run.repo.write("db/002_more.sql", "ALTER TABLE t ADD COLUMN note text;\n");
  run.repo.write("queries.sql", "-- name: one\nSELECT 1;\n");
  run.repo.write("mgate.toml",
                 "[postgres]\nstatement_timeout = \"10min\"\n[plans]\nqueries = \"queries.sql\"\n");
  run.start({"--gates", GetParam()});
  ASSERT_TRUE(eventually([&] {
    return !rows_at(run.local_server(),
                    "SELECT 1 FROM pg_stat_activity WHERE state = 'active' "
                    "AND query LIKE 'INSERT INTO%'")
                .empty();
  })) << run.log();
  std::ifstream pidfile(run_dirs(run.runtime.path()).at(0) / "data" / "postmaster.pid");
  pid_t postmaster = 0;
  pidfile >> postmaster;
  ASSERT_GT(postmaster, 0);
  kill(postmaster, SIGKILL);
  EXPECT_EQ(run.mgate->wait(), 3) << run.log();
  EXPECT_THAT(run.log(), HasSubstr("environment error: lost the connection to PostgreSQL"));
  EXPECT_THAT(run.log(), ::testing::Not(HasSubstr("internal error")));
  EXPECT_THAT(run_dirs(run.runtime.path()), IsEmpty());
  EXPECT_THAT(processes_using(run.runtime.path()), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Gates, ServerKilledDuringFixtureRows,
                         ::testing::Values("integrity", "locks", "plans"));

class ExternalInterrupted : public PostgresSuite, public ::testing::WithParamInterface<int> {
 protected:
  static std::string suite_server() {
    pg::Endpoint e = server().admin("postgres");
    return "host=" + e.host + " port=" + std::to_string(e.port) + " user=" + e.user +
           " dbname=postgres";
  }
  static std::string url() {
    pg::Endpoint e = server().admin("postgres");
    return "postgresql://" + e.user + "@localhost/postgres?host=" + e.host +
           "&port=" + std::to_string(e.port);
  }
};

TEST_P(ExternalInterrupted, DuringAMigration) {
  CheckRun run("SELECT pg_sleep(600);\n");
  run.start({"--gates", "forward", "--database-url", url()});
  ASSERT_TRUE(eventually([&] { return sleeping_at(suite_server()); })) << run.log();
  kill(run.mgate->pid(), GetParam());
  run.expect_exit(GetParam());
  EXPECT_THAT(query("postgres", kExternalScratch), IsEmpty());
}

// The first scratch database waits behind a lock the test holds on pg_database; the signal
// comes while CREATE DATABASE waits, and the lock is released only once the teardown began, so
// a CREATE DATABASE that went on would finish after the teardown's DROP DATABASE.
TEST_P(ExternalInterrupted, WhileCreatingAScratchDatabase) {
  CheckRun run("CREATE TABLE t (id int);\n");
  HeldLock lock(suite_server(), "LOCK TABLE pg_database IN SHARE MODE");
  ASSERT_TRUE(lock.ok()) << lock.error();
  run.start({"--gates", "forward", "--database-url", url()});
  ASSERT_TRUE(eventually([&] { return create_database_waits_at(suite_server()); })) << run.log();
  kill(run.mgate->pid(), GetParam());
  ASSERT_TRUE(eventually([&] { return run.log().find("interrupted") != std::string::npos; }));
  lock.release();
  run.expect_exit(GetParam());
  EXPECT_THAT(query("postgres", kExternalScratch), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Signals, ExternalInterrupted, kSignals, kSignalName);

}  // namespace
}  // namespace mgate::testing
