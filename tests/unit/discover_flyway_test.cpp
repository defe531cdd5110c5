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

TEST(DiscoverFlyway, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/flyway", "flyway");
  EXPECT_EQ(set.layout, "flyway");
  ASSERT_THAT(ids(set), ElementsAre("1:create_users", "1.1:add_users_email", "2:create_orders",
                                    "2_1:index_orders_user", "3:index_orders_created",
                                    "users_view:users_view"));
  EXPECT_TRUE(set.strays.empty());

  const Migration& email = set.migrations[1];
  EXPECT_EQ(email.up->file, "fixtures/layouts/flyway/V1.1__add_users_email.sql");
  EXPECT_EQ(email.down->file, "fixtures/layouts/flyway/U1.1__add_users_email.sql");
  EXPECT_THAT(email.files, ElementsAre("fixtures/layouts/flyway/V1.1__add_users_email.sql",
                                       "fixtures/layouts/flyway/U1.1__add_users_email.sql"));

  // Nested folders are read; a script configuration turns the transaction off.
  const Migration& index = set.migrations[3];
  EXPECT_EQ(index.up->file, "fixtures/layouts/flyway/2024/V2_1__index_orders_user.sql");
  EXPECT_EQ(index.up->transaction, Transaction::statement);
  EXPECT_THAT(index.files,
              ElementsAre("fixtures/layouts/flyway/2024/V2_1__index_orders_user.sql",
                          "fixtures/layouts/flyway/2024/V2_1__index_orders_user.sql.conf"));
  // Without one, Flyway looks at the statements (its detection).
  EXPECT_EQ(set.migrations[2].up->transaction, Transaction::detect);

  const Migration& view = set.migrations[5];
  EXPECT_TRUE(view.repeatable);
  EXPECT_TRUE(view.version.text.empty());
  EXPECT_FALSE(view.down);
}

TEST(DiscoverFlyway, OrdersVersionsNumericallyPartByPart) {
  DiscoverTree tree;
  for (const char* name :
       {"V1.10__j.sql", "V1.9__i.sql", "V1.2__b.sql", "V2__k.sql", "V1__a.sql", "V1_11__l.sql"})
    tree.write(std::string("sql/") + name);
  MigrationSet set = discover(tree.root(), tree.path("sql"), "flyway");
  EXPECT_THAT(ids(set), ElementsAre("1:a", "1.2:b", "1.9:i", "1.10:j", "1_11:l", "2:k"));
}

TEST(DiscoverFlyway, RepeatablesComeAfterVersionedByDescription) {
  DiscoverTree tree;
  tree.write("sql/R__views.sql");
  tree.write("sql/R__functions.sql");
  tree.write("sql/V100__last.sql");
  tree.write("sql/nested/R__grants.sql");
  MigrationSet set = discover(tree.root(), tree.path("sql"), "flyway");
  EXPECT_THAT(ids(set),
              ElementsAre("100:last", "functions:functions", "grants:grants", "views:views"));
}

TEST(DiscoverFlyway, EqualVersionsWrittenDifferentlyAreBothKept) {
  DiscoverTree tree;
  tree.write("sql/V1.1__dotted.sql");
  tree.write("sql/V1_1__underscored.sql");
  MigrationSet set = discover(tree.root(), tree.path("sql"), "flyway");
  EXPECT_THAT(ids(set), ElementsAre("1.1:dotted", "1_1:underscored"));
}

// Flyway skips names it cannot read (validateMigrationNaming is false by default); callbacks,
// baseline migrations and other files are not migrations mgate checks.
TEST(DiscoverFlyway, NamesFlywaySkipsAreReportedOthersIgnored) {
  DiscoverTree tree;
  tree.write("sql/V1__init.sql");
  tree.write("sql/beforeMigrate.sql");
  tree.write("sql/B5__baseline.sql");
  tree.write("sql/V1_x__bad_version.sql");
  tree.write("sql/V2_add_users.sql");
  tree.write("sql/U3__orphan.sql");
  tree.write("sql/V9__gone.sql.conf", "executeInTransaction=false\n");
  tree.write("sql/V4__Seed.java", "class V4__Seed {}\n");
  tree.write("sql/README.md", "docs\n");
  MigrationSet set = discover(tree.root(), tree.path("sql"), "flyway");
  EXPECT_THAT(ids(set), ElementsAre("1:init", "4:Seed"));
  EXPECT_EQ(set.migrations[1].cannot_run, "a Flyway Java migration");
  EXPECT_THAT(stray_files(set), ElementsAre("sql/U3__orphan.sql", "sql/V1_x__bad_version.sql",
                                            "sql/V2_add_users.sql", "sql/V9__gone.sql.conf"));
  EXPECT_THAT(stray_reason(set, "sql/V2_add_users.sql"),
              HasSubstr("not a Flyway migration name, so Flyway skips it"));
  EXPECT_EQ(stray_reason(set, "sql/U3__orphan.sql"),
            "undo migration without a versioned one: no V3__*.sql");
}

