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

TEST(DiscoverDiesel, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/diesel", "diesel");
  EXPECT_EQ(set.layout, "diesel");
  // diesel's versions drop the dashes; its initial setup is an ordinary migration.
  ASSERT_THAT(ids(set),
              ElementsAre("00000000000000:diesel_initial_setup", "20240101120000:create_users",
                          "20240115080000:index_users_name"));
  EXPECT_TRUE(set.strays.empty());  // .keep is hidden

  const Migration& users = set.migrations[1];
  std::string dir = "fixtures/layouts/diesel/2024-01-01-120000_create_users";
  EXPECT_EQ(users.up->file, dir + "/up.sql");
  EXPECT_EQ(users.down->file, dir + "/down.sql");
  EXPECT_THAT(users.files, ElementsAre(dir + "/up.sql", dir + "/down.sql"));
  EXPECT_EQ(users.up->transaction, Transaction::script);

  // metadata.toml: run_in_transaction = false. diesel then sends the file with batch_execute:
  // one query string.
  const Migration& index = set.migrations[2];
  EXPECT_EQ(index.up->transaction, Transaction::query);
  EXPECT_EQ(index.down->transaction, Transaction::query);
  EXPECT_EQ(index.files.back(),
            "fixtures/layouts/diesel/2024-01-15-080000_index_users_name/metadata.toml");
}

// Every directory is a migration to diesel, whose version is what precedes the first '_'; files
// beside the directories, and other files in them, are ignored.
TEST(DiscoverDiesel, ADirectoryWithoutUpSqlIsRefused) {
  DiscoverTree tree;
  tree.write("migrations/README.md", "docs\n");
  tree.write("migrations/2024-01-01-000000_no_up/down.sql");
  tree.write("migrations/2024-01-02-000000_extra/up.sql");
  tree.write("migrations/2024-01-02-000000_extra/notes.txt", "x\n");
  tree.write("migrations/2024-01-03-000000_no_down/up.sql");
  tree.write("migrations/2024-01-04-000000_add-index/up.sql");
  MigrationSet set = discover(tree.root(), tree.path("migrations"), "diesel");
  EXPECT_THAT(ids(set), ElementsAre("20240102000000:extra", "20240103000000:no_down",
                                    "20240104000000:add-index"));
  EXPECT_FALSE(set.migrations[1].down);
  EXPECT_THAT(stray_files(set), ElementsAre("migrations/2024-01-01-000000_no_up"));
  EXPECT_EQ(stray_reason(set, "migrations/2024-01-01-000000_no_up"),
            "diesel migration directory without up.sql");
}

TEST(DiscoverDiesel, UnusableMetadataIsReportedAndIgnoredAsDieselDoes) {
  DiscoverTree tree;
  tree.write("migrations/1_broken/up.sql");
  tree.write("migrations/1_broken/metadata.toml", "run_in_transaction = \n");
  tree.write("migrations/2_wrong_type/up.sql");
  tree.write("migrations/2_wrong_type/metadata.toml", "\nrun_in_transaction = \"no\"\n");
  tree.write("migrations/3_other_keys/up.sql");
  tree.write("migrations/3_other_keys/metadata.toml", "owner = \"team-a\"\n");
  MigrationSet set = discover(tree.root(), tree.path("migrations"), "diesel");
  ASSERT_EQ(set.migrations.size(), 3u);
  for (const Migration& m : set.migrations)
    EXPECT_EQ(m.up->transaction, Transaction::script) << m.name;
  EXPECT_EQ(set.strays[0].kind, StrayFile::Kind::ignored);
  EXPECT_THAT(stray_reason(set, "migrations/1_broken/metadata.toml"), HasSubstr("line 1: "));
  EXPECT_THAT(stray_reason(set, "migrations/1_broken/metadata.toml"),
              HasSubstr("diesel ignores this file and runs the migration in a transaction"));
  EXPECT_EQ(stray_reason(set, "migrations/2_wrong_type/metadata.toml"),
            "line 2: run_in_transaction must be true or false; diesel ignores this file and runs "
            "the migration in a transaction");
  EXPECT_EQ(stray_reason(set, "migrations/3_other_keys/metadata.toml"), "");
}

TEST(DiscoverDiesel, NeverFollowsASymbolicLinkLoop) {
  DiscoverTree tree;
  tree.write("migrations/2024-01-01-000000_a/up.sql");
  tree.link("migrations/2024-01-02-000000_loop", ".");
  tree.link("migrations/2024-01-03-000000_alias", "2024-01-01-000000_a");
  MigrationSet set = discover(tree.root(), tree.path("migrations"), "diesel");
  EXPECT_THAT(ids(set), ElementsAre("20240101000000:a"));
  EXPECT_EQ(stray_reason(set, "migrations/2024-01-02-000000_loop"),
            "symbolic link loop back to migrations: not followed");
  EXPECT_EQ(stray_reason(set, "migrations/2024-01-03-000000_alias"),
            "the same directory as migrations/2024-01-01-000000_a, which is already read");
}

// Directories the listing names as such are told apart without a stat until a link is entered;
// a link that comes first in the listing still makes the real directory after it a second way in.
TEST(DiscoverDiesel, ALinkBeforeTheDirectoryItLeadsToIsReadOnce) {
  DiscoverTree tree;
  tree.write("migrations/2024-01-02-000000_real/up.sql");
  tree.write("migrations/2024-01-03-000000_other/up.sql");
  tree.link("migrations/2024-01-01-000000_alias", "2024-01-02-000000_real");
  MigrationSet set = discover(tree.root(), tree.path("migrations"), "diesel");
  EXPECT_THAT(ids(set), ElementsAre("20240101000000:alias", "20240103000000:other"));
  EXPECT_EQ(stray_reason(set, "migrations/2024-01-02-000000_real"),
            "the same directory as migrations/2024-01-01-000000_alias, which is already read");
}

// Real directories entered before a link are asked for their identity once the link is entered.
TEST(DiscoverDiesel, ALinkAfterTheDirectoryItLeadsToIsAStray) {
  DiscoverTree tree;
  tree.write("migrations/2024-01-01-000000_a/up.sql");
  tree.write("migrations/2024-01-02-000000_b/up.sql");
  tree.link("migrations/2024-01-03-000000_alias_of_b", "2024-01-02-000000_b");
  tree.write("migrations/2024-01-04-000000_c/up.sql");
  MigrationSet set = discover(tree.root(), tree.path("migrations"), "diesel");
  EXPECT_THAT(ids(set), ElementsAre("20240101000000:a", "20240102000000:b", "20240104000000:c"));
  EXPECT_THAT(stray_files(set), ElementsAre("migrations/2024-01-03-000000_alias_of_b"));
  EXPECT_EQ(stray_reason(set, "migrations/2024-01-03-000000_alias_of_b"),
            "the same directory as migrations/2024-01-02-000000_b, which is already read");
}

}  // namespace
}  // namespace mgate
