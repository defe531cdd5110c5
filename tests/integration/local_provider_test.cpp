// The local provider: a private server on a unix socket, cached template, nothing left behind
// when it stops (interrupted runs: interrupted_check_test.cpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <pqxx/pqxx>

#include "core/config.hpp"
#include "pg/process.hpp"
#include "pg/provider.hpp"
#include "support/processes.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

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

}  // namespace
}  // namespace mgate::testing
