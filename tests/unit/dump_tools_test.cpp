// Which pg_dump the integrity gate's dump-and-restore uses (never one older than the server), and
// the dump directories of killed runs it sweeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "pg/dump_restore.hpp"
#include "pg/process.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class DumpTools : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "mgate-dump-tools-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    fs::create_directories(dir_ / "bin");
    fs::create_directories(dir_ / "empty");
    const char* path = std::getenv("PATH");
    saved_path_ = path ? path : "";
  }
  void TearDown() override {
    setenv("PATH", saved_path_.c_str(), 1);
    fs::remove_all(dir_);
  }

  // A stand-in pg_dump and pg_restore that report `version`.
  void tools(const fs::path& where, const std::string& version) {
    for (const char* name : {"pg_dump", "pg_restore"}) {
      std::ofstream(where / name) << "#!/bin/sh\necho '" << name << " (PostgreSQL) " << version
                                  << "'\n";
      fs::permissions(where / name, fs::perms::owner_all);
    }
  }

  fs::path dir_;
  std::string saved_path_;
};

TEST_F(DumpTools, TheConfiguredBinDirIsUsedWhenItsVersionIsRecentEnough) {
  tools(dir_ / "bin", "99.1");
  setenv("PATH", (dir_ / "empty").c_str(), 1);
  std::string why;
  auto found = pg::find_dump_tools(dir_ / "bin", 98, why);
  ASSERT_TRUE(found) << why;
  EXPECT_EQ(found->pg_dump, dir_ / "bin" / "pg_dump");
  EXPECT_EQ(found->major, 99);
}

TEST_F(DumpTools, AnOlderPgDumpOnPathIsRefusedWithAReason) {
  tools(dir_ / "bin", "14.2");
  setenv("PATH", (dir_ / "bin").c_str(), 1);
  std::string why;
  // No /usr/lib/postgresql/98 exists: only PATH is left, and its pg_dump is older.
  EXPECT_FALSE(pg::find_dump_tools("", 98, why));
  EXPECT_THAT(why, HasSubstr("version 14, older than the server (98)"));
}

TEST_F(DumpTools, NoPgDumpAtAllIsAReason) {
  setenv("PATH", (dir_ / "empty").c_str(), 1);
  std::string why;
  EXPECT_FALSE(pg::find_dump_tools("", 98, why));
  EXPECT_THAT(why, HasSubstr("no pg_dump and pg_restore for PostgreSQL 98"));
}

// The dump directory of an mgate that was killed is swept by the next dump; one of a running
// mgate, another user's, and one not named the way mgate names them now stay.
TEST_F(DumpTools, DumpDirectoriesOfKilledRunsAreSwept) {
  fs::path temp = dir_ / "tmp";
  fs::create_directories(temp);
  const char* tmpdir = std::getenv("TMPDIR");
  std::string saved_tmpdir = tmpdir ? tmpdir : "";
  setenv("TMPDIR", temp.c_str(), 1);
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  waitpid(gone, nullptr, 0);
  std::string of_a_killed_run = "mgate-dump-" + std::to_string(gone) + "-0badc0de";
  std::string of_a_running_one = "mgate-dump-" + std::to_string(getppid()) + "-1ead1ead";
  fs::create_directory(temp / of_a_killed_run);
  std::ofstream(temp / of_a_killed_run / "dump") << "rows";
  fs::create_directory(temp / of_a_running_one);
  fs::create_directory(temp / "mgate-dump-1234abcd");
  std::set<std::string> expected = {of_a_running_one, "mgate-dump-1234abcd"};
  if (geteuid() == 0) {
    std::string anothers = "mgate-dump-" + std::to_string(gone) + "-a11ce";
    fs::create_directory(temp / anothers);
    pg::Account postgres = pg::lookup_account("postgres");
    ASSERT_EQ(chown((temp / anothers).c_str(), postgres.uid, postgres.gid), 0);
    expected.insert(anothers);
  }
  std::string why;
  auto tools = pg::find_dump_tools("", 15, why);
  ASSERT_TRUE(tools) << why;
  pg::Endpoint nowhere{"/nonexistent", 5432, "nobody", "", "nothing", {}};
  EXPECT_FALSE(pg::dump_and_restore(*tools, nowhere, nowhere, std::chrono::seconds(30)).dumped);
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(temp)) left.insert(e.path().filename().string());
  setenv("TMPDIR", saved_tmpdir.c_str(), 1);
  if (!tmpdir) unsetenv("TMPDIR");
  EXPECT_EQ(left, expected);
}

}  // namespace
}  // namespace mgate::testing
