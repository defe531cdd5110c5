#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config.hpp"
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

constexpr const char* kPlanHeader = "%syntax-version=1.0.0\n%project=t\n\n";

std::string change(const std::string& name) {
  return name + " 2024-01-01T00:00:00Z Ada <ada@example.com> # note\n";
}

TEST(DiscoverSqitch, ReadsTheFixtureInPlanOrder) {
  MigrationSet set = discover(discover_tests::source_dir(),
                              discover_tests::source_dir() / "fixtures/layouts/sqitch", "sqitch");
  EXPECT_EQ(set.layout, "sqitch");
  ASSERT_THAT(ids(set), ElementsAre("0001:appschema", "0002:users", "0003:orders", "0004:users"));
  EXPECT_TRUE(set.strays.empty());  // sqitch.conf belongs to the layout

  std::string dir = "fixtures/layouts/sqitch";
  const Migration& schema = set.migrations[0];
  EXPECT_EQ(schema.up->file, dir + "/deploy/appschema.sql");
  EXPECT_EQ(schema.down->file, dir + "/revert/appschema.sql");
  EXPECT_EQ(schema.verify->file, dir + "/verify/appschema.sql");
  EXPECT_THAT(schema.files,
              ElementsAre(dir + "/deploy/appschema.sql", dir + "/revert/appschema.sql",
                          dir + "/verify/appschema.sql"));
  // sqitch scripts carry their own BEGIN/COMMIT.
  EXPECT_EQ(schema.up->transaction, Transaction::statement);

  // users was reworked after @v1.0: its first instance keeps the scripts named after the tag.
  EXPECT_EQ(set.migrations[1].up->file, dir + "/deploy/users@v1.0.sql");
  EXPECT_EQ(set.migrations[1].down->file, dir + "/revert/users@v1.0.sql");
  EXPECT_EQ(set.migrations[3].up->file, dir + "/deploy/users.sql");
  EXPECT_EQ(set.migrations[3].verify->file, dir + "/verify/users.sql");

  EXPECT_FALSE(set.migrations[2].verify);  // orders has no verify script
}

TEST(DiscoverSqitch, AMissingDeployScriptAndAnUnplannedScriptAreStrays) {
  DiscoverTree tree;
  tree.write("db/sqitch.plan", std::string(kPlanHeader) + change("first") + "# comment\n" +
                                   change("+second [first]") +
                                   "@v1 2024-01-02T00:00:00Z Ada "
                                   "<ada@example.com>\n" +
                                   change("third"));
  tree.write("db/deploy/first.sql");
  tree.write("db/deploy/third.sql");
  tree.write("db/deploy/forgotten.sql");
  tree.write("db/revert/second.sql");
  tree.write("db/README.md", "not sqitch's business\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "sqitch");
  // Versions are plan positions, so a missing change leaves a gap rather than renumbering.
  EXPECT_THAT(ids(set), ElementsAre("0001:first", "0003:third"));
  EXPECT_THAT(stray_files(set), ElementsAre("db/deploy/forgotten.sql", "db/deploy/second.sql",
                                            "db/revert/second.sql"));
  EXPECT_EQ(stray_reason(set, "db/deploy/second.sql"),
            "sqitch.plan line 6 plans the change second, but its deploy script is missing");
  EXPECT_EQ(stray_reason(set, "db/deploy/forgotten.sql"),
            "not a script of any change in sqitch.plan");
}

TEST(DiscoverSqitch, ChangeNamesMayNameSubdirectories) {
  DiscoverTree tree;
  tree.write("db/sqitch.plan", std::string(kPlanHeader) + change("schemas/users"));
  tree.write("db/deploy/schemas/users.sql");
  tree.write("db/revert/schemas/users.sql");
  MigrationSet set = discover(tree.root(), tree.path("db"), "sqitch");
  ASSERT_THAT(ids(set), ElementsAre("0001:schemas/users"));
  EXPECT_EQ(set.migrations[0].up->file, "db/deploy/schemas/users.sql");
  EXPECT_EQ(set.migrations[0].down->file, "db/revert/schemas/users.sql");
}

TEST(DiscoverSqitch, APlanIsRequiredAndMustBeValid) {
  DiscoverTree tree;
  tree.mkdir("db/deploy");
  EXPECT_THROW(
      {
        try {
          discover(tree.root(), tree.path("db"), "sqitch");
        } catch (const InputError& e) {
          EXPECT_STREQ(e.what(), "no sqitch.plan in db: not a sqitch project");
          throw;
        }
      },
      InputError);

  tree.write("db/sqitch.plan", std::string(kPlanHeader) + change("ok") + change("bad:name"));
  EXPECT_THROW(
      {
        try {
          discover(tree.root(), tree.path("db"), "sqitch");
        } catch (const InputError& e) {
          EXPECT_STREQ(e.what(), "db/sqitch.plan:5: 'bad:name' is not a valid sqitch change name");
          throw;
        }
      },
      InputError);
}

TEST(DiscoverSqitch, NeverFollowsASymbolicLinkLoop) {
  DiscoverTree tree;
  tree.write("db/sqitch.plan", std::string(kPlanHeader) + change("a"));
  tree.write("db/deploy/a.sql");
  tree.link("db/deploy/up", "..");
  MigrationSet set = discover(tree.root(), tree.path("db"), "sqitch");
  EXPECT_THAT(ids(set), ElementsAre("0001:a"));
  EXPECT_EQ(stray_reason(set, "db/deploy/up"), "symbolic link loop back to db: not followed");
}

}  // namespace
}  // namespace mgate
