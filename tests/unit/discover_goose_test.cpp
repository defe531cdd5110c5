#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using discover_tests::ids;
using discover_tests::script_text;
using discover_tests::stray_reason;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DiscoverGoose, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/goose", "goose");
  EXPECT_EQ(set.layout, "goose");
  ASSERT_THAT(ids(set),
              ElementsAre("00001:create_users", "00002:create_orders", "00003:index_orders_user"));
  EXPECT_TRUE(set.strays.empty());
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::script);
  // "-- +goose NO TRANSACTION": goose runs the statements one by one, in both directions.
  EXPECT_EQ(set.migrations[2].up->transaction, Transaction::statement);
  EXPECT_EQ(set.migrations[2].down->transaction, Transaction::statement);

  // StatementBegin/StatementEnd are comments to PostgreSQL: they stay in the section.
  std::string up = script_text(discover_tests::source_dir(), *set.migrations[0].up);
  EXPECT_THAT(up, HasSubstr("-- +goose StatementBegin\nCREATE FUNCTION touch_updated_at()"));
  EXPECT_THAT(up, HasSubstr("-- +goose StatementEnd\n"));
  EXPECT_EQ(script_text(discover_tests::source_dir(), *set.migrations[0].down),
            "DROP FUNCTION touch_updated_at();\nDROP TABLE users;\n");
  EXPECT_EQ(script_text(discover_tests::source_dir(), *set.migrations[2].up),
            "CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n\n");
}

TEST(DiscoverGoose, SectionSpansAreExact) {
  DiscoverTree tree;
  tree.write("db/1_t.sql", "-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "goose");
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].up->section, (Span{13, 23}));
  EXPECT_EQ(set.migrations[0].down->section, (Span{38, 48}));
  EXPECT_EQ(set.migrations[0].files, (std::vector<std::string>{"db/1_t.sql"}));
}

TEST(DiscoverGoose, AnnotationsIgnoreCaseAndNoTransactionCountsAnywhere) {
  DiscoverTree tree;
  tree.write("db/1_t.sql",
             "-- +goose up\nSELECT 1;\n-- +goose down\nSELECT 2;\n"
             "--  +goose   no  transaction\n");
  tree.write("db/2_u.sql", "-- +goose Up\nSELECT 1;\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "goose");
  ASSERT_EQ(set.migrations.size(), 2u);
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::statement);
  EXPECT_EQ(script_text(tree.root(), *set.migrations[0].down),
            "SELECT 2;\n--  +goose   no  transaction\n");
  EXPECT_EQ(set.migrations[1].up->transaction, Transaction::script);
  EXPECT_FALSE(set.migrations[1].down);
  EXPECT_TRUE(set.strays.empty());
}

TEST(DiscoverGoose, GoMigrationsKeepTheirPlaceAndMalformedFilesAreStrays) {
  DiscoverTree tree;
  tree.write("db/00001_init.sql", "-- +goose Up\nSELECT 1;\n");
  tree.write("db/00002_backfill.go", "package migrations\n");
  tree.write("db/main.go", "package main\n");
  tree.write("db/00003_no_up.sql", "SELECT 1;\n");
  tree.write("db/00004_indented.sql", "  -- +goose Up\nSELECT 1;\n");
  tree.write("db/00005_twice.sql", "-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n");
  tree.write("db/00006_sql_first.sql", "SELECT 0;\n-- +goose Up\nSELECT 1;\n");
  tree.write("db/00007_x_test.go", "package migrations\n");
  tree.write("db/schema.sql", "SELECT 1;\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "goose");
  EXPECT_THAT(ids(set),
              ElementsAre("00001:init", "00002:backfill", "00005:twice", "00006:sql_first"));
  EXPECT_EQ(set.migrations[1].cannot_run, "a goose Go migration");
  EXPECT_FALSE(set.migrations[1].up);
  // goose skips Go files without a version and Go tests, and stops on such a .sql file.
  EXPECT_EQ(stray_reason(set, "db/main.go"), "");
  EXPECT_EQ(stray_reason(set, "db/00007_x_test.go"), "");
  EXPECT_EQ(stray_reason(set, "db/schema.sql"),
            "no version: the name must start with digits, as in 001_name.sql; goose cannot read "
            "a version from the name and refuses the directory");
  EXPECT_EQ(stray_reason(set, "db/00003_no_up.sql"),
            "no '-- +goose Up' annotation: goose needs one to open the up section");
  EXPECT_EQ(stray_reason(set, "db/00004_indented.sql"),
            "no '-- +goose Up' annotation: goose needs one to open the up section");
  EXPECT_EQ(stray_reason(set, "db/00005_twice.sql"),
            "more than one '-- +goose Up' annotation: goose rejects the file");
  EXPECT_EQ(stray_reason(set, "db/00006_sql_first.sql"),
            "line 1: SQL before '-- +goose Up' belongs to no section; goose rejects it");
  EXPECT_EQ(script_text(tree.root(), *set.migrations[2].up), "SELECT 1;\n");
}

}  // namespace
}  // namespace mgate
