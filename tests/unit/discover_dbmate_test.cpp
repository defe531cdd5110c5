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

TEST(DiscoverDbmate, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/dbmate", "dbmate");
  EXPECT_EQ(set.layout, "dbmate");
  ASSERT_THAT(ids(set), ElementsAre("20240101120000:create_users", "20240102093000:create_orders",
                                    "20240115080000:index_orders_user"));
  EXPECT_TRUE(set.strays.empty());

  const Migration& users = set.migrations[0];
  std::string file = "fixtures/layouts/dbmate/20240101120000_create_users.sql";
  EXPECT_EQ(users.up->file, file);
  EXPECT_EQ(users.down->file, file);
  EXPECT_THAT(users.files, ElementsAre(file));
  EXPECT_EQ(script_text(discover_tests::source_dir(), *users.up),
            "CREATE TABLE users (\n    id bigserial PRIMARY KEY,\n    name text NOT NULL\n);\n\n");
  EXPECT_EQ(script_text(discover_tests::source_dir(), *users.down), "DROP TABLE users;\n");
  EXPECT_EQ(users.up->transaction, Transaction::script);
  // "-- migrate:up transaction:false": dbmate sends the section as one query of its own.
  EXPECT_EQ(set.migrations[2].up->transaction, Transaction::query);
  EXPECT_EQ(set.migrations[2].down->transaction, Transaction::query);
}

TEST(DiscoverDbmate, SectionSpansAreExact) {
  DiscoverTree tree;
  tree.write("db/1_t.sql",
             "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "dbmate");
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].up->section, (Span{14, 39}));
  EXPECT_EQ(set.migrations[0].down->section, (Span{55, 69}));
  EXPECT_FALSE(set.migrations[0].up->whole_file());
}

TEST(DiscoverDbmate, HandlesCarriageReturnsAndAMarkerOnTheLastLine) {
  DiscoverTree tree;
  tree.write("db/1_crlf.sql", "--migrate:up\r\nSELECT 1;\r\n-- migrate:down");
  MigrationSet set = discover(tree.root(), tree.path("db"), "dbmate");
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].up->section, (Span{14, 25}));
  EXPECT_EQ(set.migrations[0].down->section, (Span{40, 40}));
  EXPECT_TRUE(set.strays.empty());
}

TEST(DiscoverDbmate, TransactionFalseAppliesToItsOwnSection) {
  DiscoverTree tree;
  tree.write("db/1_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down  transaction:false\n");
  tree.write("db/2_b.sql", "-- migrate:up transaction:true\nSELECT 1;\n-- migrate:down\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "dbmate");
  ASSERT_EQ(set.migrations.size(), 2u);
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::script);
  EXPECT_EQ(set.migrations[0].down->transaction, Transaction::query);
  EXPECT_EQ(set.migrations[1].up->transaction, Transaction::script);
}

TEST(DiscoverDbmate, MalformedFilesAreReported) {
  DiscoverTree tree;
  tree.write("db/1_no_markers.sql", "CREATE TABLE a (id int);\n");
  tree.write("db/2_no_down.sql", "-- migrate:up\nSELECT 1;\n");
  tree.write("db/3_sql_first.sql",
             "-- header\nSELECT 0;\n-- migrate:up\nSELECT 1;\n-- migrate:down\n");
  tree.write("db/4_down_first.sql", "-- migrate:down\nSELECT 2;\n-- migrate:up\nSELECT 1;\n");
  tree.write("db/5_not_a_marker.sql", "-- migrate:upgrade\nSELECT 1;\n");
  tree.write("db/schema.sql", "SELECT 1;\n");
  tree.write("db/20240101-no-underscore.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "dbmate");
  // dbmate's pattern is ^(\d+).*\.sql$: no '_' needed after the version.
  EXPECT_THAT(ids(set),
              ElementsAre("2:no_down", "3:sql_first", "4:down_first", "20240101:no-underscore"));
  EXPECT_EQ(stray_reason(set, "db/1_no_markers.sql"),
            "no '-- migrate:up' line: dbmate needs one to open the up section");
  EXPECT_EQ(stray_reason(set, "db/5_not_a_marker.sql"),
            "no '-- migrate:up' line: dbmate needs one to open the up section");
  EXPECT_EQ(stray_reason(set, "db/2_no_down.sql"),
            "no '-- migrate:down' line: dbmate requires a down section");
  EXPECT_FALSE(set.migrations[0].down);
  EXPECT_EQ(stray_reason(set, "db/3_sql_first.sql"),
            "line 2: SQL before '-- migrate:up' belongs to no section; dbmate rejects it");
  EXPECT_EQ(stray_reason(set, "db/4_down_first.sql"),
            "'-- migrate:down' comes before '-- migrate:up': dbmate requires the up section first");
  EXPECT_EQ(stray_reason(set, "db/schema.sql"), "");  // not a migration name: dbmate ignores it

  // Even out of order, each section runs to the next marker.
  const Migration& down_first = set.migrations[2];
  EXPECT_EQ(script_text(tree.root(), *down_first.up), "SELECT 1;\n");
  EXPECT_EQ(script_text(tree.root(), *down_first.down), "SELECT 2;\n");
}

}  // namespace
}  // namespace mgate
