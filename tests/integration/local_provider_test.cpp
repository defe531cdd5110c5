// The local provider: a private server on a unix socket, cached template, nothing left behind
// on any exit path (normal end, SIGINT, SIGTERM, a server killed mid-run).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <pqxx/pqxx>

#include "core/config.hpp"
#include "pg/process.hpp"
#include "pg/provider.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::vector<fs::path> run_dirs(const fs::path& runtime) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(runtime, ec)) {
    if (e.path().filename().string().starts_with("mgate-run-")) out.push_back(e.path());
  }
  return out;
}

// Processes that work in `dir` (a server and its backends) or name it on their command line.
std::vector<std::string> processes_using(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::string pid = e.path().filename().string();
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), ::isdigit)) continue;
    std::error_code link;
    std::string cwd = fs::read_symlink(e.path() / "cwd", link).string();
    std::string cmdline = read_file(e.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cwd.starts_with(dir.string()) || cmdline.find(dir.string()) != std::string::npos) {
      std::ifstream status(e.path() / "status");
      std::string line;
      std::getline(status, line);
      std::getline(status, line);
      std::getline(status, line);  // State: Z (zombie) is already dead
      if (line.find("Z (zombie)") == std::string::npos) out.push_back(pid + " " + cmdline);
    }
  }
  return out;
}

std::string setting(pqxx::connection& c, const std::string& name) {
  pqxx::nontransaction tx(c);
  return tx.exec1("SELECT current_setting(" + tx.quote(name) + ")")[0].c_str();
}

TEST(LocalProvider, PrivateSocketNoTcpFastSettingsAndNothingLeftAfterStop) {
  TempDir runtime;
  pg::LocalOptions options;
  options.runtime_dir = runtime.path();
  auto provider = pg::make_local_provider(options);
  pg::Endpoint e = provider->start();
  EXPECT_THAT(e.host, StartsWith(runtime.path().string()));
  struct stat socket_dir;
  ASSERT_EQ(stat(e.host.c_str(), &socket_dir), 0);
  EXPECT_EQ(socket_dir.st_mode & 0777, 0700u);
  {
    pqxx::connection c(e.conninfo());
    EXPECT_EQ(setting(c, "listen_addresses"), "");
    EXPECT_EQ(setting(c, "fsync"), "off");
    EXPECT_EQ(setting(c, "full_page_writes"), "off");
    EXPECT_EQ(setting(c, "synchronous_commit"), "off");
    EXPECT_EQ(setting(c, "dynamic_shared_memory_type"), "mmap");
    if (geteuid() == 0) {
      // PostgreSQL refuses root: the server runs as postgres.run_as.
      struct stat data;
      ASSERT_EQ(stat(setting(c, "data_directory").c_str(), &data), 0);
      EXPECT_EQ(data.st_uid, pg::lookup_account("postgres").uid);
    }
  }
  provider->stop();
  EXPECT_THAT(run_dirs(runtime.path()), IsEmpty());
  EXPECT_THAT(processes_using(runtime.path()), IsEmpty());
}

TEST(LocalProvider, ServersStartedSideBySideDoNotCollide) {
  TempDir runtime;
  pg::LocalOptions options;
  options.runtime_dir = runtime.path();
  auto a = pg::make_local_provider(options);
  auto b = pg::make_local_provider(options);
  pg::Endpoint ea = a->start();
  pg::Endpoint eb = b->start();
  EXPECT_NE(ea.host, eb.host);
  pqxx::connection ca(ea.conninfo()), cb(eb.conninfo());
  pqxx::nontransaction(ca).exec0("CREATE TABLE only_in_a (x int)");
  pqxx::nontransaction tx(cb);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'")[0].as<int>(), 0);
}

TEST(LocalProvider, TemplateIsBuiltOnceAndPublishedAtomically) {
  TempDir runtime, cache;
  pg::LocalOptions options;
  options.runtime_dir = runtime.path();
  options.cache_dir = cache.path();
  pg::make_local_provider(options)->start();  // cold: initdb
  std::vector<fs::path> templates;
  for (const auto& e : fs::directory_iterator(cache.path() / "templates")) templates.push_back(e);
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_TRUE(fs::exists(templates[0] / "PG_VERSION"));
  auto written = fs::last_write_time(templates[0] / "PG_VERSION");
  pg::make_local_provider(options)->start();  // warm: a copy of the template
  EXPECT_EQ(fs::last_write_time(templates[0] / "PG_VERSION"), written);
  EXPECT_EQ(std::distance(fs::directory_iterator(cache.path() / "templates"), {}), 1);
  EXPECT_THAT(run_dirs(runtime.path()), IsEmpty());
}

// The cold start's server runs on a copy; the cache gets the data directory as initdb left it,
// with nothing the first run's server wrote.
TEST(LocalProvider, PublishedTemplateHoldsNothingOfTheFirstRun) {
  TempDir runtime, cache;
  pg::LocalOptions options;
  options.runtime_dir = runtime.path();
  options.cache_dir = cache.path();
  {
    auto cold = pg::make_local_provider(options);
    pqxx::connection c(cold->start().conninfo());
    pqxx::nontransaction(c).exec0("CREATE TABLE made_by_the_first_run (x int)");
  }
  std::vector<fs::path> templates;
  for (const auto& e : fs::directory_iterator(cache.path() / "templates")) templates.push_back(e);
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_FALSE(fs::exists(templates[0] / "postmaster.pid"));
  auto warm = pg::make_local_provider(options);
  pqxx::connection c(warm->start().conninfo());
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_class WHERE relname = 'made_by_the_first_run'")[0]
                .as<int>(),
            0);
}

