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

TEST(DiscoverPlain, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/plain", "plain");
  EXPECT_EQ(set.layout, "plain");
  EXPECT_EQ(set.dir, "fixtures/layouts/plain");
  ASSERT_EQ(ids(set), (std::vector<std::string>{"001:create_users", "002:create_orders",
                                                "003:add_users_email"}));
  EXPECT_TRUE(set.strays.empty());

  const Migration& users = set.migrations[0];
  EXPECT_EQ(users.up->file, "fixtures/layouts/plain/001_create_users.sql");
  EXPECT_TRUE(users.up->whole_file());
  EXPECT_FALSE(users.down);
  EXPECT_EQ(users.up->transaction, Transaction::script);
  EXPECT_THAT(users.files, ElementsAre("fixtures/layouts/plain/001_create_users.sql"));

  const Migration& orders = set.migrations[1];
  EXPECT_EQ(orders.up->file, "fixtures/layouts/plain/002_create_orders.up.sql");
  EXPECT_EQ(orders.down->file, "fixtures/layouts/plain/002_create_orders.down.sql");
  EXPECT_EQ(orders.files.size(), 2u);

  // A bare .sql is the up of a .down.sql with the same version and name.
  const Migration& email = set.migrations[2];
  EXPECT_EQ(email.up->file, "fixtures/layouts/plain/003_add_users_email.sql");
  EXPECT_EQ(email.down->file, "fixtures/layouts/plain/003_add_users_email.down.sql");
}

// Only what looks like a migration is reported; what a runner would never take for one (a
// README, notes, a subdirectory) is none of mgate's business.
TEST(DiscoverPlain, FilesThatLookLikeMigrationsButDoNotFitAreStraysWithAReason) {
  DiscoverTree tree;
  tree.write("db/001_create_users.sql");
  tree.write("db/README.md", "# migrations\n");
  tree.write("db/notes.txt", "todo\n");
  tree.write("db/abc.sql");
  tree.write("db/002 add orders.sql");
  tree.write("db/003.sql");
  tree.write("db/004_.sql");
  tree.write("db/005_orphan.down.sql");
  tree.write("db/006_add-user-index.sql");
  tree.mkdir("db/archive");

  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  EXPECT_THAT(ids(set), ElementsAre("001:create_users", "006:add-user-index"));
  EXPECT_THAT(stray_files(set), ElementsAre("db/002 add orders.sql", "db/003.sql", "db/004_.sql",
                                            "db/005_orphan.down.sql"));
  EXPECT_EQ(stray_reason(set, "db/002 add orders.sql"),
            "the version 002 must be followed by '_' and a name, as in 002_name.sql: a plain "
            "runner skips it");
  EXPECT_EQ(stray_reason(set, "db/004_.sql"), "no name after the version: a plain runner skips it");
  EXPECT_EQ(stray_reason(set, "db/005_orphan.down.sql"),
            "down migration without an up: no 005_orphan.sql or 005_orphan.up.sql");
  auto kind = [&](const std::string& file) {
    for (const StrayFile& s : set.strays)
      if (s.file == file) return s.kind;
    return StrayFile::Kind::refused;
  };
  EXPECT_EQ(kind("db/003.sql"), StrayFile::Kind::ignored);
  EXPECT_EQ(kind("db/005_orphan.down.sql"), StrayFile::Kind::refused);
}

