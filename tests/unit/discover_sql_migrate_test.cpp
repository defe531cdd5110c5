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
using ::testing::IsEmpty;

std::string section(const MigrationSet& set, const std::string& text, const Script& script) {
  (void)set;
  return text.substr(script.section.begin, script.section.size());
}

TEST(DiscoverSqlMigrate, ReadsTheFixture) {
  MigrationSet set =
      discover(discover_tests::source_dir(),
               discover_tests::source_dir() / "fixtures/layouts/sql-migrate", "auto");
  EXPECT_EQ(set.layout, "sql-migrate");
  EXPECT_THAT(ids(set), ElementsAre("20240101120000:create_users", "20240102093000:create_orders",
                                    "20240115080000:index_orders_user"));
  EXPECT_THAT(set.strays, IsEmpty());
  for (const Migration& m : set.migrations) {
    ASSERT_TRUE(m.up && m.down) << m.name;
    EXPECT_EQ(m.up->file, m.down->file);
  }
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::script);
  // `notransaction` on the marker: each statement runs on its own.
  EXPECT_EQ(set.migrations[2].up->transaction, Transaction::statement);
  EXPECT_EQ(set.migrations[2].down->transaction, Transaction::statement);
}

TEST(DiscoverSqlMigrate, SectionsRunFromAMarkerToTheOtherDirectionsMarker) {
  DiscoverTree tree;
  // Convoy repeats `-- +migrate Up` within one direction, and CDS has a `-- +migrate Down;`
  // that sql-migrate does not know as a command: the up goes on through it.
  const std::string text =
      "-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
      "-- +migrate Up\nALTER TABLE t ADD UNIQUE USING INDEX i;\n"
      "-- +migrate Down;\nALTER TABLE t DROP CONSTRAINT i;\n"
      "-- +migrate Down\nDROP INDEX i;\n";
  tree.write("m/1677078479.sql", text);
  MigrationSet set = discover(tree.root(), tree.path("m"), "sql-migrate");
  ASSERT_THAT(ids(set), ElementsAre("1677078479:"));
  const Migration& m = set.migrations[0];
  EXPECT_EQ(section(set, text, *m.up),
            "CREATE INDEX CONCURRENTLY i ON t (a);\n-- +migrate Up\nALTER TABLE t ADD UNIQUE "
            "USING INDEX i;\n-- +migrate Down;\nALTER TABLE t DROP CONSTRAINT i;\n");
  EXPECT_EQ(section(set, text, *m.down), "DROP INDEX i;\n");
  // One marker of the direction says notransaction: sql-migrate runs the whole up so.
  EXPECT_EQ(m.up->transaction, Transaction::statement);
  EXPECT_EQ(m.down->transaction, Transaction::script);
  EXPECT_THAT(set.strays, IsEmpty());
}

TEST(DiscoverSqlMigrate, RefusesWhatSqlMigrateRefuses) {
  DiscoverTree tree;
  tree.write("m/1_none.sql", "CREATE TABLE a (id int);\n");
  tree.write("m/2_open.sql",
             "-- +migrate Up\nCREATE TABLE b (id int)\n-- +migrate Down\nDROP TABLE b;\n");
  tree.write("m/3_begin.sql", "-- +migrate Up\n-- +migrate StatementBegin\nSELECT 1;\n");
  tree.write("m/4_empty.sql", "-- +migrate \nSELECT 1;\n");  // the prefix, then nothing
  tree.write("m/5_last.sql", "-- +migrate Up\nCREATE TABLE e (id int)\n");
  MigrationSet set = discover(tree.root(), tree.path("m"), "sql-migrate");
  EXPECT_THAT(ids(set), IsEmpty());
  EXPECT_THAT(stray_files(set), ElementsAre("m/1_none.sql", "m/2_open.sql", "m/3_begin.sql",
                                            "m/4_empty.sql", "m/5_last.sql"));
  EXPECT_EQ(stray_reason(set, "m/1_none.sql"),
            "no '-- +migrate Up' or '-- +migrate Down' line: sql-migrate refuses the file (\"no "
            "Up/Down annotations found\")");
  EXPECT_EQ(stray_reason(set, "m/2_open.sql"),
            "line 3: a statement does not end with a semicolon at the end of its line (or with "
            "'-- +migrate StatementEnd') before the next section or the end of the file: "
            "sql-migrate refuses the file");
  EXPECT_EQ(stray_reason(set, "m/3_begin.sql"),
            "'-- +migrate StatementBegin' without its '-- +migrate StatementEnd': sql-migrate "
            "refuses the file");
  EXPECT_EQ(stray_reason(set, "m/4_empty.sql"),
            "line 1: '-- +migrate' without a command: sql-migrate refuses the file");
}

