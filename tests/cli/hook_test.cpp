// The pre-commit hook end to end: a real git repository, `mgate hook install`, and `git commit`
// of dangerous and safe migrations, judged by their staged content.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/process/search_path.hpp>
#include <cstdlib>
#include <filesystem>

#include "support/run.hpp"
#include "unit/scratch_repository.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kDangerous = "CREATE INDEX orders_status_idx ON orders (status);\n";
constexpr std::string_view kSafe = "ALTER TABLE orders ADD COLUMN note text;\n";

class PreCommitHook : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.init();
    repo.write("mgate.toml", "[migrations]\ndir = \"db\"\n");
    repo.write("db/001_create_orders.sql",
               "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL);\n");
    repo.write("README.md", "an application\n");
    repo.commit_all("orders");
  }

  RunResult git(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {boost::process::search_path("git").string(), "-c",
                                     "user.name=mgate tests", "-c",
                                     "user.email=tests@mgate.invalid"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, repo.dir());
  }
  RunResult commit(const std::string& message) const {
    return git({"commit", "-q", "-m", message});
  }
  std::string head() const { return git({"rev-parse", "HEAD"}).out; }
  fs::path hook() const { return repo.dir() / ".git" / "hooks" / "pre-commit"; }
  void install() const {
    const RunResult r = run_mgate({"hook", "install"}, repo.dir());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  ScratchRepository repo;
};

TEST_F(PreCommitHook, InstallWritesAnExecutableHookThatRunsLintOnTheStagedFiles) {
  const RunResult r = run_mgate({"hook", "install"}, repo.dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mgate: installed " + hook().string() + "\n");
  const auto perms = fs::status(hook()).permissions();
  EXPECT_NE(perms & fs::perms::owner_exec, fs::perms::none);
  const std::string text = read_file(hook());
  EXPECT_THAT(text, HasSubstr("lint --staged --quiet"));
  EXPECT_THAT(text, HasSubstr(std::string(": \"${MGATE:=") + MGATE_BINARY + "}\""));
  // Installing again updates mgate's own hook.
  EXPECT_EQ(run_mgate({"hook", "install"}, repo.dir()).exit_code, 0);
}

TEST_F(PreCommitHook, BlocksADangerousStagedMigrationAndShowsWhy) {
  install();
  const std::string before = head();
  repo.write("db/002_index_orders_status.sql", std::string(kDangerous));
  repo.git({"add", "db/002_index_orders_status.sql"});
  const RunResult r = commit("index orders by status");
  EXPECT_EQ(r.exit_code, 1);
  const std::string shown = r.out + r.err;
  EXPECT_THAT(shown, HasSubstr("db/002_index_orders_status.sql:1:1: error:"));
  EXPECT_THAT(shown, HasSubstr("[require-concurrent-index]"));
  EXPECT_EQ(head(), before);  // nothing was committed
}

TEST_F(PreCommitHook, LetsASafeMigrationThroughSilently) {
  install();
  repo.write("db/002_add_orders_note.sql", std::string(kSafe));
  repo.git({"add", "db/002_add_orders_note.sql"});
  const RunResult r = commit("orders note");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out + r.err, "");
}

TEST_F(PreCommitHook, JudgesStagedContentNotTheWorkingTree) {
  install();
  // Staged: safe. Working tree: dangerous. The commit holds the safe one, so it passes.
  repo.write("db/002_change_orders.sql", std::string(kSafe));
  repo.git({"add", "db/002_change_orders.sql"});
  repo.write("db/002_change_orders.sql", std::string(kDangerous));
  RunResult r = commit("safe staged");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(git({"show", "HEAD:db/002_change_orders.sql"}).out, kSafe);

  // Staged: dangerous. Working tree: safe. The commit would hold the dangerous one: blocked.
  repo.write("db/003_more_orders.sql", std::string(kDangerous));
  repo.git({"add", "db/003_more_orders.sql"});
  repo.write("db/003_more_orders.sql", std::string(kSafe));
  const std::string before = head();
  r = commit("dangerous staged");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out + r.err, HasSubstr("db/003_more_orders.sql:1:1: error:"));
  EXPECT_EQ(head(), before);
}