// A Rails, Go or Python migration is a migration mgate cannot run: it keeps its place.
TEST(DiscoverPlain, MigrationsInAProgrammingLanguageKeepTheirPlace) {
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  tree.write("db/002_seed.rb", "class Seed < ActiveRecord::Migration; end\n");
  tree.write("db/003_b.sql");
  tree.write("db/migrations.go", "package db\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  EXPECT_THAT(ids(set), ElementsAre("001:a", "002:seed", "003:b"));
  EXPECT_EQ(set.migrations[1].cannot_run, "a Ruby migration");
  EXPECT_FALSE(set.migrations[1].up);
  EXPECT_THAT(set.migrations[1].files, ElementsAre("db/002_seed.rb"));
  EXPECT_TRUE(set.strays.empty());
}

TEST(DiscoverPlain, TransactionFollowsTheConfiguration) {
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  DiscoverOptions options;
  options.layout = "plain";
  options.transaction = Transaction::statement;  // psql -f
  EXPECT_EQ(discover(tree.root(), tree.path("db"), options).migrations[0].up->transaction,
            Transaction::statement);
}

// mgate.toml, the queries, the seeds and the baseline may sit among the migrations.
TEST(DiscoverPlain, TheConfigurationsOwnFilesAreNeverMigrations) {
  DiscoverTree tree;
  tree.write("db/001_a.up.sql");
  tree.write("db/001_a.down.sql");
  tree.write("db/002_seed_users.sql", "INSERT INTO a VALUES (1);\n");
  tree.write("db/003_seed_orders.sql", "INSERT INTO a VALUES (2);\n");
  tree.write("db/queries.sql", "-- name: q\nSELECT 1;\n");
  Config config;
  config.root = tree.root();
  config.fixtures.seed = {"db/002_seed_users.sql", "db/003_seed_orders.sql"};
  config.plans.queries = "db/queries.sql";
  MigrationSet set = discover(tree.root(), tree.path("db"), discover_options(config));
  // Not even for detection: counted, the two seeds would have made the directory plain.
  EXPECT_EQ(set.layout, "golang-migrate");
  EXPECT_THAT(ids(set), ElementsAre("001:a"));
  EXPECT_TRUE(set.strays.empty());
}

TEST(DiscoverPlain, HiddenFilesAreIgnored) {
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  tree.write("db/.002_draft.sql");
  tree.write("db/.DS_Store", "");
  tree.mkdir("db/.git");
  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  EXPECT_THAT(ids(set), ElementsAre("001:a"));
  EXPECT_TRUE(set.strays.empty());
}

TEST(DiscoverPlain, KeepsDuplicateVersionsInADeterministicOrder) {
  DiscoverTree tree;
  tree.write("db/002_b.sql");
  tree.write("db/002_a.sql");
  tree.write("db/2_c.sql");
  tree.write("db/001_x.sql");
  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  EXPECT_THAT(ids(set), ElementsAre("001:x", "002:a", "002:b", "2:c"));
}

TEST(DiscoverPlain, OrdersVersionsNumerically) {
  DiscoverTree tree;
  tree.write("db/10_ten.sql");
  tree.write("db/9_nine.sql");
  tree.write("db/100_hundred.sql");
  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  EXPECT_THAT(ids(set), ElementsAre("9:nine", "10:ten", "100:hundred"));
}

TEST(DiscoverPlain, ASecondUpForTheSameMigrationIsAStray) {
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  tree.write("db/001_a.up.sql");
  MigrationSet set = discover(tree.root(), tree.path("db"), "plain");
  ASSERT_THAT(ids(set), ElementsAre("001:a"));
  EXPECT_EQ(set.migrations[0].up->file, "db/001_a.sql");
  EXPECT_EQ(stray_reason(set, "db/001_a.up.sql"),
            "a second up script for 001_a (the first is 001_a.sql)");
}

TEST(DiscoverPlain, PathsAreRelativeToTheRoot) {
  DiscoverTree tree;
  tree.write("001_a.sql");
  MigrationSet here = discover(tree.root(), tree.root(), "plain");
  EXPECT_EQ(here.dir, ".");
  EXPECT_EQ(here.migrations.at(0).up->file, "001_a.sql");

  tree.write("services/api/db/001_a.sql");
  // A trailing separator and a "." component change nothing.
  MigrationSet nested =
      discover(tree.root().string() + "/", tree.root() / "services/./api/db/", "plain");
  EXPECT_EQ(nested.dir, "services/api/db");
  EXPECT_EQ(nested.migrations.at(0).up->file, "services/api/db/001_a.sql");
}

}  // namespace
}  // namespace mgate
