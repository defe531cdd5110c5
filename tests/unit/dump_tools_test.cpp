// Which pg_dump the integrity gate's dump-and-restore uses: never one older than the server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "pg/dump_restore.hpp"

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

}  // namespace
}  // namespace mgate::testing