TEST_F(PreCommitHook, JudgesWhatCommitAllAndCommitPathsWouldCommit) {
  install();
  repo.write("db/002_add_orders_note.sql", std::string(kSafe));
  repo.git({"add", "db/002_add_orders_note.sql"});
  ASSERT_EQ(commit("orders note").exit_code, 0);
  // Not staged with git add: `commit -a` and `commit <path>` stage it into a temporary index.
  repo.write("db/002_add_orders_note.sql", std::string(kDangerous));
  const std::string before = head();
  RunResult r = git({"commit", "-q", "-a", "-m", "all"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out + r.err, HasSubstr("db/002_add_orders_note.sql:1:1: error:"));
  r = git({"commit", "-q", "-m", "one path", "db/002_add_orders_note.sql"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(head(), before);
}

TEST_F(PreCommitHook, InstallNeedsAConfigWhereGitRunsHooks) {
  fs::remove(repo.dir() / "mgate.toml");
  const RunResult r = run_mgate({"hook", "install"}, repo.dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("run 'mgate init' there first"));
  EXPECT_FALSE(fs::exists(hook()));
}

TEST_F(PreCommitHook, IgnoresUntrackedMigrationsAndCommitsWithoutMigrations) {
  install();
  repo.write("db/002_work_in_progress.sql", std::string(kDangerous));  // never staged
  repo.write("README.md", "an application, documented\n");
  repo.git({"add", "README.md"});
  const RunResult r = commit("docs");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out + r.err, "");
}

TEST_F(PreCommitHook, RefusesToReplaceAnotherHookWithoutForce) {
  repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho theirs\n");
  RunResult r = run_mgate({"hook", "install"}, repo.dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("exists and is not mgate's"));
  EXPECT_THAT(r.err, HasSubstr("--force"));
  EXPECT_EQ(read_file(hook()), "#!/bin/sh\necho theirs\n");

  r = run_mgate({"hook", "install", "--force"}, repo.dir());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(read_file(hook()), HasSubstr("mgate-hook"));
  EXPECT_EQ(read_file(hook().parent_path() / "pre-commit.before-mgate"),
            "#!/bin/sh\necho theirs\n");
}

TEST_F(PreCommitHook, TheInstalledHookIsTheRepositorysHooksFile) {
  install();
  std::string shipped = read_file(MGATE_SOURCE_DIR "/hooks/pre-commit");
  const std::string default_line = ": \"${MGATE:=mgate}\"";
  shipped.replace(shipped.find(default_line), default_line.size(),
                  std::string(": \"${MGATE:=") + MGATE_BINARY + "}\"");
  EXPECT_EQ(read_file(hook()), shipped);
}

TEST_F(PreCommitHook, KeepsTheSymlinkItWasInvokedByNotTheFileBehindIt) {
  // A package manager's upgrade replaces the file behind /usr/bin/mgate or ~/.local/bin/mgate:
  // the hook must go on naming the link.
  TempDir bin;
  fs::create_symlink(MGATE_BINARY, bin.path() / "mgate");
  const RunResult r = run({(bin.path() / "mgate").string(), "hook", "install"}, repo.dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = read_file(hook());
  EXPECT_THAT(text, HasSubstr(": \"${MGATE:=" + (bin.path() / "mgate").string() + "}\""));
  EXPECT_THAT(text, Not(HasSubstr(MGATE_BINARY)));
}

TEST_F(PreCommitHook, RunsMgateFromThePathWhenInvokedByName) {
  TempDir bin;
  fs::create_symlink(MGATE_BINARY, bin.path() / "mgate");
  const std::string path = "PATH=" + bin.path().string() + ":" + std::getenv("PATH");
  RunResult r = run({"/bin/sh", "-c", "mgate hook install"}, repo.dir(), {path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(read_file(hook()), HasSubstr(": \"${MGATE:=mgate}\""));
  // git runs the hook with that PATH: mgate is found there and blocks the commit.
  repo.write("db/002_index_orders_status.sql", std::string(kDangerous));
  repo.git({"add", "db/002_index_orders_status.sql"});
  r = run({boost::process::search_path("git").string(), "-c", "user.name=mgate tests", "-c",
           "user.email=tests@mgate.invalid", "commit", "-q", "-m", "index"},
          repo.dir(), {path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out + r.err, HasSubstr("[require-concurrent-index]"));
}

TEST_F(PreCommitHook, UninstallRemovesMgatesHook) {
  install();
  const RunResult r = run_mgate({"hook", "uninstall"}, repo.dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mgate: removed " + hook().string() + "\n");
  EXPECT_FALSE(fs::exists(hook()));
  // Commits are no longer gated.
  repo.write("db/002_index_orders_status.sql", std::string(kDangerous));
  repo.git({"add", "db/002_index_orders_status.sql"});
  EXPECT_EQ(commit("index").exit_code, 0);
}

TEST_F(PreCommitHook, UninstallRefusesAHookMgateDidNotWrite) {
  const std::string theirs = "#!/bin/sh\nmgate lint --staged --quiet || exit 1\n";
  repo.write(".git/hooks/pre-commit", theirs);
  const RunResult r = run_mgate({"hook", "uninstall"}, repo.dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("is not mgate's hook, so it is left as it is"));
  EXPECT_EQ(read_file(hook()), theirs);
}

TEST_F(PreCommitHook, UninstallPutsBackTheHookThatInstallSetAside) {
  repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho theirs\n");
  ASSERT_EQ(run_mgate({"hook", "install", "--force"}, repo.dir()).exit_code, 0);
  const RunResult r = run_mgate({"hook", "uninstall"}, repo.dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("mgate: restored " + hook().string()));
  EXPECT_EQ(read_file(hook()), "#!/bin/sh\necho theirs\n");
  EXPECT_FALSE(fs::exists(hook().parent_path() / "pre-commit.before-mgate"));
}

TEST_F(PreCommitHook, UninstallWithoutAHookChangesNothing) {
  const RunResult r = run_mgate({"hook", "uninstall"}, repo.dir());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("nothing to remove"));
  EXPECT_FALSE(fs::exists(hook()));
}

}  // namespace
}  // namespace mgate::testing
