#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using discover_tests::ids;
using discover_tests::stray_files;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(DiscoverAtlas, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/atlas");
  EXPECT_EQ(set.layout, "atlas");  // atlas.sum
  EXPECT_THAT(ids(set), ElementsAre("20240101120000:create_users", "20240102093000:create_orders",
                                    "20240115080000:index_orders_user"));
  EXPECT_THAT(set.strays, IsEmpty());
  EXPECT_EQ(set.checksum_file, "fixtures/layouts/atlas/atlas.sum");
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::script);
  EXPECT_EQ(set.migrations[2].up->transaction, Transaction::statement);  // atlas:txmode none
}

TEST(DiscoverAtlas, DirectivesCountOnlyInTheDetachedHeader) {
  DiscoverTree tree;
  tree.write("m/atlas.sum", "h1:x\n");
  // Without the blank line the comment belongs to the statement, not to the file.
  tree.write("m/1_a.sql", "-- atlas:txmode none\nCREATE INDEX CONCURRENTLY i ON t (a);\n");
  tree.write("m/2_b.sql", "-- atlas:txmode file\n\nSELECT 1;\n");
  tree.write("m/3_c.sql", "-- atlas:txmode all\n\nSELECT 1;\n");
  MigrationSet set = discover(tree.root(), tree.path("m"));
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::script);
  EXPECT_EQ(set.migrations[1].up->transaction, Transaction::script);
  EXPECT_THAT(stray_files(set), ElementsAre("m/3_c.sql"));  // Atlas refuses txmode all in a file
}

TEST(DiscoverAtlas, WithoutAtlasSumAtlasRefusesTheDirectory) {
  DiscoverTree tree;
  tree.write("m/1_a.sql");
  MigrationSet set = discover(tree.root(), tree.path("m"), "atlas");
  EXPECT_THAT(stray_files(set), ElementsAre("m/atlas.sum"));
  EXPECT_TRUE(set.checksum_file.empty());
}

}  // namespace
}  // namespace mgate
