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

TEST(DiscoverGolangMigrate, ReadsTheFixture) {
  MigrationSet set =
      discover(discover_tests::source_dir(),
               discover_tests::source_dir() / "fixtures/layouts/golang-migrate", "golang-migrate");
  EXPECT_EQ(set.layout, "golang-migrate");
  ASSERT_THAT(ids(set),
              ElementsAre("20240101120000:create_users", "20240102093000:create_orders",
                          "20240115080000:add_orders_status", "20240120100000:index_orders_user"));
  EXPECT_TRUE(set.strays.empty());
  for (const Migration& m : set.migrations) {
    // golang-migrate sends each file as one query string.
    EXPECT_EQ(m.up->transaction, Transaction::query);
    ASSERT_TRUE(m.down) << m.name;
    EXPECT_EQ(m.files, (std::vector<std::string>{m.up->file, m.down->file}));
  }
  EXPECT_EQ(set.migrations[1].up->file,
            "fixtures/layouts/golang-migrate/20240102093000_create_orders.up.sql");
  EXPECT_EQ(set.migrations[1].down->file,
            "fixtures/layouts/golang-migrate/20240102093000_create_orders.down.sql");
}

TEST(DiscoverGolangMigrate, RequiresADirectionAndAnUp) {
  DiscoverTree tree;
  tree.write("m/1_a.up.sql");
  tree.write("m/2_b.sql");
  tree.write("m/3_c.down.sql");
  tree.write("m/4_d.up.sql");
  tree.write("m/4_e.down.sql");
  MigrationSet set = discover(tree.root(), tree.path("m"), "golang-migrate");
  EXPECT_THAT(ids(set), ElementsAre("1:a", "4:d"));
  EXPECT_FALSE(set.migrations[0].down);
  EXPECT_THAT(stray_files(set), ElementsAre("m/2_b.sql", "m/3_c.down.sql", "m/4_e.down.sql"));
  EXPECT_EQ(stray_reason(set, "m/2_b.sql"),
            "golang-migrate reads only 2_b.up.sql and 2_b.down.sql, and skips this one");
  EXPECT_EQ(set.strays[0].kind, StrayFile::Kind::ignored);
  EXPECT_EQ(stray_reason(set, "m/3_c.down.sql"), "down migration without an up: no 3_c.up.sql");
}

}  // namespace
}  // namespace mgate