TEST(DiscoverFlyway, ScriptConfigurationIsReadAsProperties) {
  DiscoverTree tree;
  tree.write("sql/V1__a.sql");
  tree.write("sql/V1__a.sql.conf", "# comment\nencoding = UTF-8\nexecuteInTransaction : FALSE\n");
  tree.write("sql/V2__b.sql");
  tree.write("sql/V2__b.sql.conf", "executeInTransaction=maybe\n");
  tree.write("sql/V3__c.sql");
  tree.write("sql/V3__c.sql.conf", "executeInTransaction=true\n");
  MigrationSet set = discover(tree.root(), tree.path("sql"), "flyway");
  ASSERT_EQ(set.migrations.size(), 3u);
  EXPECT_EQ(set.migrations[0].up->transaction, Transaction::statement);
  EXPECT_EQ(set.migrations[1].up->transaction, Transaction::detect);
  EXPECT_EQ(set.migrations[2].up->transaction, Transaction::script);
  EXPECT_EQ(stray_reason(set, "sql/V2__b.sql.conf"),
            "executeInTransaction must be true or false, not 'maybe'");
}

TEST(DiscoverFlyway, NeverFollowsASymbolicLinkLoop) {
  DiscoverTree tree;
  tree.write("sql/V1__a.sql");
  tree.write("sql/deep/er/V2__b.sql");
  tree.link("sql/deep/er/back", "../..");
  tree.link("sql/self", ".");
  MigrationSet set = discover(tree.root(), tree.path("sql"), "flyway");
  EXPECT_THAT(ids(set), ElementsAre("1:a", "2:b"));
  EXPECT_THAT(stray_files(set), ElementsAre("sql/deep/er/back", "sql/self"));
  EXPECT_EQ(stray_reason(set, "sql/self"), "symbolic link loop back to sql: not followed");
  EXPECT_EQ(stray_reason(set, "sql/deep/er/back"), "symbolic link loop back to sql: not followed");
}

TEST(DiscoverFlyway, ReadsADirectoryLinkedInOnce) {
  DiscoverTree tree;
  tree.write("shared/V5__shared.sql");
  tree.write("sql/V1__a.sql");
  tree.link("sql/shared", "../shared");
  tree.link("sql/shared_again", "../shared");
  MigrationSet set = discover(tree.root(), tree.path("sql"), "flyway");
  EXPECT_THAT(ids(set), ElementsAre("1:a", "5:shared"));
  EXPECT_EQ(set.migrations[1].up->file, "sql/shared/V5__shared.sql");
  EXPECT_EQ(stray_reason(set, "sql/shared_again"),
            "the same directory as sql/shared, which is already read");
}

// Reached again through a link below itself, a directory is no loop when its real parent is not
// inside it: here sql/linked/up is shared, which holds the directory linked in.
TEST(DiscoverFlyway, ADirectoryReachedAgainFromOutsideItIsNoLoop) {
  DiscoverTree tree;
  tree.write("sql/V1__a.sql");
  tree.write("shared/x/V5__x.sql");
  tree.link("sql/linked", "../shared/x");
  tree.link("shared/x/up", "..");
  MigrationSet set = discover(tree.root(), tree.path("sql"), "flyway");
  EXPECT_THAT(ids(set), ElementsAre("1:a", "5:x"));
  EXPECT_THAT(stray_files(set), ElementsAre("sql/linked/up/x"));
  EXPECT_EQ(stray_reason(set, "sql/linked/up/x"),
            "the same directory as sql/linked, which is already read");
}

}  // namespace
}  // namespace mgate
