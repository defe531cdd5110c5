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

TEST(DiscoverPrisma, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/prisma", "prisma");
  EXPECT_EQ(set.layout, "prisma");
  // The directory name is the migration's identity in _prisma_migrations.
  EXPECT_THAT(ids(set),
              ElementsAre("20240101120000_init:init", "20240102093000_add_orders:add_orders",
                          "20240115080000_index_orders_user:index_orders_user"));
  EXPECT_TRUE(set.strays.empty());
  const Migration& init = set.migrations[0];
  EXPECT_EQ(init.up->file, "fixtures/layouts/prisma/20240101120000_init/migration.sql");
  EXPECT_FALSE(init.down);
  // Prisma Migrate sends migration.sql as one query.
  EXPECT_EQ(init.up->transaction, Transaction::query);
}

TEST(DiscoverPrisma, ADirectoryWithoutMigrationSqlIsRefusedAndFilesBesideAreIgnored) {
  DiscoverTree tree;
  tree.write("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
  tree.write("prisma/migrations/20240101000000_init/migration.sql");
  tree.write("prisma/migrations/20240101000000_init/README.md", "notes\n");
  tree.mkdir("prisma/migrations/20240102000000_empty");
  MigrationSet set = discover(tree.root(), tree.path("prisma/migrations"));
  EXPECT_EQ(set.layout, "prisma");
  EXPECT_THAT(ids(set), ElementsAre("20240101000000_init:init"));
  EXPECT_THAT(stray_files(set), ElementsAre("prisma/migrations/20240102000000_empty"));
  EXPECT_THAT(stray_reason(set, "prisma/migrations/20240102000000_empty"), HasSubstr("P3015"));
}

// Prisma releases that split migration.sql into statements: [migrations] transaction.
TEST(DiscoverPrisma, TransactionIsConfigurable) {
  DiscoverOptions options;
  options.layout = "prisma";
  options.transaction = Transaction::statement;
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/prisma", options);
  for (const Migration& m : set.migrations) EXPECT_EQ(m.up->transaction, Transaction::statement);
}

}  // namespace
}  // namespace mgate
