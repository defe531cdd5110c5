// Runs the built mgate binary as a user would and checks output and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

#include "core/version.hpp"
#include "sql/grammar.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

TEST(LintCommand, DemoFindingsAtExactPositionsAndExitOne) {
  RunResult r = run_mgate({"lint", "fixtures/demo", "--color", "never"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // The plain CREATE INDEX on orders, line 3 of migration 007.
  EXPECT_THAT(r.out, HasSubstr("fixtures/demo/007_index_orders_by_status.up.sql:3:1: error:"));
  EXPECT_THAT(r.out, HasSubstr("fixtures/demo/008_require_user_phone.up.sql:3:1:"));
  EXPECT_THAT(r.out, Not(HasSubstr("\x1b[")));
}

TEST(LintCommand, JsonReportHasTheDocumentedShape) {
  RunResult r = run_mgate({"lint", "fixtures/demo", "--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["schema"], "mgate-report/1");
  EXPECT_EQ(report["tool"]["name"], "mgate");
  EXPECT_EQ(report["migrations"].size(), 13u);
  EXPECT_EQ(report["migrations"][0]["up"], "fixtures/demo/001_create_users.up.sql");
  ASSERT_FALSE(report["findings"].empty());
  for (const auto& f : report["findings"]) {
    for (const char* key :
         {"rule", "gate", "level", "message", "help", "migration", "location", "evidence"}) {
      EXPECT_TRUE(f.contains(key)) << key << " missing in " << f.dump();
    }
  }
  EXPECT_EQ(report["summary"]["passed"], false);
  EXPECT_GE(report["summary"]["errors"].get<int>(), 1);
}

TEST(LintCommand, SyntaxErrorIsAFindingAtItsLineAndColumn) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\nSELECT 'é', ,2;\n");
  RunResult r = run_mgate({"lint", "db", "--gates", "lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("db/001_init.sql:2:13: error: PostgreSQL cannot parse this: syntax "
                               "error at or near \",\" [syntax-error]"));
}

TEST(LintCommand, SyntaxNewerThanTheGrammarIsAWarningWhenTheMigrationsTargetANewerMajor) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id bigint PRIMARY KEY, v text);\n");
  // PostgreSQL 17 syntax: MERGE ... RETURNING.
  dir.write("db/002_merge.sql",
            "MERGE INTO t USING (SELECT 1 AS id) s ON t.id = s.id\n"
            "WHEN MATCHED THEN UPDATE SET v = 'x' RETURNING t.id;\n");
  RunResult r = run_mgate({"lint", "db", "--gates", "lint", "--pg-version", "17"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("db/002_merge.sql:2:38: warning: PostgreSQL 15's grammar, which "
                               "mgate parses with, cannot parse this: syntax error at or near "
                               "\"RETURNING\"; the migrations target PostgreSQL 17, which may "
                               "accept it [syntax-error]"));
  EXPECT_THAT(r.out, HasSubstr("run mgate check on a PostgreSQL 17 server"));
  // For the grammar's own major it is an error, as before.
  r = run_mgate({"lint", "db", "--gates", "lint", "--pg-version", "15"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("db/002_merge.sql:2:38: error: PostgreSQL cannot parse this"));
}

TEST(LintCommand, MissingPathIsAUsageErrorWithOneLine) {
  RunResult r = run_mgate({"lint", "no/such/dir"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mgate: error: no/such/dir: no such file or directory\n");
  EXPECT_EQ(r.out, "");
}

TEST(LintCommand, UnknownFlagIsExitTwo) {
  RunResult r = run_mgate({"lint", "fixtures/demo", "--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--no-such-flag"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST(LintCommand, InvalidConfigNamesFileLineAndKey) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\n\n[naming]\nrequire_dwn = true\n");
  RunResult r = run_mgate({"lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("mgate.toml:5:"));
  EXPECT_THAT(r.err, HasSubstr("unknown key 'require_dwn' in [naming]"));
}

TEST(LintCommand, MalformedTomlIsExitTwo) {
  TempDir dir;
  dir.write("mgate.toml", "[migrations\ndir = \n");
  RunResult r = run_mgate({"lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("mgate.toml:1:"));
}

TEST(LintCommand, ConfigDirIsUsedWithoutPathArguments) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\n");
  RunResult r = run_mgate({"lint", "--gates", "lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(LintCommand, NoPathAndNoConfigIsExitTwo) {
  TempDir dir;
  RunResult r = run_mgate({"lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no migrations to check"));
}

TEST(LintCommand, SymlinkLoopDoesNotHang) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
  fs::create_directory_symlink(dir.path() / "db", dir.path() / "db" / "loop");
  RunResult r = run_mgate({"lint", "db", "--gates", "lint"}, dir.path());
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2) << r.exit_code << r.err;
}

TEST(LintCommand, OutputFilesAreWrittenWhole) {
  TempDir dir;
  RunResult r = run_mgate({"lint", "fixtures/demo", "--format", "text", "--output",
                           "json=" + (dir.path() / "r.json").string(), "--output",
                           "sarif=" + (dir.path() / "r.sarif").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir.path() / "r.json"))["schema"], "mgate-report/1");
  EXPECT_EQ(nlohmann::json::parse(read_file(dir.path() / "r.sarif"))["version"], "2.1.0");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
}

TEST(LintCommand, OutputIntoMissingDirectoryIsExitTwoBeforeAnyWork) {
  RunResult r = run_mgate({"lint", "fixtures/demo", "--output", "json=/nonexistent/dir/r.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
  EXPECT_EQ(r.out, "");
}

TEST(LintCommand, UnknownFormatIsExitTwo) {
  RunResult r = run_mgate({"lint", "fixtures/demo", "--format", "yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown format 'yaml'"));
}

TEST(LintCommand, FailOnNeverExitsZeroWithFindings) {
  RunResult r = run_mgate({"lint", "fixtures/demo", "--fail-on", "never"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("error:"));
}

TEST(LintCommand, IgnoreCommentSuppressesAndAnUnusedOneIsReported) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
  dir.write("db/002_index.sql",
            "SET lock_timeout = '2s';\n"
            "-- mgate:ignore require-concurrent-index -- t has 10 rows\n"
            "CREATE INDEX t_id_idx ON t (id);\n"
            "-- mgate:ignore drop-table -- nothing here drops\n"
            "SELECT 1;\n");
  RunResult r = run_mgate({"lint", "db", "--gates", "lint", "--color", "never"}, dir.path());
  EXPECT_THAT(r.out, Not(HasSubstr("[require-concurrent-index]")));
  EXPECT_THAT(r.out, HasSubstr("db/002_index.sql:4:1: warning:"));
  EXPECT_THAT(r.out, HasSubstr("[unused-ignore]"));
}

TEST(LintCommand, NamedFileIsGatedAndTheRestIsContext) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\nCREATE TABLE u (id int);\n");
  dir.write("db/002_index.sql", "CREATE INDEX t_id_idx ON t (id);\n");
  dir.write("db/003_ok.sql", "SELECT 1;\n");
  RunResult r = run_mgate({"lint", "db/003_ok.sql", "--gates", "lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = run_mgate({"lint", "db/002_index.sql", "--gates", "lint", "--color", "never"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("db/002_index.sql:1:1:"));
}

TEST(RulesCommand, ListsRulesAndPrintsTheirDocs) {
  RunResult list = run_mgate({"rules"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("syntax-error"));
  RunResult doc = run_mgate({"rules", "syntax-error"});
  EXPECT_EQ(doc.exit_code, 0);
  EXPECT_EQ(doc.out, read_file(fs::path(MGATE_SOURCE_DIR) / "docs/rules/syntax-error.md"));
  RunResult unknown = run_mgate({"rules", "no-such-rule"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown rule 'no-such-rule'"));
}

TEST(VersionCommand, PrintsTheBuildsVersionAndTheGrammarsPostgresRelease) {
  RunResult r = run_mgate({"version"});
  EXPECT_EQ(r.exit_code, 0);
  // git describe of the source tree ("0.1.0-12-g1a2b3c4d5e6f-dirty") or the project version.
  EXPECT_THAT(r.out, MatchesRegex("mgate [0-9]+\\.[0-9]+\\.[0-9]+[-+.0-9A-Za-z]*\n"
                                  "SQL grammar: PostgreSQL 15\\.[0-9]+ \\(libpg_query\\)\n"));
  EXPECT_EQ(r.out, "mgate " + std::string(version()) + "\nSQL grammar: PostgreSQL " +
                       std::string(sql::grammar_version()) + " (libpg_query)\n");
  EXPECT_EQ(run_mgate({"--version"}).out, r.out);
  RunResult help = run_mgate({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("lint"));
}

}  // namespace
}  // namespace mgate::testing

namespace mgate::testing {
namespace {

// Bad input through the whole binary: a finding or a clear error, never a crash or a hang.
TEST(LintCommandBadInput, EmptyJunkAndInvalidUtf8Files) {
  TempDir dir;
  dir.write("db/001_empty.sql", "");
  std::string junk;
  for (int i = 0; i < 2048; ++i) junk += static_cast<char>((i * 37 + 11) % 256);
  dir.write("db/002_junk.sql", junk);
  dir.write("db/003_latin1.sql", "COMMENT ON TABLE t IS 'caf\xe9';\nSELECT \xc3\x28;\n");
  dir.write("db/004_unterminated.sql", "SELECT 1;\nDO $$ BEGIN PERFORM 1;\n");
  RunResult r = run_mgate({"lint", "db", "--gates", "lint", "--format", "json"}, dir.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto report = nlohmann::json::parse(r.out);
  std::set<std::string> broken;
  for (const auto& f : report["findings"]) {
    if (f["rule"] == "syntax-error") broken.insert(f["location"]["file"].get<std::string>());
  }
  EXPECT_TRUE(broken.count("db/002_junk.sql"));
  EXPECT_TRUE(broken.count("db/004_unterminated.sql"));
  EXPECT_FALSE(broken.count("db/001_empty.sql"));
}

}  // namespace
}  // namespace mgate::testing
