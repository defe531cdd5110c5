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
  MigrationSet set = discover(tree.root(), tree.path("m"), "golang-migrate");
  EXPECT_THAT(ids(set), ElementsAre("1:a", "4:d"));
  EXPECT_FALSE(set.migrations[0].down);
  EXPECT_THAT(stray_files(set), ElementsAre("m/2_b.sql", "m/3_c.down.sql"));
  EXPECT_EQ(stray_reason(set, "m/2_b.sql"),
            "golang-migrate reads only 2_b.up.sql and 2_b.down.sql, and skips this one");
  EXPECT_EQ(set.strays[0].kind, StrayFile::Kind::ignored);
  EXPECT_EQ(stray_reason(set, "m/3_c.down.sql"), "down migration without an up: no 3_*.up.sql");
}

// golang-migrate keys a migration by its version alone (source.Migrations): the words after the
// version may differ between the up and the down, as in ente's 30_add_magic_metadata.up.sql and
// 30_drop_magic_metadata.down.sql.
TEST(DiscoverGolangMigrate, PairsADownWithTheUpOfItsVersionWhateverTheirNames) {
  DiscoverTree tree;
  tree.write("m/30_add_magic_metadata.up.sql");
  tree.write("m/30_drop_magic_metadata.down.sql");
  tree.write("m/31_a.up.sql");
  tree.write("m/31_a.down.sql");
  tree.write("m/31_b.down.sql");
  tree.write("m/32_x.up.sql");
  tree.write("m/32_y.up.sql");
  tree.write("m/32_z.down.sql");
  MigrationSet set = discover(tree.root(), tree.path("m"), "golang-migrate");
  EXPECT_THAT(ids(set), ElementsAre("30:add_magic_metadata", "31:a", "32:x", "32:y"));
  ASSERT_TRUE(set.migrations[0].down);
  EXPECT_EQ(set.migrations[0].down->file, "m/30_drop_magic_metadata.down.sql");
  EXPECT_EQ(set.migrations[0].files,
            (std::vector<std::string>{"m/30_add_magic_metadata.up.sql",
                                      "m/30_drop_magic_metadata.down.sql"}));
  ASSERT_TRUE(set.migrations[1].down);
  EXPECT_EQ(set.migrations[1].down->file, "m/31_a.down.sql");
  EXPECT_FALSE(set.migrations[2].down);
  EXPECT_FALSE(set.migrations[3].down);
  EXPECT_THAT(stray_files(set), ElementsAre("m/31_b.down.sql", "m/32_z.down.sql"));
  EXPECT_EQ(stray_reason(set, "m/31_b.down.sql"),
            "a second down script for version 31 (the first is 31_a.down.sql): golang-migrate "
            "refuses the directory");
  EXPECT_EQ(stray_reason(set, "m/32_z.down.sql"),
            "a down script of version 32, which has 2 up scripts: golang-migrate cannot tell "
            "which one it reverts");
}

// Atlas reads golang-migrate's directories too, and sums their up files in atlas.sum.
TEST(DiscoverGolangMigrate, AtlasSumBesideTheFilesIsItsChecksumFile) {
  DiscoverTree tree;
  tree.write("m/1_a.up.sql");
  tree.write("m/1_a.down.sql");
  tree.write("m/atlas.sum", "h1:x\n");
  MigrationSet set = discover(tree.root(), tree.path("m"), "auto");
  EXPECT_EQ(set.layout, "golang-migrate");
  EXPECT_THAT(ids(set), ElementsAre("1:a"));
  EXPECT_TRUE(set.strays.empty());
  EXPECT_EQ(set.checksum_file, "m/atlas.sum");

  DiscoverTree plain;
  plain.write("m/1_a.up.sql");
  plain.write("m/1_a.down.sql");
  EXPECT_TRUE(discover(plain.root(), plain.path("m"), "golang-migrate").checksum_file.empty());
}

}  // namespace
}  // namespace mgate
