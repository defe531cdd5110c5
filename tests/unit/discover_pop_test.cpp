#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discover/discover.hpp"
#include "discover/layout.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using discover_tests::ids;
using discover_tests::stray_files;
using discover_tests::stray_reason;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(DiscoverPop, ReadsTheFixture) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/pop", "auto");
  EXPECT_EQ(set.layout, "pop");
  // The MySQL and SQLite files are other databases': not PostgreSQL's migrations, not strays.
  EXPECT_THAT(ids(set), ElementsAre("20240101120000:create_users", "20240102093000:create_orders",
                                    "20240115080000:index_orders_user"));
  EXPECT_THAT(set.strays, IsEmpty());
  const Migration& users = set.migrations[0];
  EXPECT_EQ(users.up->file, "fixtures/layouts/pop/20240101120000_create_users.postgres.up.sql");
  ASSERT_TRUE(users.down);
  EXPECT_EQ(users.down->file, "fixtures/layouts/pop/20240101120000_create_users.postgres.down.sql");
  EXPECT_EQ(users.up->transaction, Transaction::script);
  // Without a dialect the file is every database's, PostgreSQL's too.
  EXPECT_EQ(set.migrations[1].up->file, "fixtures/layouts/pop/20240102093000_create_orders.up.sql");
  // popx runs an .autocommit. file outside a transaction, as one query string.
  EXPECT_EQ(set.migrations[2].up->transaction, Transaction::query);
  EXPECT_EQ(set.migrations[2].down->transaction, Transaction::query);
}

TEST(DiscoverPop, ReadsNamesAsPopDoes) {
  auto name = discovery::read_pop_name("20210311102338000006_form_refactoring.postgres.up.sql");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->version, "20210311102338000006");
  EXPECT_EQ(name->name, "form_refactoring");
  EXPECT_EQ(name->dialect, "postgres");
  EXPECT_TRUE(name->up);
  EXPECT_FALSE(name->autocommit);

  name = discovery::read_pop_name("1_a.cockroach.autocommit.down.sql");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->dialect, "cockroach");
  EXPECT_TRUE(name->autocommit);
  EXPECT_FALSE(name->up);

  name = discovery::read_pop_name("1_a.autocommit.up.sql");  // popx: every dialect's
  ASSERT_TRUE(name);
  EXPECT_EQ(name->dialect, "");
  EXPECT_TRUE(name->autocommit);

  EXPECT_TRUE(discovery::read_pop_name("1_a.up.fizz")->fizz);
  for (const char* not_pop : {"1_a.sql", "a_b.up.sql", "1_.up.sql", "1_a.up.txt",
                              "1_a.b.c.d.up.sql", "1_a.Postgres.up.sql", "1_a.sideways.sql",
                              "0010_1.9.0_schema.up.sql", "1_a.postgres.mysql.up.sql"})
    EXPECT_FALSE(discovery::read_pop_name(not_pop)) << not_pop;
}

// Of one version, PostgreSQL's file wins over the file without a dialect (popx's migrationRank);
// the other databases' files are not read.
TEST(DiscoverPop, ThePostgresFileWinsOverTheGenericOne) {
  DiscoverTree tree;
  tree.write("m/1_a.up.sql", "SELECT 'generic';\n");
  tree.write("m/1_a.postgres.up.sql", "SELECT 'postgres';\n");
  tree.write("m/1_a.down.sql");
  tree.write("m/1_a.sqlite3.down.sql");
  tree.write("m/2_b.mysql.up.sql");
  tree.write("m/3_c.pg.up.sql");  // a synonym of postgres
  MigrationSet set = discover(tree.root(), tree.path("m"), "pop");
  EXPECT_THAT(ids(set), ElementsAre("1:a", "3:c"));
  EXPECT_EQ(set.migrations[0].up->file, "m/1_a.postgres.up.sql");
  EXPECT_EQ(set.migrations[0].down->file, "m/1_a.down.sql");
  EXPECT_THAT(set.strays, IsEmpty());
}

TEST(DiscoverPop, TemplatesAndFizzAreMigrationsMgateCannotRun) {
  DiscoverTree tree;
  tree.write("m/1_a.up.sql", "CREATE TABLE {{ index .Options \"Namespace\" }}.users (id int);\n");
  tree.write("m/1_a.down.sql", "DROP TABLE users;\n");
  tree.write("m/2_b.up.fizz", "create_table(\"b\") {}\n");
  tree.write("m/3_c.up.sql", "CREATE TABLE c (id int);\n");
  tree.write("m/3_c.down.sql", "DROP TABLE {{ .Options.Namespace }}.c;\n");
  MigrationSet set = discover(tree.root(), tree.path("m"), "pop");
  ASSERT_THAT(ids(set), ElementsAre("1:a", "2:b", "3:c"));
  EXPECT_EQ(set.migrations[0].cannot_run,
            "a Pop migration written as a Go template (Pop expands it with its connection's "
            "details)");
  EXPECT_EQ(set.migrations[0].files, (std::vector<std::string>{"m/1_a.up.sql", "m/1_a.down.sql"}));
  EXPECT_EQ(set.migrations[1].cannot_run, "a Pop fizz migration (Pop's own language)");
  EXPECT_FALSE(set.migrations[2].cannot_run.empty());  // its down is a template
}

TEST(DiscoverPop, OrphansAndAmbiguousDownsAreStrays) {
  DiscoverTree tree;
  tree.write("m/1_a.down.sql");
  tree.write("m/2_b.up.sql");
  tree.write("m/2_c.up.sql");
  tree.write("m/2_b.down.sql");
  tree.write("m/3_backup.sql");
  MigrationSet set = discover(tree.root(), tree.path("m"), "pop");
  EXPECT_THAT(ids(set), ElementsAre("2:b", "2:c"));  // the naming gate reports version 2 twice
  EXPECT_THAT(stray_files(set), ElementsAre("m/1_a.down.sql", "m/2_b.down.sql", "m/3_backup.sql"));
  EXPECT_EQ(stray_reason(set, "m/1_a.down.sql"),
            "down migration without an up: no 1_*.up.sql for PostgreSQL");
  EXPECT_EQ(stray_reason(set, "m/2_b.down.sql"),
            "a down script of version 2, which has 2 up and 1 down scripts for PostgreSQL: Pop "
            "cannot tell which it reverts");
  EXPECT_EQ(stray_reason(set, "m/3_backup.sql"),
            "not named <version>_<name>[.<dialect>][.autocommit].(up|down).sql: gobuffalo/pop "
            "skips it, and ory/popx refuses the directory");
}

}  // namespace
}  // namespace mgate
