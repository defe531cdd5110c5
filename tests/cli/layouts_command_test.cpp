// The layouts as a user meets them on the command line: `mgate check` on each tool's own way of
// writing a migration, `mgate init` at a project's root, Atlas's atlas.sum.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "gates/atlas_sum.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// golang-migrate's canonical index: a file holding only CREATE INDEX CONCURRENTLY.
TEST(LayoutsCommand, GolangMigratesLoneConcurrentIndexPassesCheck) {
  RunResult r = run_mgate({"check", "fixtures/layouts/golang-migrate", "--gates",
                           "naming,lint,forward", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  auto report = nlohmann::json::parse(r.out);
  for (const auto& f : report["findings"]) EXPECT_NE(f["level"], "error") << f.dump();
}

TEST(LayoutsCommand, InitFindsPrismaAndSqitchProjectsAtTheRoot) {
  TempDir prisma;
  prisma.write("prisma/schema.prisma", "datasource db { provider = \"postgresql\" }\n");
  prisma.write("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
  prisma.write("prisma/migrations/20240101000000_init/migration.sql", "CREATE TABLE t (a int);\n");
  RunResult r = run_mgate({"init"}, prisma.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mgate: wrote mgate.toml: 1 migrations in prisma/migrations (prisma layout)\n");
  EXPECT_THAT(read_file(prisma.path() / "mgate.toml"), HasSubstr("# transaction = \"per-query\""));

  TempDir sqitch;
  sqitch.write("sqitch.plan", "%project=shop\n\nusers 2024-01-01T00:00:00Z Ada <a@b.c> # u\n");
  sqitch.write("deploy/users.sql", "BEGIN;\nCREATE TABLE users (id int);\nCOMMIT;\n");
  sqitch.write("revert/users.sql", "BEGIN;\nDROP TABLE users;\nCOMMIT;\n");
  r = run_mgate({"init"}, sqitch.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mgate: wrote mgate.toml: 1 migrations in . (sqitch layout)\n");
  r = run_mgate({"lint", "--gates", "naming", "--format", "json"}, sqitch.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["migrations"].size(), 1u);
}

TEST(LayoutsCommand, APlainRunnerSendsFilesAsTheConfigurationSays) {
  TempDir dir;
  dir.write("db/001_t.sql", "CREATE TABLE t (a int);\n");
  dir.write("db/002_i.sql", "CREATE INDEX CONCURRENTLY t_a ON t (a);\n");
  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\n");
  RunResult one_transaction = run_mgate({"lint", "--color", "never"}, dir.path());
  EXPECT_EQ(one_transaction.exit_code, 1);
  EXPECT_THAT(one_transaction.out, HasSubstr("[concurrently-in-transaction]"));
  EXPECT_THAT(one_transaction.out, HasSubstr("transaction = \"per-statement\""));

  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\ntransaction = \"per-statement\"\n");
  RunResult psql_f = run_mgate({"lint", "--format", "json"}, dir.path());
  EXPECT_EQ(psql_f.exit_code, 0) << psql_f.out;

  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\ntransaction = \"sometimes\"\n");
  RunResult bad = run_mgate({"lint"}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("mgate.toml:3:15: transaction must be per-migration, "
                                 "per-statement or per-query, not 'sometimes'"));
}

// mgate.toml, the plans' queries and the fixtures' seeds may live among the migrations.
TEST(LayoutsCommand, MgatesOwnFilesAreNotStrays) {
  TempDir dir;
  dir.write("db/1_t.up.sql", "CREATE TABLE t (a int);\n");
  dir.write("db/1_t.down.sql", "DROP TABLE t;\n");
  dir.write("db/queries.sql", "-- name: by_a\nSELECT * FROM t WHERE a = 1;\n");
  dir.write("db/2_seed.sql", "INSERT INTO t VALUES (1);\n");
  dir.write("db/mgate.toml",
            "[plans]\nqueries = \"queries.sql\"\n[fixtures]\nseed = [\"2_seed.sql\"]\n");
  RunResult r =
      run_mgate({"lint", ".", "--gates", "naming", "--format", "json"}, dir.path() / "db");
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["migrations"].size(), 1u);
  EXPECT_TRUE(report["findings"].empty()) << report["findings"].dump();
}

TEST(LayoutsCommand, AtlasSumIsCheckedAsAtlasChecksIt) {
  TempDir repo;
  for (const auto& entry : fs::directory_iterator(MGATE_SOURCE_DIR "/fixtures/layouts/atlas")) {
    repo.write("migrations/" + entry.path().filename().string(), read_file(entry.path()));
  }
  RunResult clean = run_mgate({"lint", "migrations", "--gates", "history"}, repo.path());
  EXPECT_EQ(clean.exit_code, 0) << clean.err << clean.out;

  repo.write("migrations/20240102093000_create_orders.sql", "CREATE TABLE orders (id int);\n");
  RunResult edited =
      run_mgate({"lint", "migrations", "--gates", "history", "--color", "never"}, repo.path());
  EXPECT_EQ(edited.exit_code, 1) << edited.err;
  EXPECT_THAT(edited.out, HasSubstr("migrations/atlas.sum:3:1: error: "
                                    "20240102093000_create_orders.sql differs from what "
                                    "migrations/atlas.sum records for it"));
  EXPECT_THAT(edited.out, HasSubstr("[checksum-mismatch]"));
}

// Atlas's format=golang-migrate sums only the .up.sql files (openmeter's atlas.sum, 269 of them,
// matches so): the directory is golang-migrate's, its downs are no migrations of their own, and
// only an edited up breaks the sum.
TEST(LayoutsCommand, AtlasSumBesideGolangMigrateFilesCoversTheUps) {
  TempDir repo;
  std::vector<atlas::File> ups;
  for (const auto& entry :
       fs::directory_iterator(MGATE_SOURCE_DIR "/fixtures/layouts/golang-migrate")) {
    std::string name = entry.path().filename().string();
    std::string text = read_file(entry.path());
    repo.write("migrations/" + name, text);
    if (name.ends_with(".up.sql")) ups.push_back({name, text});
  }
  std::sort(ups.begin(), ups.end(),
            [](const atlas::File& a, const atlas::File& b) { return a.name < b.name; });
  repo.write("migrations/atlas.sum", atlas::sum_file(ups));

  RunResult clean = run_mgate(
      {"lint", "migrations", "--gates", "naming,history", "--format", "json"}, repo.path());
  EXPECT_EQ(clean.exit_code, 0) << clean.err << clean.out;
  auto report = nlohmann::json::parse(clean.out);
  EXPECT_EQ(report["layouts"][0]["layout"], "golang-migrate");
  EXPECT_EQ(report["layouts"][0]["migrations"], 4);
  EXPECT_TRUE(report["findings"].empty()) << report["findings"].dump();

  repo.write("migrations/20240102093000_create_orders.down.sql", "DROP TABLE orders CASCADE;\n");
  RunResult down_edited = run_mgate({"lint", "migrations", "--gates", "history"}, repo.path());
  EXPECT_EQ(down_edited.exit_code, 0) << down_edited.err << down_edited.out;

  repo.write("migrations/20240102093000_create_orders.up.sql", "CREATE TABLE orders (id int);\n");
  RunResult up_edited =
      run_mgate({"lint", "migrations", "--gates", "history", "--color", "never"}, repo.path());
  EXPECT_EQ(up_edited.exit_code, 1) << up_edited.err;
  EXPECT_THAT(up_edited.out, HasSubstr("20240102093000_create_orders.up.sql differs from what "
                                       "migrations/atlas.sum records for it"));
}

}  // namespace
}  // namespace mgate::testing