TEST(DiscoverSqlMigrate, WarnsAboutSqlItDoesNotRun) {
  DiscoverTree tree;
  tree.write("m/1_a.sql", "CREATE TABLE skipped (id int);\n-- +migrate Up\nSELECT 1;\n");
  MigrationSet set = discover(tree.root(), tree.path("m"), "sql-migrate");
  EXPECT_THAT(ids(set), ElementsAre("1:a"));
  EXPECT_EQ(stray_reason(set, "m/1_a.sql"),
            "line 1: SQL before the first '-- +migrate Up' or '-- +migrate Down' line, which "
            "sql-migrate does not run");
  EXPECT_EQ(set.strays[0].kind, StrayFile::Kind::ignored);
}

// sql-migrate does not strip a byte order mark: the marker on line 1 is no marker to it.
TEST(DiscoverSqlMigrate, AByteOrderMarkHidesTheFirstMarker) {
  DiscoverTree tree;
  tree.write("m/1_a.sql",
             "\xEF\xBB\xBF-- +migrate Up\nCREATE TABLE a (id int);\n"
             "-- +migrate Down\nDROP TABLE a;\n");
  tree.write("m/2_b.sql", "\xEF\xBB\xBF-- +migrate Up\nCREATE TABLE b (id int);\n");
  MigrationSet set = discover(tree.root(), tree.path("m"), "sql-migrate");
  ASSERT_THAT(ids(set), ElementsAre("1:a"));
  // Its up is empty, as sql-migrate runs it; its down is there.
  EXPECT_EQ(set.migrations[0].up->section.size(), 0u);
  ASSERT_TRUE(set.migrations[0].down);
  EXPECT_THAT(stray_reason(set, "m/1_a.sql"),
              ::testing::StartsWith("starts with a UTF-8 byte order mark (U+FEFF), which "
                                    "sql-migrate does not strip"));
  EXPECT_THAT(stray_reason(set, "m/2_b.sql"), ::testing::HasSubstr("byte order mark"));
  EXPECT_EQ(set.strays[1].kind, StrayFile::Kind::refused);
}

// sql-migrate adds every section of a direction to it, wherever it is in the file.
TEST(DiscoverSqlMigrate, AlternatingSectionsArePiecesOfOneScript) {
  DiscoverTree tree;
  const std::string text =
      "-- +migrate Up\nSELECT 1;\n-- +migrate Down\nSELECT 2;\n-- +migrate Up\nSELECT 3;\n";
  tree.write("m/2_b.sql", text);
  MigrationSet set = discover(tree.root(), tree.path("m"), "sql-migrate");
  ASSERT_THAT(ids(set), ElementsAre("2:b"));
  const Script& up = *set.migrations[0].up;
  ASSERT_EQ(up.pieces.size(), 2u);
  EXPECT_EQ(text.substr(up.pieces[0].begin, up.pieces[0].size()), "SELECT 1;\n");
  EXPECT_EQ(text.substr(up.pieces[1].begin, up.pieces[1].size()), "SELECT 3;\n");
  EXPECT_EQ(section(set, text, *set.migrations[0].down), "SELECT 2;\n");
  EXPECT_TRUE(set.migrations[0].down->pieces.empty());
  EXPECT_THAT(set.strays, IsEmpty());
}

}  // namespace
}  // namespace mgate
