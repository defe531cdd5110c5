// Where reports go: a report that cannot be written is an error (exit 3) naming where, never a
// green run; a file is replaced whole or left as it was; a report never replaces an input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// mgate with its arguments run by sh, after `setup` (shell commands) and with its stdout
// redirected as `redirect` says.
RunResult run_in_shell(const std::string& setup, const std::string& args,
                       const std::string& redirect, const fs::path& cwd = MGATE_SOURCE_DIR) {
  return run({"/bin/sh", "-c", setup + "; exec \"$0\" " + args + " " + redirect, MGATE_BINARY},
             cwd);
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ReportOutput, AFullDeviceIsExitThreeNamingTheFile) {
  RunResult r = run_mgate({"lint", "fixtures/demo", "--output", "json=/dev/full"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--output json=/dev/full: cannot write '/dev/full': No space left "
                               "on device"));
  // The other outputs are still written: the text report is on stdout.
  EXPECT_THAT(r.out, HasSubstr("error:"));
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

TEST(ReportOutput, StdoutOnAFullDiskIsExitThree) {
  RunResult r = run_in_shell(":", "lint fixtures/demo --format json", ">/dev/full");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot write the report to standard output: No space left"));
}

TEST(ReportOutput, APassingRunWhoseReportIsLostIsNotGreen) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
  RunResult r = run_mgate({"lint", "db", "--output", "sarif=/dev/full"}, dir.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
}

TEST(ReportOutput, AFailedWriteLeavesTheOldFileAndNoPartialOne) {
  TempDir dir;
  dir.write("r.json", "the previous report\n");
  // A file size limit makes writes fail with EFBIG (sh counts it in blocks of 512 or 1024
  // bytes; the demo's JSON report is far larger).
  RunResult r = run_in_shell(
      "trap '' XFSZ; ulimit -f 1",
      "lint fixtures/demo --format text --output json=" + (dir.path() / "r.json").string(),
      ">/dev/null");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("cannot write '" + (dir.path() / "r.json").string() + "': File too large"));
  EXPECT_EQ(read_file(dir.path() / "r.json"), "the previous report\n");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"r.json"});
}

TEST(ReportOutput, AReplacedFileKeepsItsPermissions) {
  TempDir dir;
  fs::path file = dir.write("r.json", "old\n");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  RunResult r = run_mgate({"lint", "fixtures/demo", "--output", "json=" + file.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(fs::status(file).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(nlohmann::json::parse(read_file(file))["schema"], "mgate-report/1");
}

TEST(ReportOutput, ASymbolicLinkStaysAndItsTargetIsReplaced) {
  TempDir dir;
  dir.write("reports/r.json", "old\n");
  fs::create_symlink("reports/r.json", dir.path() / "latest.json");
  RunResult r = run_mgate({"lint", MGATE_SOURCE_DIR "/fixtures/demo", "--format", "text",
                           "--output", "json=latest.json"},
                          dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir.path() / "latest.json"));
  EXPECT_EQ(nlohmann::json::parse(read_file(dir.path() / "reports/r.json"))["schema"],
            "mgate-report/1");
  EXPECT_EQ(names_in(dir.path() / "reports"), std::vector<std::string>{"r.json"});
}

TEST(ReportOutput, RefusesToOverwriteAMigration) {
  TempDir dir;
  const std::string sql = "CREATE TABLE t (id int);\n";
  dir.write("db/001_init.up.sql", sql);
  dir.write("db/002_more.up.sql", sql);
  dir.write("db/002_more.down.sql", "DROP TABLE t;\n");
  for (const std::string target :
       {"db/001_init.up.sql", "db/002_more.down.sql", "./db/../db/001_init.up.sql"}) {
    SCOPED_TRACE(target);
    RunResult r = run_mgate({"lint", "db", "--output", "json=" + target}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("--output json=" + target + ": '" + target + "' is migration "));
    EXPECT_THAT(r.err, HasSubstr("which this run reads; a report must not replace it"));
    EXPECT_EQ(r.out, "");
  }
  EXPECT_EQ(read_file(dir.path() / "db/001_init.up.sql"), sql);
  EXPECT_EQ(read_file(dir.path() / "db/002_more.down.sql"), "DROP TABLE t;\n");
}

TEST(ReportOutput, RefusesToOverwriteAnyFileOfTheMigrationSetOrTheConfig) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
  // A file the plain layout's runner would skip (a hyphen ends the version): a stray of the set.
  dir.write("db/002-more.sql", "how we migrate\n");
  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\n[fixtures]\nseed = [\"seed.sql\"]\n");
  dir.write("seed.sql", "INSERT INTO t VALUES (1);\n");
  fs::create_hard_link(dir.path() / "db/001_init.sql", dir.path() / "alias.sql");
  for (const auto& [target, what] : std::vector<std::pair<std::string, std::string>>{
           {"db/002-more.sql", "a file of the migration set"},
           {"mgate.toml", "the config file"},
           {"seed.sql", "a seed file"},
           {"alias.sql", "migration 001"}}) {
    SCOPED_TRACE(target);
    RunResult r = run_mgate({"lint", "--output", "markdown=" + target}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("'" + target + "' is " + what));
  }
  EXPECT_EQ(read_file(dir.path() / "db/002-more.sql"), "how we migrate\n");
}

TEST(ReportOutput, ADirectoryIsNotAnOutputFile) {
  TempDir dir;
  fs::create_directories(dir.path() / "out");
  RunResult r =
      run_mgate({"lint", "fixtures/demo", "--output", "json=" + (dir.path() / "out").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("is a directory"));
}

}  // namespace
}  // namespace mgate::testing
