// `mgate init` and `mgate completion`, run as a user would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include <boost/process/search_path.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(InitCommand, DetectsTheLayoutAndWritesAConfigThatLoads) {
  TempDir dir;
  for (const char* name : {"001_create_users", "002_create_products"}) {
    for (const char* direction : {".up.sql", ".down.sql"}) {
      const std::string file = std::string(name) + direction;
      dir.write("db/migrations/" + file, read_file(MGATE_SOURCE_DIR "/fixtures/demo/" + file));
    }
  }
  RunResult r = run_mgate({"init"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "mgate: wrote mgate.toml: 2 migrations in db/migrations (golang-migrate layout)\n");
  const std::string config = read_file(dir.path() / "mgate.toml");
  EXPECT_THAT(config, HasSubstr("dir = \"db/migrations\""));
  EXPECT_THAT(config, HasSubstr("layout = \"golang-migrate\""));
  EXPECT_THAT(config, HasSubstr("# require-concurrent-index = \"error\""));

  // The written file is a valid config: lint finds the migrations through it.
  r = run_mgate({"lint", "--format", "json"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["migrations"].size(), 2u);

  // Every commented key, uncommented, is valid too: the template names no key mgate rejects.
  std::string uncommented;
  std::istringstream lines(config);
  for (std::string line; std::getline(lines, line);) {
    static const std::regex kKey(R"(^# (\[[a-z]+\]|[a-z_-]+ = ).*)");
    uncommented += (std::regex_match(line, kKey) ? line.substr(2) : line) + "\n";
  }
  EXPECT_THAT(uncommented, HasSubstr("\n[plans]"));
  dir.write("mgate.toml", uncommented);
  r = run_mgate({"lint", "--format", "json"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err << uncommented;
  dir.write("mgate.toml", config);

  // Never overwritten.
  r = run_mgate({"init"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("mgate.toml already exists"));
  EXPECT_EQ(read_file(dir.path() / "mgate.toml"), config);
}

TEST(InitCommand, NamedDirectoryAndNothingFound) {
  TempDir dir;
  RunResult r = run_mgate({"init"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no migrations found"));

  dir.write("schema/changes/001_init.sql", "CREATE TABLE t (id int);\n");
  r = run_mgate({"init", "schema/changes"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(read_file(dir.path() / "mgate.toml"), HasSubstr("dir = \"schema/changes\""));
  EXPECT_THAT(read_file(dir.path() / "mgate.toml"), HasSubstr("layout = \"plain\""));
}

// Sources the bash completion and asks it to complete `words`; returns COMPREPLY.
std::string complete_in_bash(const std::string& script, const std::string& words) {
  TempDir dir;
  const fs::path file = dir.write("mgate.bash", script);
  const std::string program = "source '" + file.string() + "'; COMP_WORDS=(" + words +
                              "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _mgate; "
                              "printf '%s\\n' \"${COMPREPLY[@]}\"";
  return run({boost::process::search_path("bash").string(), "-c", program}, dir.path()).out;
}

TEST(CompletionCommand, BashCompletesCommandsOptionsAndValues) {
  const RunResult r = run_mgate({"completion", "bash"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(complete_in_bash(r.out, "mgate li"), "lint\n");
  EXPECT_EQ(complete_in_bash(r.out, "mgate lint --fo"), "--format\n");
  EXPECT_EQ(complete_in_bash(r.out, "mgate lint --format h"), "html\n");
  EXPECT_EQ(complete_in_bash(r.out, "mgate lint --fail-on w"), "warning\n");
  EXPECT_EQ(complete_in_bash(r.out, "mgate hook i"), "install\n");
  EXPECT_EQ(complete_in_bash(r.out, "mgate hook install --f"), "--force\n");
  EXPECT_EQ(complete_in_bash(r.out, "mgate completion z"), "zsh\n");
}

TEST(CompletionCommand, ZshDefinesTheCompletionFunction) {
  const RunResult r = run_mgate({"completion", "zsh"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("#compdef mgate\n"));
  EXPECT_THAT(r.out, HasSubstr("'lint:Run the static gates"));
  EXPECT_THAT(r.out, HasSubstr("'--format=[Report format on stdout]:value:(text json sarif "
                               "markdown github junit gitlab html)'"));
  EXPECT_THAT(r.out, HasSubstr("compdef _mgate mgate"));
  const auto zsh = boost::process::search_path("zsh");
  if (!zsh.empty()) {
    TempDir dir;
    EXPECT_EQ(run({zsh.string(), "-n", dir.write("_mgate", r.out).string()}).exit_code, 0);
  }
}

TEST(CompletionCommand, UnknownShellIsAUsageError) {
  EXPECT_EQ(run_mgate({"completion", "fish"}).exit_code, 2);
}

}  // namespace
}  // namespace mgate::testing
