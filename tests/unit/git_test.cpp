#include "vcs/git.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/config.hpp"
#include "unit/scratch_repository.hpp"

namespace mgate::git {
namespace {

using mgate::testing::ScratchRepository;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// A repository whose top level holds the service directory that mgate runs in.
class GitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch.init();
    scratch.write("README.md", "top\n");
    scratch.write("api/db/001_create_users.sql", "CREATE TABLE users (id int);\n");
    scratch.write("api/db/002_add_email.sql", "ALTER TABLE users ADD email text;\n");
    scratch.commit_all("base");
  }
  std::filesystem::path root() const { return scratch.dir() / "api"; }

  ScratchRepository scratch;
};

TEST_F(GitTest, ADirectoryOutsideAWorkTreeIsNoRepository) {
  ScratchRepository plain;
  EXPECT_THROW(Repository{plain.dir()}, InputError);
}

TEST_F(GitTest, PathsAreRelativeToTheRootBelowTheTopLevel) {
  Repository repository(root());
  EXPECT_EQ(std::filesystem::canonical(repository.top_level()),
            std::filesystem::canonical(scratch.dir()));
  auto head = repository.resolve_commit("HEAD");
  EXPECT_THAT(repository.files_at(head, "db"),
              ElementsAre("db/001_create_users.sql", "db/002_add_email.sql"));
  EXPECT_THAT(repository.files_at(head, ""),
              ElementsAre("db/001_create_users.sql", "db/002_add_email.sql"));
  EXPECT_EQ(repository.read_at(head, "db/002_add_email.sql"),
            "ALTER TABLE users ADD email text;\n");
}

TEST_F(GitTest, NamesWithSpacesAndUnicodeSurviveListing) {
  scratch.write("api/db/003_Café au lait.sql", "SELECT 1;\n");
  scratch.commit_all("odd name");
  Repository repository(root());
  auto head = repository.resolve_commit("HEAD");
  EXPECT_THAT(
      repository.files_at(head, "db"),
      ElementsAre("db/001_create_users.sql", "db/002_add_email.sql", "db/003_Café au lait.sql"));
  scratch.remove("api/db/003_Café au lait.sql");
  EXPECT_THAT(repository.changes_since(head, "db", false),
              ElementsAre(Change{Change::Kind::deleted, "db/003_Café au lait.sql", ""}));
}

TEST_F(GitTest, UserDiffSettingsDoNotChangeTheChanges) {
  scratch.git({"config", "diff.relative", "true"});
  scratch.git({"config", "color.diff", "always"});
  scratch.git({"config", "diff.renames", "false"});
  Repository repository(root());
  auto base = repository.resolve_commit("HEAD");
  scratch.git({"mv", "api/db/001_create_users.sql", "api/db/010_create_users.sql"});
  EXPECT_THAT(repository.changes_since(base, "db", false),
              ElementsAre(Change{Change::Kind::renamed, "db/010_create_users.sql",
                                 "db/001_create_users.sql"}));
}

TEST_F(GitTest, ResolvesRefsToCommitsAndRejectsOthers) {
  Repository repository(root());
  auto head = repository.resolve_commit("HEAD");
  EXPECT_EQ(head.size(), 40u);
  EXPECT_EQ(repository.resolve_commit("main"), head);
  for (std::string bad : {"nope", "", "--all", "HEAD:db"}) {
    try {
      repository.resolve_commit(bad);
      ADD_FAILURE() << "'" << bad << "' was taken for a commit";
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr("'" + bad + "' is not a commit in"));
    }
  }
}

TEST_F(GitTest, ReadsBlobsByteForByte) {
  std::string bytes("\0\xff\r\nSELECT 1;\n", 14);
  bytes += std::string(3 << 20, 'x');  // more than a pipe holds: git must not block
  scratch.write("api/db/blob.bin", bytes);
  scratch.commit_all("blob");
  Repository repository(root());
  EXPECT_EQ(repository.read_at(repository.resolve_commit("HEAD"), "db/blob.bin"), bytes);
}

TEST_F(GitTest, ReadsTheIndexNotTheWorkingTree) {
  scratch.write("api/db/002_add_email.sql", "staged\n");
  scratch.git({"add", "api/db/002_add_email.sql"});
  scratch.write("api/db/002_add_email.sql", "working tree\n");
  Repository repository(root());
  EXPECT_EQ(repository.read_staged("db/002_add_email.sql"), "staged\n");
  EXPECT_EQ(repository.read_staged("db/002_add_email.sql"), "staged\n");
  EXPECT_THROW(repository.read_staged("db/untracked.sql"), InputError);
}

TEST_F(GitTest, ListsStagedFilesButNotDeletedOnes) {
  scratch.write("api/db/003_add_orders.sql", "CREATE TABLE orders (id int);\n");
  scratch.write("api/db/002_add_email.sql", "changed\n");
  scratch.write("api/db/004_unstaged.sql", "SELECT 1;\n");
  scratch.write("README.md", "outside the root\n");
  scratch.git({"add", "api/db/003_add_orders.sql", "api/db/002_add_email.sql", "README.md"});
  scratch.git({"rm", "-q", "api/db/001_create_users.sql"});
  Repository repository(root());
  EXPECT_THAT(repository.staged_files(),
              ElementsAre("db/002_add_email.sql", "db/003_add_orders.sql"));
}

TEST_F(GitTest, ReportsChangesSinceACommit) {
  Repository repository(root());
  auto base = repository.resolve_commit("HEAD");
  scratch.write("api/db/002_add_email.sql", "edited\n");
  scratch.git({"mv", "api/db/001_create_users.sql", "api/db/010_create_users.sql"});
  scratch.write("api/db/003_untracked.sql", "SELECT 1;\n");
  EXPECT_THAT(repository.changes_since(base, "db", false),
              UnorderedElementsAre(Change{Change::Kind::renamed, "db/010_create_users.sql",
                                          "db/001_create_users.sql"},
                                   Change{Change::Kind::modified, "db/002_add_email.sql", ""}));
  // The index holds the rename but not the edit.
  EXPECT_THAT(repository.changes_since(base, "db", true),
              ElementsAre(Change{Change::Kind::renamed, "db/010_create_users.sql",
                                 "db/001_create_users.sql"}));
  scratch.remove("api/db/002_add_email.sql");
  EXPECT_THAT(repository.changes_since(base, "db", false),
              UnorderedElementsAre(Change{Change::Kind::renamed, "db/010_create_users.sql",
                                          "db/001_create_users.sql"},
                                   Change{Change::Kind::deleted, "db/002_add_email.sql", ""}));
}

TEST_F(GitTest, MissingGitIsAnEnvironmentError) {
  std::string path = std::getenv("PATH");
  ScratchRepository empty;
  setenv("PATH", empty.dir().c_str(), 1);
  EXPECT_THROW(Repository{root()}, EnvironmentError);
  setenv("PATH", path.c_str(), 1);
}

}  // namespace
}  // namespace mgate::git
