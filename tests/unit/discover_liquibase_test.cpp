#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using discover_tests::ids;
using discover_tests::script_text;
using discover_tests::stray_files;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(DiscoverLiquibase, ReadsTheFixture) {
  std::filesystem::path root = discover_tests::source_dir();
  MigrationSet set = discover(root, root / "fixtures/layouts/liquibase");
  EXPECT_EQ(set.layout, "liquibase");
  // In changelog order; ada:3 is for H2 only and is not applied on PostgreSQL.
  EXPECT_THAT(ids(set), ElementsAre("0001:ada:1", "0002:ada:2", "0003:grace:index-orders-user",
                                    "0004:grace:users-name"));
  EXPECT_THAT(set.strays, IsEmpty());

  const Migration& users = set.migrations[0];
  EXPECT_EQ(users.up->file, "fixtures/layouts/liquibase/changelog/001_users.sql");
  EXPECT_THAT(script_text(root, *users.up), HasSubstr("CREATE TABLE users"));
  EXPECT_THAT(script_text(root, *users.up), Not(HasSubstr("CREATE TABLE orders")));
  EXPECT_EQ(users.up->transaction, Transaction::script);
  ASSERT_TRUE(users.down);
  ASSERT_EQ(users.down->pieces.size(), 1u);

  const Migration& index = set.migrations[2];
  EXPECT_EQ(index.up->transaction, Transaction::statement);  // runInTransaction:false
  ASSERT_TRUE(index.down);
  EXPECT_EQ(index.down->transaction, Transaction::statement);

  const Migration& name = set.migrations[3];
  ASSERT_TRUE(name.down);  // a /* liquibase rollback */ block
  EXPECT_FALSE(name.down->pieces.empty());
}

TEST(DiscoverLiquibase, DuplicateIdentifiersAreRefusedAndOtherFilesIgnored) {
  DiscoverTree tree;
  tree.write("db/a.sql",
             "--liquibase formatted sql\n--changeset ada:1\nSELECT 1;\n--changeset ada:1\n"
             "SELECT 2;\n--changeset \"Ada Lovelace\":2 runInTransaction:false "
             "splitStatements:false\nSELECT 3;\n--rollback not required\n");
  tree.write("db/plain.sql", "SELECT 1;\n");
  tree.write("db/changelog.xml", "<databaseChangeLog/>\n");
  MigrationSet set = discover(tree.root(), tree.path("db"));
  EXPECT_EQ(set.layout, "liquibase");
  EXPECT_THAT(ids(set), ElementsAre("0001:ada:1", "0002:Ada Lovelace:2"));
  EXPECT_THAT(stray_files(set), ElementsAre("db/a.sql"));
  EXPECT_EQ(set.migrations[1].up->transaction, Transaction::query);  // one unsplit batch
  EXPECT_FALSE(set.migrations[1].down);                              // rollback not required
}

// The master changelog's includes decide the order (2.2 before 2.2.1, which name order would
// swap), and a changelog it does not include is not run.
TEST(DiscoverLiquibase, AMasterChangelogDecidesTheOrder) {
  DiscoverTree tree;
  const std::string header = "--liquibase formatted sql\n";
  tree.write("db/changelog/db.changelog-2.2.sql", header + "--changeset a:22\nSELECT 1;\n");
  tree.write("db/changelog/db.changelog-2.2.1.sql", header + "--changeset a:221\nSELECT 1;\n");
  tree.write("db/changelog/db.changelog-9.sql", header + "--changeset a:9\nSELECT 1;\n");
  tree.write("db/changelog/db.changelog-master.yaml",
             "databaseChangeLog:\n  - include:\n      file: db/changelog/db.changelog-2.2.sql\n"
             "  - include:\n      file: db/changelog/db.changelog-2.2.1.sql\n");
  MigrationSet set = discover(tree.root(), tree.path("db/changelog"));
  EXPECT_EQ(set.layout, "liquibase");
  EXPECT_THAT(ids(set), ElementsAre("0001:a:22", "0002:a:221"));
  EXPECT_THAT(stray_files(set), ElementsAre("db/changelog/db.changelog-9.sql"));
  EXPECT_EQ(set.strays[0].kind, StrayFile::Kind::ignored);
}

}  // namespace
}  // namespace mgate
