#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "discover/discover.hpp"
#include "discover/scan.hpp"
#include "sql/parsed_set.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using ::testing::ElementsAre;
using ::testing::Key;

// Discovery reads a file once: the texts it read whole go with the set to the parser
// (MigrationSet::texts, sql::working_tree_reader), so that lint reads no migration twice.

TEST(DiscoverTexts, TheTextsDetectionReadGoWithTheSet) {
  DiscoverTree tree;
  tree.write("db/001_a.sql",
             "\xEF\xBB\xBF"
             "CREATE TABLE a (id int);\n");
  tree.write("db/002_b.sql", "CREATE TABLE b (id int);\n");
  tree.write("db/README.md", "notes\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "auto");
  ASSERT_EQ(set.layout, "plain");
  EXPECT_THAT(set.texts, ElementsAre(Key("db/001_a.sql"), Key("db/002_b.sql")));
  // As the file is, byte order mark and all: the parser decides what the tool runs of it.
  EXPECT_EQ(set.texts["db/001_a.sql"],
            "\xEF\xBB\xBF"
            "CREATE TABLE a (id int);\n");
  EXPECT_EQ(set.texts["db/002_b.sql"], "CREATE TABLE b (id int);\n");
}

// Detection reads the first 64 KiB of a file; a longer script, and one of a layout detection
// never looks into, is read whole when the set is made. Only scripts' texts go with the set.
TEST(DiscoverTexts, EveryScriptGoesWithTheSetWholeAndNothingElse) {
  DiscoverTree tree;
  std::string large = "SELECT 1;\n";
  while (large.size() <= 64 * 1024) large += "INSERT INTO t VALUES (1);\n";
  tree.write("db/2020-01-01-000000_a/up.sql", large);
  tree.write("db/2020-01-01-000000_a/down.sql", "DROP TABLE t;\n");
  tree.write("db/2020-01-01-000000_a/metadata.toml", "run_in_transaction = false\n");
  tree.write("db/notes.sql", "-- not a migration\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "auto");
  ASSERT_EQ(set.layout, "diesel");
  EXPECT_THAT(set.texts, ElementsAre(Key("db/2020-01-01-000000_a/down.sql"),
                                     Key("db/2020-01-01-000000_a/up.sql")));
  EXPECT_EQ(set.texts["db/2020-01-01-000000_a/up.sql"], large);

  tree.write("prisma/migration_lock.toml", "provider = \"postgresql\"\n");
  tree.write("prisma/20240101000000_init/migration.sql", "CREATE TABLE a (id int);\n");
  MigrationSet prisma = discover(tree.root(), tree.path("prisma"), "auto");
  ASSERT_EQ(prisma.layout, "prisma");
  EXPECT_THAT(prisma.texts, ElementsAre(Key("prisma/20240101000000_init/migration.sql")));
}

TEST(DiscoverTexts, ALayoutThatReadsItsFilesKeepsThem) {
  DiscoverTree tree;
  tree.write("db/001_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\n");
  MigrationSet set = discover(tree.root(), tree.path("db"), "dbmate");
  EXPECT_THAT(set.texts, ElementsAre(Key("db/001_a.sql")));
}

// --staged reads the scripts from the git index: the working tree's texts are neither read for
// the set nor carried with it.
TEST(DiscoverTexts, ASetThatKeepsNoTextsCarriesNone) {
  DiscoverTree tree;
  tree.write("prisma/migration_lock.toml", "provider = \"postgresql\"\n");
  tree.write("prisma/20240101000000_init/migration.sql", "CREATE TABLE a (id int);\n");
  tree.write("db/001_a.sql", "CREATE TABLE a (id int);\n");
  for (const char* dir : {"prisma", "db"}) {
    DiscoverOptions options;
    options.keep_texts = false;
    MigrationSet set = discover(tree.root(), tree.path(dir), options);
    EXPECT_EQ(set.migrations.size(), 1u) << dir;
    EXPECT_TRUE(set.texts.empty()) << dir;
  }
}

TEST(DiscoverTexts, TheWorkingTreeReaderHandsAKeptTextOutOnce) {
  DiscoverTree tree;
  tree.write("db/001_a.sql", "SELECT 'disk';\n");
  sql::FileReader read =
      sql::working_tree_reader(tree.root(), {{"db/001_a.sql", "SELECT 'kept';\n"}});
  EXPECT_EQ(read("db/001_a.sql"), "SELECT 'kept';\n");
  EXPECT_EQ(read("db/001_a.sql"), "SELECT 'disk';\n");
  EXPECT_THROW(read("db/002_missing.sql"), InputError);
}

TEST(DiscoverTexts, ScanNamesPathsRelativeToTheRootHoweverTheyAreWritten) {
  DiscoverTree tree;
  tree.write("db/001_a.sql");
  discovery::Scan scan(tree.root(), tree.path("db"));
  EXPECT_EQ(scan.relative(tree.path("db/001_a.sql")), "db/001_a.sql");
  EXPECT_EQ(scan.relative(tree.path("db/sub/../001_a.sql")), "db/001_a.sql");
  EXPECT_EQ(scan.relative(tree.path("db/./001_a.sql")), "db/001_a.sql");
  EXPECT_EQ(scan.relative(tree.path("db")), "db");
  EXPECT_EQ(scan.relative(tree.path("db/")), "db");
}

TEST(DiscoverTexts, OnlyTheExcludedFileItselfIsLeftOut) {
  DiscoverTree tree;
  tree.write("db/001_q.sql");
  tree.write("db/sub/001_q.sql");
  discovery::Scan scan(tree.root(), tree.path("db"), {tree.path("db/001_q.sql")});
  EXPECT_TRUE(scan.excluded(tree.path("db/001_q.sql")));
  EXPECT_TRUE(scan.excluded(tree.path("db/sub/../001_q.sql")));
  EXPECT_FALSE(scan.excluded(tree.path("db/sub/001_q.sql")));
  std::vector<std::string> names;
  for (const discovery::Entry& entry : scan.entries(tree.path("db"))) names.push_back(entry.name);
  EXPECT_THAT(names, ElementsAre("sub"));
}

// A file looked up by name (Prisma's migration.sql, diesel's three) is what the directory's
// listing would say of it, without listing the directory.
TEST(DiscoverTexts, AFileLookedUpByNameIsWhatTheListingSaysOfIt) {
  DiscoverTree tree;
  tree.write("db/m/up.sql");
  tree.write("shared/down.sql");
  tree.link("db/m/down.sql", "../../shared/down.sql");
  tree.link("db/m/metadata.toml", "nowhere.toml");
  tree.mkdir("db/m/dir.sql");
  tree.write("db/m/mine.sql");
  discovery::Scan scan(tree.root(), tree.path("db"), {tree.path("db/m/mine.sql")});
  const std::filesystem::path m = tree.path("db/m");

  std::optional<discovery::Entry> up = scan.file(m, "up.sql");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->path, tree.path("db/m/up.sql"));
  EXPECT_EQ(up->name, "up.sql");
  EXPECT_FALSE(up->directory);
  std::optional<discovery::Entry> down = scan.file(m, "down.sql");  // through its link
  ASSERT_TRUE(down);
  EXPECT_EQ(scan.relative(down->path), "db/m/down.sql");
  EXPECT_FALSE(scan.file(m, "absent.sql"));
  EXPECT_FALSE(scan.file(m, "dir.sql"));        // a directory is no file
  EXPECT_FALSE(scan.file(m, "mine.sql"));       // mgate's own
  EXPECT_FALSE(scan.file(m, "metadata.toml"));  // a broken link: a stray, as listed
  // The listing agrees on every name.
  std::vector<std::string> listed_files;
  for (const discovery::Entry& entry : scan.entries(m)) {
    if (!entry.directory) listed_files.push_back(entry.name);
  }
  EXPECT_THAT(listed_files, ElementsAre("down.sql", "up.sql"));

  MigrationSet set = std::move(scan).finish("plain");
  ASSERT_EQ(set.strays.size(), 2u);  // the broken link, once by file() and once by entries()
  for (const StrayFile& stray : set.strays) {
    EXPECT_EQ(stray.file, "db/m/metadata.toml");
    EXPECT_THAT(stray.reason, ::testing::HasSubstr("symbolic link that cannot be followed"));
  }
}

// A directory of many entries tells discovery early that the run is large (core/heap.hpp).
TEST(DiscoverTexts, AScanKnowsWhetherItsDirectoryHoldsManyEntries) {
  DiscoverTree tree;
  for (int i = 0; i < 10; ++i) tree.write("few/" + std::to_string(1000 + i) + "_a.sql");
  for (std::size_t i = 0; i < discovery::Scan::kManyEntries; ++i)
    tree.write("many/" + std::to_string(1000 + i) + "_a.sql");
  EXPECT_FALSE(discovery::Scan(tree.root(), tree.path("few")).many_entries());
  EXPECT_TRUE(discovery::Scan(tree.root(), tree.path("many")).many_entries());
}

}  // namespace
}  // namespace mgate
