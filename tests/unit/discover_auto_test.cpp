#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using discover_tests::ids;
using ::testing::ElementsAre;

std::string detected(const DiscoverTree& tree, const std::string& dir = "db") {
  return discover(tree.root(), tree.path(dir)).layout;
}

TEST(DiscoverAuto, RecognisesEveryFixture) {
  for (const char* layout :
       {"plain", "golang-migrate", "flyway", "dbmate", "diesel", "goose", "sqitch", "prisma",
        "liquibase", "sqlx", "atlas", "pop", "sql-migrate"}) {
    std::filesystem::path dir = discover_tests::source_dir() / "fixtures/layouts" / layout;
    MigrationSet set = discover(discover_tests::source_dir(), dir, "auto");
    EXPECT_EQ(set.layout, layout);
    EXPECT_FALSE(set.migrations.empty()) << layout;
    // Detection changes nothing but the choice of reader.
    EXPECT_EQ(ids(set), ids(discover(discover_tests::source_dir(), dir, layout))) << layout;
  }
}

TEST(DiscoverAuto, AnEmptyDirectoryIsAnEmptyPlainSet) {
  DiscoverTree tree;
  tree.mkdir("db");
  MigrationSet set = discover(tree.root(), tree.path("db"));
  EXPECT_EQ(set.layout, "plain");
  EXPECT_TRUE(set.migrations.empty());
  EXPECT_TRUE(set.strays.empty());
}

TEST(DiscoverAuto, SqitchPlanWinsOverEverything) {
  DiscoverTree tree;
  tree.write("db/sqitch.plan", "%project=t\n");
  tree.write("db/V1__x.sql");
  EXPECT_EQ(detected(tree), "sqitch");
}

TEST(DiscoverAuto, FlywayNamesAnywhereInTheTree) {
  DiscoverTree tree;
  tree.write("db/2024/01/V1__init.sql");
  EXPECT_EQ(detected(tree), "flyway");

  DiscoverTree repeatable;
  repeatable.write("db/R__views.sql");
  EXPECT_EQ(detected(repeatable), "flyway");
}

TEST(DiscoverAuto, DirectoriesWithUpSqlAreDiesel) {
  DiscoverTree tree;
  tree.write("db/2024-01-01-000000_a/up.sql");
  tree.write("db/README.md", "x\n");
  EXPECT_EQ(detected(tree), "diesel");
}

TEST(DiscoverAuto, UpAndDownFilesMakeGolangMigrateWhenTheyOutnumberBareOnes) {
  DiscoverTree only;
  only.write("db/1_a.up.sql");
  only.write("db/1_a.down.sql");
  only.write("db/README.md", "other files do not count\n");
  only.write("db/schema.sql", "-- a dump beside the migrations does not count either\n");
  EXPECT_EQ(detected(only), "golang-migrate");

  // One file golang-migrate would skip among its own is a slip it reports, not plain.
  DiscoverTree slip;
  slip.write("db/1_a.up.sql");
  slip.write("db/1_a.down.sql");
  slip.write("db/2_b_down.sql");
  EXPECT_EQ(detected(slip), "golang-migrate");

  DiscoverTree mixed;
  mixed.write("db/1_a.up.sql");
  mixed.write("db/1_a.down.sql");
  mixed.write("db/2_b.sql");
  mixed.write("db/3_c.sql");
  EXPECT_EQ(detected(mixed), "plain");
}

TEST(DiscoverAuto, ToolFilesChooseAtlasPrismaAndLiquibase) {
  DiscoverTree atlas;
  atlas.write("db/atlas.sum", "h1:x\n");
  atlas.write("db/20240101000000_a.sql");
  EXPECT_EQ(detected(atlas), "atlas");

  // Atlas's format=golang-migrate: the sum covers the up files, golang-migrate's names.
  DiscoverTree golang_migrate;
  golang_migrate.write("db/atlas.sum", "h1:x\n");
  golang_migrate.write("db/20240101000000_a.up.sql");
  golang_migrate.write("db/20240101000000_a.down.sql");
  EXPECT_EQ(detected(golang_migrate), "golang-migrate");
  golang_migrate.write("db/20240102000000_b.sql");
  EXPECT_EQ(detected(golang_migrate), "atlas");

  DiscoverTree prisma;
  prisma.write("db/20240101000000_init/migration.sql");
  EXPECT_EQ(detected(prisma), "prisma");

  DiscoverTree liquibase;
  liquibase.write("db/changes/001.sql", "-- Liquibase formatted SQL\n--changeset a:1\nSELECT 1;\n");
  EXPECT_EQ(detected(liquibase), "liquibase");
}

TEST(DiscoverAuto, MarkersInsideFilesChooseDbmateOrGoose) {
  DiscoverTree dbmate;
  dbmate.write("db/1_a.sql", "SELECT 1;\n");
  dbmate.write("db/2_b.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n");
  EXPECT_EQ(detected(dbmate), "dbmate");

  DiscoverTree goose;
  goose.write("db/1_a.sql", "-- +goose Up\nSELECT 1;\n");
  EXPECT_EQ(detected(goose), "goose");

  DiscoverTree go_only;
  go_only.write("db/00001_init.go", "package migrations\n");
  EXPECT_EQ(detected(go_only), "goose");

  DiscoverTree neither;
  neither.write("db/1_a.sql", "-- migrate up\n-- goose Up\nSELECT 1;\n");
  EXPECT_EQ(detected(neither), "plain");
}

// A dialect, .autocommit or .fizz in a numbered name is Pop's; plain .up.sql and .down.sql names
// alone stay golang-migrate's.
TEST(DiscoverAuto, ADialectInTheNameChoosesPop) {
  DiscoverTree dialect;
  dialect.write("db/1_a.up.sql");
  dialect.write("db/1_a.down.sql");
  dialect.write("db/2_b.mysql.up.sql");
  EXPECT_EQ(detected(dialect), "pop");

  DiscoverTree autocommit;
  autocommit.write("db/1_a.autocommit.up.sql");
  EXPECT_EQ(detected(autocommit), "pop");

  DiscoverTree fizz;
  fizz.write("db/1_a.up.fizz", "create_table(\"a\") {}\n");
  EXPECT_EQ(detected(fizz), "pop");

  DiscoverTree neither;
  neither.write("db/1_a.up.sql");
  neither.write("db/1_a.down.sql");
  neither.write("db/2_b.backup.up.sql");  // not a dialect Pop knows
  EXPECT_EQ(detected(neither), "golang-migrate");
}

TEST(DiscoverAuto, AMigrateUpOrDownLineChoosesSqlMigrate) {
  DiscoverTree up;
  up.write("db/1.sql", "-- +migrate Up\nSELECT 1;\n");
  EXPECT_EQ(detected(up), "sql-migrate");

  DiscoverTree down_only;
  down_only.write("db/1_a.sql", "-- a comment\n-- +migrate Down notransaction\nSELECT 1;\n");
  EXPECT_EQ(detected(down_only), "sql-migrate");

  DiscoverTree neither;  // sql-migrate's prefix is exact: one space, then the command
  neither.write("db/1_a.sql", "--  +migrate Up\n-- +migrate up\nSELECT 1;\n");
  EXPECT_EQ(detected(neither), "plain");
}

TEST(DiscoverAuto, DetectionSurvivesASymbolicLinkLoop) {
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  tree.link("db/loop", ".");
  MigrationSet set = discover(tree.root(), tree.path("db"));
  EXPECT_EQ(set.layout, "plain");
  EXPECT_THAT(ids(set), ElementsAre("001:a"));
}

}  // namespace
}  // namespace mgate