std::vector<std::string> template_names(const fs::path& cache) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(cache / "templates"))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The server version names the template; it comes from `postgres --version` once per binary,
// then from the cache while the binary's path, size and modification time stay the same.
TEST(LocalProvider, ServerVersionIsProbedOncePerBinary) {
  TempDir runtime, cache;
  pg::LocalOptions options;
  options.runtime_dir = runtime.path();
  options.cache_dir = cache.path();
  pg::make_local_provider(options)->start();
  std::vector<fs::path> remembered;
  for (const auto& e : fs::directory_iterator(cache.path() / "versions")) remembered.push_back(e);
  ASSERT_EQ(remembered.size(), 1u);
  std::string key, version;
  {
    std::ifstream in(remembered[0]);
    std::getline(in, key);
    std::getline(in, version);
  }
  ASSERT_THAT(template_names(cache.path()), ElementsAre(StartsWith("pg" + version + "-")));

  // A remembered version is believed: its template is looked for (and built).
  std::ofstream(remembered[0]) << key << "\n" << version << "99\n";
  pg::make_local_provider(options)->start();
  EXPECT_THAT(template_names(cache.path()),
              ElementsAre(StartsWith("pg" + version + "-"), StartsWith("pg" + version + "99-")));

  // One remembered for another state of the binary is not: the probe runs again.
  std::ofstream(remembered[0]) << key << "0\n" << version << "77\n";
  pg::make_local_provider(options)->start();
  EXPECT_EQ(template_names(cache.path()).size(), 2u);
  std::ifstream in(remembered[0]);
  std::string rewritten_key, rewritten;
  std::getline(in, rewritten_key);
  std::getline(in, rewritten);
  EXPECT_EQ(rewritten_key, key);
  EXPECT_EQ(rewritten, version);
}

TEST(LocalProvider, MissingBinariesAreAUserError) {
  pg::LocalOptions options;
  options.bin_dir = "/nonexistent/bin";
  EXPECT_THROW(pg::make_local_provider(options)->start(), InputError);
}

// A repository whose second migration sleeps until it is interrupted.
struct SleepingRepository {
  TempDir repo;
  TempDir runtime;
  SleepingRepository() {
    repo.write("mgate.toml", "[postgres]\nstatement_timeout = \"10min\"\n");
    repo.write("db/001_create_t.sql", "CREATE TABLE t (id int);\n");
    repo.write("db/002_sleep.sql", "SELECT pg_sleep(600);\n");
  }

  std::unique_ptr<pg::ChildProcess> start_check() {
    pg::SpawnOptions o;
    o.cwd = repo.path();
    o.output = repo.path() / "mgate.log";
    o.extra_env = {"MGATE_RUNTIME_DIR=" + runtime.path().string()};
    return std::make_unique<pg::ChildProcess>(
        std::vector<std::string>{MGATE_BINARY, "check", "db", "--gates", "forward"}, o);
  }

  // Waits (bounded) until the migration's pg_sleep runs on the server mgate started, and
  // returns the server's data directory.
  fs::path wait_for_sleep() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const fs::path& run : run_dirs(runtime.path())) {
        std::string conninfo =
            "host=" + (run / "socket").string() + " user=postgres dbname=postgres";
        PGconn* c = PQconnectdb(conninfo.c_str());
        bool sleeping = false;
        if (PQstatus(c) == CONNECTION_OK) {
          PGresult* r = PQexec(c,
                               "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                               "AND query LIKE 'SELECT pg_sleep(600)%'");
          sleeping =
              PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "1";
          PQclear(r);
        }
        PQfinish(c);
        if (sleeping) return run / "data";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the migration never started sleeping:\n"
                  << read_file(repo.path() / "mgate.log");
    return {};
  }

  void expect_nothing_left() {
    EXPECT_THAT(run_dirs(runtime.path()), IsEmpty());
    EXPECT_THAT(processes_using(runtime.path()), IsEmpty());
  }
};

class SignalToCheck : public ::testing::TestWithParam<int> {};

TEST_P(SignalToCheck, StopsTheServerAndRemovesItsDirectories) {
  SleepingRepository r;
  auto mgate = r.start_check();
  ASSERT_FALSE(r.wait_for_sleep().empty());
  kill(mgate->pid(), GetParam());
  EXPECT_EQ(mgate->wait(), 128 + GetParam()) << read_file(r.repo.path() / "mgate.log");
  r.expect_nothing_left();
}

INSTANTIATE_TEST_SUITE_P(LocalProvider, SignalToCheck, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) {
                           return info.param == SIGINT ? "SIGINT" : "SIGTERM";
                         });

TEST(LocalProvider, ServerKilledMidRunIsAnEnvironmentErrorAndLeavesNothing) {
  SleepingRepository r;
  auto mgate = r.start_check();
  fs::path data = r.wait_for_sleep();
  ASSERT_FALSE(data.empty());
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
  std::string log;
  int code = mgate->wait();
  log = read_file(r.repo.path() / "mgate.log");
  EXPECT_EQ(code, 3) << log;
  EXPECT_THAT(log, ::testing::HasSubstr("environment error"));
  r.expect_nothing_left();
  struct shmid_ds info;
  EXPECT_EQ(shmctl(shmid, IPC_STAT, &info), -1) << "System V segment " << shmid << " is left";
}

}  // namespace
}  // namespace mgate::testing
