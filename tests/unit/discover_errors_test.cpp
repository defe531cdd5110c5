#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/config.hpp"
#include "discover/discover.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using discover_tests::ids;
using discover_tests::stray_reason;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The message of the InputError `discover` throws, or "" when it throws none.
std::string input_error(const std::filesystem::path& root, const std::filesystem::path& dir,
                        const std::string& layout = "auto") {
  try {
    discover(root, dir, layout);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Permissions do not stop root, so the unreadable cases can only be checked as another user.
bool permissions_apply() {
  return geteuid() != 0;
}

TEST(DiscoverErrors, AMissingDirectoryIsAnInputError) {
  DiscoverTree tree;
  std::filesystem::path missing = tree.path("db/migrations");
  EXPECT_EQ(input_error(tree.root(), missing),
            "migrations directory " + missing.string() + " does not exist");
}

TEST(DiscoverErrors, AFileIsNotADirectory) {
  DiscoverTree tree;
  tree.write("db.sql");
  EXPECT_EQ(input_error(tree.root(), tree.path("db.sql")),
            tree.path("db.sql").string() + " is not a directory");
}

TEST(DiscoverErrors, AnUnknownLayoutNamesTheKnownOnes) {
  DiscoverTree tree;
  tree.mkdir("db");
  EXPECT_EQ(input_error(tree.root(), tree.path("db"), "rails"),
            "unknown layout 'rails' (known: auto, plain, golang-migrate, flyway, dbmate, diesel, "
            "goose, sqitch, prisma, liquibase, sqlx, atlas, pop, sql-migrate)");
}

TEST(DiscoverErrors, LayoutNamesStartWithAuto) {
  EXPECT_THAT(layout_names(),
              ElementsAre("auto", "plain", "golang-migrate", "flyway", "dbmate", "diesel", "goose",
                          "sqitch", "prisma", "liquibase", "sqlx", "atlas", "pop", "sql-migrate"));
}

TEST(DiscoverErrors, EveryLayoutReadsAnEmptyDirectory) {
  DiscoverTree tree;
  tree.mkdir("db");
  tree.write("db/sqitch.plan", "%project=t\n");
  for (const std::string& layout : layout_names()) {
    MigrationSet set = discover(tree.root(), tree.path("db"), layout);
    EXPECT_TRUE(set.migrations.empty()) << layout;
  }
}

// Only a plain runner (and Prisma) sends scripts as the user configures.
TEST(DiscoverErrors, ATransactionSettingForALayoutWhoseToolDecidesIsAnInputError) {
  DiscoverTree tree;
  tree.write("db/1_a.up.sql");
  DiscoverOptions options;
  options.transaction = Transaction::statement;
  try {
    discover(tree.root(), tree.path("db"), options);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("does not apply to golang-migrate"));
    EXPECT_THAT(e.what(), HasSubstr("put the statement alone in a migration file of its own"));
  }
}

TEST(DiscoverErrors, AnUnreadableDirectoryIsAnInputError) {
  if (!permissions_apply()) GTEST_SKIP() << "running as root";
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  std::filesystem::permissions(tree.path("db"), std::filesystem::perms::none);
  EXPECT_THAT(input_error(tree.root(), tree.path("db")),
              HasSubstr("cannot read directory " + tree.path("db").string()));
}

TEST(DiscoverErrors, AnUnreadableSubdirectoryIsAnInputError) {
  if (!permissions_apply()) GTEST_SKIP() << "running as root";
  DiscoverTree tree;
  tree.write("db/V1__a.sql");
  tree.write("db/2024/V2__b.sql");
  std::filesystem::permissions(tree.path("db/2024"), std::filesystem::perms::none);
  EXPECT_THAT(input_error(tree.root(), tree.path("db"), "flyway"),
              HasSubstr("cannot read directory db/2024"));
}

// Prisma and diesel look their files up by name: a migration directory that cannot be searched
// is an input error, as when it was listed.
TEST(DiscoverErrors, AMigrationDirectoryThatCannotBeSearchedIsAnInputError) {
  if (!permissions_apply()) GTEST_SKIP() << "running as root";
  for (const auto& [layout, file] : {std::pair{"prisma", "migration.sql"}, {"diesel", "up.sql"}}) {
    DiscoverTree tree;
    tree.write(std::string("db/20240101000000_a/") + file);
    std::filesystem::permissions(tree.path("db/20240101000000_a"),
                                 std::filesystem::perms::owner_read);
    EXPECT_THAT(input_error(tree.root(), tree.path("db"), layout),
                HasSubstr("cannot read directory db/20240101000000_a"))
        << layout;
  }
}

TEST(DiscoverErrors, AnUnreadableFileThatMustBeReadIsAnInputError) {
  if (!permissions_apply()) GTEST_SKIP() << "running as root";
  DiscoverTree tree;
  tree.write("db/1_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n");
  std::filesystem::permissions(tree.path("db/1_a.sql"), std::filesystem::perms::none);
  EXPECT_THAT(input_error(tree.root(), tree.path("db"), "dbmate"),
              HasSubstr("cannot read db/1_a.sql"));
}

TEST(DiscoverErrors, BrokenSymbolicLinksAreStrays) {
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  tree.link("db/002_self.sql", "002_self.sql");
  tree.link("db/003_gone.sql", "nowhere.sql");
  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  EXPECT_THAT(ids(set), ElementsAre("001:a"));
  EXPECT_THAT(stray_reason(set, "db/002_self.sql"),
              HasSubstr("symbolic link that cannot be followed"));
  EXPECT_THAT(stray_reason(set, "db/003_gone.sql"),
              HasSubstr("symbolic link that cannot be followed"));
}

TEST(DiscoverErrors, ALinkedFileIsAMigrationLikeAnyOther) {
  DiscoverTree tree;
  tree.write("shared/001_a.sql");
  tree.link("db/001_a.sql", "../shared/001_a.sql");
  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  ASSERT_THAT(ids(set), ElementsAre("001:a"));
  EXPECT_EQ(set.migrations[0].up->file, "db/001_a.sql");
}

TEST(DiscoverErrors, ALoopInALayoutThatDoesNotDescendIsIgnored) {
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  tree.link("db/loop", "..");
  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  EXPECT_THAT(ids(set), ElementsAre("001:a"));
  EXPECT_TRUE(set.strays.empty());  // a plain runner reads no directory
}

}  // namespace
}  // namespace mgate
