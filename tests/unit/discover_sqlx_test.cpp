#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using discover_tests::ids;
using discover_tests::stray_files;
using discover_tests::stray_reason;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(DiscoverSqlx, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/sqlx");
  EXPECT_EQ(set.layout, "sqlx");  // a `-- no-transaction` file is sqlx's own marker
  // Hyphens are fine: sqlx takes whatever follows the version as the description.
  EXPECT_THAT(ids(set), ElementsAre("20240101120000:create_users", "20240102093000:create-orders",
                                    "20240115080000:index_orders_user"));
  EXPECT_THAT(set.strays, IsEmpty());
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::script);
  ASSERT_TRUE(set.migrations[1].down);
  EXPECT_EQ(set.migrations[1].down->transaction, Transaction::script);
  // `-- no-transaction` first: sqlx sends the file as one query, outside a transaction.
  EXPECT_EQ(set.migrations[2].up->transaction, Transaction::query);
}

TEST(DiscoverSqlx, NoTransactionCountsOnlyAsTheVeryFirstLine) {
  DiscoverTree tree;
  tree.write("migrations/1_a.sql", "\n-- no-transaction\nSELECT 1;\n");
  MigrationSet set = discover(tree.root(), tree.path("migrations"), "sqlx");
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::script);
}

TEST(DiscoverSqlx, AnUnreadableVersionStopsSqlxOtherFilesAreIgnored) {
  DiscoverTree tree;
  tree.write("migrations/1_a.sql");
  tree.write("migrations/schema_dump.sql");
  tree.write("migrations/schema.sql");
  tree.write("migrations/README.md", "x\n");
  MigrationSet set = discover(tree.root(), tree.path("migrations"), "sqlx");
  EXPECT_THAT(ids(set), ElementsAre("1:a"));
  EXPECT_THAT(stray_files(set), ElementsAre("migrations/schema_dump.sql"));
  EXPECT_THAT(stray_reason(set, "migrations/schema_dump.sql"), HasSubstr("refuses"));
}

TEST(DiscoverSqlx, ACrateThatUsesSqlxMakesItSqlx) {
  DiscoverTree tree;
  tree.write("api/Cargo.toml", "[dependencies]\nsqlx = { version = \"0.8\" }\n");
  tree.write("api/migrations/20240101000000_a.sql");
  tree.write("api/migrations/20240102000000_b.up.sql");
  tree.write("api/migrations/20240102000000_b.down.sql");
  EXPECT_EQ(discover(tree.root(), tree.path("api/migrations")).layout, "sqlx");

  DiscoverTree other;
  other.write("api/Cargo.toml", "[dependencies]\nrefinery = \"0.8\"\n");
  other.write("api/migrations/20240101000000_a.sql");
  EXPECT_EQ(discover(other.root(), other.path("api/migrations")).layout, "plain");
}

}  // namespace
}  // namespace mgate
