#include "vcs/head_commit.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "unit/scratch_repository.hpp"
#include "vcs/git.hpp"

namespace mgate::git {
namespace {

using mgate::testing::ScratchRepository;

// head_commit reads .git's files where it can; git's own answer is the reference.
class HeadCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch.init();
    scratch.write("api/db/001_create_users.sql", "CREATE TABLE users (id int);\n");
    scratch.commit_all("base");
    scratch.write("api/db/002_add_email.sql", "ALTER TABLE users ADD email text;\n");
    scratch.commit_all("second");
  }
  std::filesystem::path root() const { return scratch.dir() / "api"; }
  std::string from_git() const { return Repository(root()).resolve_commit("HEAD"); }

  ScratchRepository scratch;
};

TEST_F(HeadCommitTest, ABranchInALooseRef) {
  EXPECT_EQ(head_commit(root()), from_git());
}

TEST_F(HeadCommitTest, ABranchInPackedRefs) {
  scratch.git({"pack-refs", "--all"});
  ASSERT_FALSE(std::filesystem::exists(scratch.dir() / ".git/refs/heads/main"));
  EXPECT_EQ(head_commit(root()), from_git());
}

TEST_F(HeadCommitTest, ADetachedHead) {
  scratch.git({"checkout", "-q", "--detach", "HEAD~1"});
  EXPECT_EQ(head_commit(root()), from_git());
}

TEST_F(HeadCommitTest, ALinkedWorkTree) {
  scratch.git({"worktree", "add", "-q", "-b", "side", "linked", "HEAD~1"});
  const std::filesystem::path linked = scratch.dir() / "linked" / "api";
  EXPECT_EQ(head_commit(linked), Repository(linked).resolve_commit("HEAD"));
  EXPECT_NE(head_commit(linked), head_commit(root()));
}

// The plain cases above are read from the files: they need no git.
TEST_F(HeadCommitTest, APlainRepositoryIsReadWithoutGit) {
  const std::string expected = from_git();
  const std::string path = std::getenv("PATH");
  ScratchRepository empty;
  setenv("PATH", empty.dir().c_str(), 1);
  std::optional<std::string> commit = head_commit(root());
  setenv("PATH", path.c_str(), 1);
  EXPECT_EQ(commit, expected);
}

TEST_F(HeadCommitTest, NoneOnABranchWithoutACommit) {
  scratch.git({"checkout", "-q", "--orphan", "empty"});
  EXPECT_EQ(head_commit(root()), std::nullopt);
}

TEST(HeadCommit, NoneOutsideAWorkTree) {
  ScratchRepository plain;
  EXPECT_EQ(head_commit(plain.dir()), std::nullopt);
}

// A git on the PATH that records that it was asked, and answers as outside a repository.
class RecordingGit {
 public:
  RecordingGit() : path_(std::getenv("PATH")) {
    bin.write("git", "#!/bin/sh\n: >\"" + (bin.dir() / "asked").string() + "\"\nexit 128\n");
    std::filesystem::permissions(bin.dir() / "git", std::filesystem::perms::owner_all);
    setenv("PATH", bin.dir().c_str(), 1);
  }
  ~RecordingGit() { setenv("PATH", path_.c_str(), 1); }
  bool asked() const { return std::filesystem::exists(bin.dir() / "asked"); }

 private:
  ScratchRepository bin;
  std::string path_;
};

// Outside any repository the answer is known without git: its process is most of a lint run on
// one migration.
TEST(HeadCommit, OutsideAnyRepositoryGitIsNotAsked) {
  ScratchRepository plain;
  plain.write("db/001_a.sql", "SELECT 1;\n");
  RecordingGit git;
  EXPECT_EQ(head_commit(plain.dir() / "db"), std::nullopt);
  EXPECT_FALSE(git.asked());
}

// A directory holding HEAD may be a bare repository, which git would find: git is asked.
TEST(HeadCommit, ADirectoryThatCouldBeABareRepositoryIsLeftToGit) {
  ScratchRepository plain;
  plain.write("HEAD", "ref: refs/heads/main\n");
  plain.write("db/001_a.sql", "SELECT 1;\n");
  RecordingGit git;
  EXPECT_EQ(head_commit(plain.dir() / "db"), std::nullopt);
  EXPECT_TRUE(git.asked());
}

}  // namespace
}  // namespace mgate::git
