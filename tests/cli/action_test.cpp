// The GitHub Action's steps (scripts/action.sh) in a faked runner: GITHUB_PATH, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH are files here, releases are read from a file://
// directory, `docker` (the source build's container) is a stand-in that records its arguments,
// and GitHub's comment API is tests/support/github_api_stub.py on a local port. The check step
// runs the released mgate, or, for the options of a shard and for merge mode, an `mgate`
// stand-in that records its arguments.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/process.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
namespace bp = boost::process;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kMarker = "<!-- mgate-report -->";

class ActionScript : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"curl", "jq", "python3"}) {
      if (bp::search_path(tool).empty()) {
        if (std::getenv("CI") != nullptr)
          FAIL() << tool << " is missing: run scripts/setup.sh --dev";
        GTEST_SKIP() << tool << " is missing (scripts/setup.sh --dev installs it)";
      }
    }
    // The action as the runner unpacks it: its scripts, without a build tree.
    for (const char* script : {"scripts/action.sh", "scripts/install.sh"}) {
      fs::create_directories((action() / script).parent_path());
      fs::copy_file(fs::path(MGATE_SOURCE_DIR) / script, action() / script);
    }
    fs::create_directories(runner.path() / "temp");
    runner.write("event.json", R"({"pull_request": {"number": 7}})");
    for (const char* file : {"path", "output", "summary"}) runner.write(file, "");
    tarball_ = release("9.9.9");
    runner.write("bin/docker",
                 "#!/bin/sh\n"
                 "echo \"$@\" >>\"" +
                     (runner.path() / "docker.log").string() +
                     "\"\n"
                     "for a in \"$@\"; do case \"$a\" in *:/src) src=${a%:/src} ;; esac; done\n"
                     "mkdir -p \"$src/dist\" && cp \"" +
                     tarball_.string() + "\" \"$src/dist/\"\n");
    fs::permissions(runner.path() / "bin/docker", fs::perms::owner_all, fs::perm_options::add);
  }

  fs::path action() const { return runner.path() / "action"; }
  fs::path prefix() const { return runner.path() / "temp/mgate"; }

  // A release v<version> in the file:// releases directory: the tarball holding the built mgate,
  // and SHA256SUMS. Returns the tarball.
  fs::path release(const std::string& version) const {
    const std::string name = "mgate-" + version + "-linux-x86_64";
    const fs::path stage = runner.path() / "stage";
    fs::create_directories(stage / name / "bin");
    fs::copy_file(MGATE_BINARY, stage / name / "bin/mgate", fs::copy_options::overwrite_existing);
    const fs::path dir = runner.path() / "releases" / ("v" + version);
    fs::create_directories(dir);
    EXPECT_EQ(
        run({"/bin/tar", "-czf", (dir / (name + ".tar.gz")).string(), "-C", stage.string(), name})
            .exit_code,
        0);
    EXPECT_EQ(run({"/bin/sh", "-c", "sha256sum " + name + ".tar.gz >SHA256SUMS"}, dir).exit_code,
              0);
    return dir / (name + ".tar.gz");
  }

  // action.sh STEP as the runner runs it: the runner's files in the environment, and PATH with
  // what earlier steps added to GITHUB_PATH in front.
  RunResult step(const std::string& name, const std::vector<std::string>& env,
                 const fs::path& cwd = MGATE_SOURCE_DIR) const {
    std::string path = (runner.path() / "bin").string();
    for (const auto& line : lines(runner.path() / "path")) path = line + ":" + path;
    std::map<std::string, std::string> vars = {
        {"PATH", path + ":" + std::getenv("PATH")},
        {"HOME", runner.path().string()},  // git config --global writes here
        {"GITHUB_ACTION_PATH", action().string()},
        {"RUNNER_TEMP", (runner.path() / "temp").string()},
        {"GITHUB_PATH", (runner.path() / "path").string()},
        {"GITHUB_OUTPUT", (runner.path() / "output").string()},
        {"GITHUB_STEP_SUMMARY", (runner.path() / "summary").string()},
        {"GITHUB_EVENT_PATH", (runner.path() / "event.json").string()},
        {"GITHUB_REPOSITORY", "octo/shop"},
        {"MGATE_ACTION_REF", ""},
        {"MGATE_RELEASES", "file://" + (runner.path() / "releases").string()}};
    for (const auto& assignment : env) {
      const auto equals = assignment.find('=');
      vars[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    }
    std::vector<std::string> environment;
    for (const auto& [variable, value] : vars) environment.push_back(variable + "=" + value);
    return run({"/bin/bash", (action() / "scripts/action.sh").string(), name}, cwd, environment);
  }

  // An mgate stand-in on the PATH that records its arguments, writes each FORMAT=FILE of its
  // `--output`s (the line FORMAT=FILE into FILE) and exits with `code`. Returns its log.
  fs::path fake_mgate(int code) const {
    const fs::path log = runner.path() / "mgate.log";
    runner.write(
        "bin/mgate",
        "#!/bin/sh\n"
        "echo \"$@\" >>\"" +
            log.string() +
            "\"\n"
            "for a in \"$@\"; do case \"$a\" in *=/*) echo \"$a\" >\"${a#*=}\" ;; esac; done\n"
            "exit " +
            std::to_string(code) + "\n");
    fs::permissions(runner.path() / "bin/mgate", fs::perms::owner_all, fs::perm_options::add);
    return log;
  }

  static std::vector<std::string> lines(const fs::path& file) {
    std::vector<std::string> out;
    std::istringstream in(read_file(file));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  TempDir runner;
  fs::path tarball_;
};

TEST_F(ActionScript, InstallsTheTarballOfItsOwnReleaseAndPutsItOnThePath) {
  const RunResult r = step("install", {"MGATE_ACTION_REF=v9.9.9"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(lines(runner.path() / "path"), std::vector<std::string>{(prefix() / "bin").string()});
  EXPECT_EQ(fs::read_symlink(prefix() / "bin/mgate"), "../lib/mgate-9.9.9-linux-x86_64/bin/mgate");
  EXPECT_THAT(r.out, HasSubstr("mgate "));  // `mgate version` of the installed binary
  EXPECT_FALSE(fs::exists(runner.path() / "docker.log"));  // nothing was built
}

TEST_F(ActionScript, TakesTheVersionFromTheActionsPathWhenTheRefIsNotGiven) {
  // The runner unpacks OWNER/REPO@REF into .../_actions/OWNER/REPO/REF.
  const fs::path unpacked = runner.path() / "_actions/mgate-dev/mgate/v9.9.9";
  fs::create_directories(unpacked.parent_path());
  fs::rename(action(), unpacked);
  fs::create_directory_symlink(unpacked, action());
  const RunResult r = step("install", {"GITHUB_ACTION_PATH=" + unpacked.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(prefix() / "lib/mgate-9.9.9-linux-x86_64/bin/mgate"));
  EXPECT_FALSE(fs::exists(runner.path() / "docker.log"));
}

TEST_F(ActionScript, AForksActionDownloadsTheForksRelease) {
  const fs::path unpacked = runner.path() / "_actions/someone/mgate-fork/v9.9.9";
  fs::create_directories(unpacked.parent_path());
  fs::rename(action(), unpacked);
  fs::create_directory_symlink(unpacked, action());
  // A curl stand-in that records what it is asked for and answers 404.
  runner.write("bin/curl", "#!/bin/sh\necho \"$@\" >>\"" + (runner.path() / "curl.log").string() +
                               "\"\nprintf 404\nexit 22\n");
  fs::permissions(runner.path() / "bin/curl", fs::perms::owner_all, fs::perm_options::add);
  const RunResult r =
      step("install", {"GITHUB_ACTION_PATH=" + unpacked.string(), "MGATE_RELEASES="});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(read_file(runner.path() / "curl.log"),
              HasSubstr("https://github.com/someone/mgate-fork/releases/download/v9.9.9/"
                        "mgate-9.9.9-linux-x86_64.tar.gz"));
  EXPECT_TRUE(fs::exists(runner.path() / "docker.log"));  // no such release: built instead
}

TEST_F(ActionScript, RefusesATarballThatDoesNotMatchTheChecksumAndDoesNotBuildInstead) {
  runner.write("releases/v9.9.9/SHA256SUMS",
               std::string(64, '0') + "  mgate-9.9.9-linux-x86_64.tar.gz\n");
  const RunResult r = step("install", {"MGATE_ACTION_REF=v9.9.9"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("does not match the release's SHA256SUMS"));
  EXPECT_TRUE(lines(runner.path() / "path").empty());
  EXPECT_FALSE(fs::exists(prefix() / "bin/mgate"));
  EXPECT_FALSE(fs::exists(runner.path() / "docker.log"));
}

TEST_F(ActionScript, BuildsFromSourceInADebian12ContainerWhenTheReleaseHasNoTarball) {
  const RunResult r = step("install", {"MGATE_ACTION_REF=v9.9.8"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("release v9.9.8 has no tarball: building mgate from source"));
  const std::string docker = read_file(runner.path() / "docker.log");
  EXPECT_THAT(docker,
              HasSubstr("run --rm --volume " + (runner.path() / "temp/mgate-source").string() +
                        ":/src --workdir /src debian:12"));
  EXPECT_THAT(docker, HasSubstr("scripts/package.sh tarball"));
  // What the build made is installed like a release.
  EXPECT_EQ(lines(runner.path() / "path"), std::vector<std::string>{(prefix() / "bin").string()});
  EXPECT_TRUE(fs::exists(prefix() / "lib/mgate-9.9.9-linux-x86_64/bin/mgate"));
}

TEST_F(ActionScript, BuildsFromSourceWhenUsedAtABranch) {
  const RunResult r = step("install", {"MGATE_ACTION_REF=main"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("not used at a release tag"));
  EXPECT_TRUE(fs::exists(runner.path() / "docker.log"));
}

TEST_F(ActionScript, CheckWritesTheOutputsAndTheSummary) {
  ASSERT_EQ(step("install", {"MGATE_ACTION_REF=v9.9.9"}).exit_code, 0);
  TempDir repo;
  repo.write("db/001_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n");
  repo.write("db/002_index.sql", "CREATE INDEX orders_status_idx ON orders (status);\n");
  const RunResult r =
      step("check", {"MGATE_PATH=db", "MGATE_ARGS=--gates naming,lint", "MGATE_FAIL_ON=error"},
           repo.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;  // the verdict is a later step's, from the output
  // --format github: the finding is an annotation on its line.
  EXPECT_THAT(r.out, HasSubstr("::error file=db/002_index.sql,line=1"));
  const fs::path reports = runner.path() / "temp/mgate-report";
  EXPECT_EQ(lines(runner.path() / "output"),
            (std::vector<std::string>{"exit-code=1", "sarif=" + (reports / "mgate.sarif").string(),
                                      "markdown=" + (reports / "mgate.md").string(),
                                      "html=" + (reports / "mgate.html").string()}));
  EXPECT_EQ(read_file(runner.path() / "summary"), read_file(reports / "mgate.md"));
  EXPECT_THAT(read_file(reports / "mgate.md"), HasSubstr("require-concurrent-index"));
}

TEST_F(ActionScript, CheckReportsAUsageErrorWithoutReports) {
  ASSERT_EQ(step("install", {"MGATE_ACTION_REF=v9.9.9"}).exit_code, 0);
  const RunResult r = step("check", {"MGATE_ARGS=--no-such-option"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(lines(runner.path() / "output"), std::vector<std::string>{"exit-code=2"});
  EXPECT_EQ(read_file(runner.path() / "summary"), "");
}

TEST_F(ActionScript, WithoutAShardTheCheckAnnotatesAndWritesNoJsonReport) {
  const fs::path log = fake_mgate(0);
  const RunResult r = step("check", {"MGATE_SHARD=", "MGATE_MODE=check", "MGATE_BASE=origin/main",
                                     "MGATE_PATH=db", "MGATE_ARGS=--jobs 2"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path reports = runner.path() / "temp/mgate-report";
  EXPECT_EQ(read_file(log), "check --fail-on error --format github --output sarif=" +
                                (reports / "mgate.sarif").string() +
                                " --output markdown=" + (reports / "mgate.md").string() +
                                " --output html=" + (reports / "mgate.html").string() +
                                " --since origin/main db --jobs 2\n");
  EXPECT_EQ(lines(runner.path() / "output"),
            (std::vector<std::string>{"exit-code=0", "sarif=" + (reports / "mgate.sarif").string(),
                                      "markdown=" + (reports / "mgate.md").string(),
                                      "html=" + (reports / "mgate.html").string()}));
}

TEST_F(ActionScript, AShardChecksItsPartAndWritesItsJsonReportForTheMerge) {
  const fs::path log = fake_mgate(1);
  const RunResult r = step(
      "check", {"MGATE_SHARD=2/4", "MGATE_MODE=check", "MGATE_BASE=origin/main", "MGATE_PATH=db"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // the verdict is a later step's, from the output
  const fs::path reports = runner.path() / "temp/mgate-report";
  const std::string json = (reports / "mgate-shard-2.json").string();
  // No --format github: the merge annotates the findings of every shard, each once.
  EXPECT_EQ(read_file(log),
            "check --fail-on error --output sarif=" + (reports / "mgate.sarif").string() +
                " --output markdown=" + (reports / "mgate.md").string() +
                " --output html=" + (reports / "mgate.html").string() + " --output json=" + json +
                " --since origin/main --shard 2/4 db\n");
  EXPECT_EQ(
      lines(runner.path() / "output"),
      (std::vector<std::string>{"exit-code=1", "sarif=" + (reports / "mgate.sarif").string(),
                                "markdown=" + (reports / "mgate.md").string(),
                                "html=" + (reports / "mgate.html").string(), "json=" + json}));
  EXPECT_EQ(read_file(runner.path() / "summary"), read_file(reports / "mgate.md"));
}

TEST_F(ActionScript, MergeModeMergesTheShardsReportsAndGivesMergesExitCode) {
  const fs::path log = fake_mgate(1);
  TempDir work;
  work.write("mgate-shard-2.json", "{}\n");
  work.write("mgate-shard-1.json", "{}\n");
  work.write("package.json", "{}\n");  // not a shard's: the glob leaves it out
  const RunResult r = step("check",
                           {"MGATE_MODE=merge", "MGATE_REPORTS=mgate-shard-*.json",
                            "MGATE_SHARD=", "MGATE_BASE=origin/main", "MGATE_FAIL_ON=error"},
                           work.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path reports = runner.path() / "temp/mgate-report";
  // merge takes --fail-on from the shards' reports, and has no --since or paths.
  EXPECT_EQ(read_file(log),
            "merge mgate-shard-1.json mgate-shard-2.json --format github "
            "--output sarif=" +
                (reports / "mgate.sarif").string() +
                " --output markdown=" + (reports / "mgate.md").string() +
                " --output html=" + (reports / "mgate.html").string() + "\n");
  EXPECT_EQ(lines(runner.path() / "output"),
            (std::vector<std::string>{"exit-code=1", "sarif=" + (reports / "mgate.sarif").string(),
                                      "markdown=" + (reports / "mgate.md").string(),
                                      "html=" + (reports / "mgate.html").string()}));
  EXPECT_EQ(read_file(runner.path() / "summary"), read_file(reports / "mgate.md"));
}

TEST_F(ActionScript, MergeModeFindsTheReportsInTheDirectoriesDownloadArtifactMade) {
  const fs::path log = fake_mgate(0);
  TempDir work;
  // actions/download-artifact without merge-multiple: one directory per artifact.
  work.write("shards/mgate-shard-1/mgate-shard-1.json", "{}\n");
  work.write("shards/mgate-shard-2/mgate-shard-2.json", "{}\n");
  const RunResult r = step(
      "check", {"MGATE_MODE=merge", "MGATE_REPORTS=shards", "MGATE_ARGS=--quiet"}, work.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path reports = runner.path() / "temp/mgate-report";
  EXPECT_EQ(read_file(log),
            "merge shards/mgate-shard-1/mgate-shard-1.json shards/mgate-shard-2/mgate-shard-2.json "
            "--format github --output sarif=" +
                (reports / "mgate.sarif").string() +
                " --output markdown=" + (reports / "mgate.md").string() +
                " --output html=" + (reports / "mgate.html").string() + " --quiet\n");
  EXPECT_EQ(lines(runner.path() / "output").front(), "exit-code=0");
}

TEST_F(ActionScript, MergeModeWithoutReportsIsAUsageErrorAndRunsNoMerge) {
  const fs::path log = fake_mgate(0);
  TempDir work;
  const RunResult r =
      step("check", {"MGATE_MODE=merge", "MGATE_REPORTS=mgate-shard-*.json"}, work.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("::error::mgate: no JSON report matches reports: "
                               "'mgate-shard-*.json'"));
  EXPECT_EQ(lines(runner.path() / "output"), std::vector<std::string>{"exit-code=2"});
  EXPECT_FALSE(fs::exists(log));
  EXPECT_EQ(read_file(runner.path() / "summary"), "");
}

TEST_F(ActionScript, RefusesAnUnknownMode) {
  const fs::path log = fake_mgate(0);
  const RunResult r = step("check", {"MGATE_MODE=lint"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("::error::mgate: mode is check or merge, not 'lint'"));
  EXPECT_FALSE(fs::exists(log));
}

// GitHub's comment API on a local port, with the comments it starts from.
class CommentApi {
 public:
  CommentApi(const TempDir& dir, const nlohmann::json& comments) : state_(dir.path() / "api.json") {
    dir.write("api.json",
              nlohmann::json{
                  {"token", "secret"}, {"repository", "octo/shop"}, {"comments", {{"7", comments}}}}
                  .dump());
    stub_ = bp::child(bp::search_path("python3"),
                      std::string(MGATE_SOURCE_DIR) + "/tests/support/github_api_stub.py",
                      state_.string(), bp::std_out > out_);
    std::string word;
    out_ >> word >> port_;
  }
  ~CommentApi() {
    stub_.terminate();
    stub_.wait();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  nlohmann::json state() const { return nlohmann::json::parse(read_file(state_)); }
  nlohmann::json comments() const { return state()["comments"]["7"]; }

 private:
  fs::path state_;
  bp::ipstream out_;
  bp::child stub_;
  int port_ = 0;
};

nlohmann::json comment(int id, const std::string& body) {
  return {{"id", id}, {"body", body}, {"user", {{"login", "someone"}, {"type", "User"}}}};
}

TEST_F(ActionScript, CommentsOnceAndEditsThatCommentOnTheNextRun) {
  CommentApi api(runner, nlohmann::json::array({comment(1, "looks good")}));
  runner.write("first.md", "# mgate: FAIL\n");
  RunResult r = step("comment", {"GITHUB_API_URL=" + api.url(), "GITHUB_TOKEN=secret",
                                 "MGATE_MARKDOWN=" + (runner.path() / "first.md").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("mgate: commented https://github.invalid/comment/2"));
  ASSERT_EQ(api.comments().size(), 2u);
  EXPECT_EQ(api.comments()[1]["body"], std::string(kMarker) + "\n# mgate: FAIL\n");

  runner.write("second.md", "# mgate: PASS\n");
  r = step("comment", {"GITHUB_API_URL=" + api.url(), "GITHUB_TOKEN=secret",
                       "MGATE_MARKDOWN=" + (runner.path() / "second.md").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("mgate: updated https://github.invalid/comment/2"));
  ASSERT_EQ(api.comments().size(), 2u);
  EXPECT_EQ(api.comments()[0]["body"], "looks good");
  EXPECT_EQ(api.comments()[1]["body"], std::string(kMarker) + "\n# mgate: PASS\n");
  EXPECT_EQ(api.state()["requests"].back(), "PATCH /repos/octo/shop/issues/comments/2");
}

TEST_F(ActionScript, FindsItsCommentOnALaterPage) {
  nlohmann::json comments = nlohmann::json::array();
  for (int id = 1; id <= 100; ++id)
    comments.push_back(comment(id, "comment " + std::to_string(id)));
  comments.push_back(comment(101, std::string(kMarker) + "\nan older report"));
  CommentApi api(runner, comments);
  runner.write("report.md", "# mgate: PASS\n");
  const RunResult r = step("comment", {"GITHUB_API_URL=" + api.url(), "GITHUB_TOKEN=secret",
                                       "MGATE_MARKDOWN=" + (runner.path() / "report.md").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_EQ(api.comments().size(), 101u);
  EXPECT_EQ(api.comments()[100]["body"], std::string(kMarker) + "\n# mgate: PASS\n");
  EXPECT_THAT(api.state()["requests"],
              ::testing::ElementsAre("GET /repos/octo/shop/issues/7/comments",
                                     "GET /repos/octo/shop/issues/7/comments",
                                     "PATCH /repos/octo/shop/issues/comments/101"));
}

TEST_F(ActionScript, ARefusedTokenIsAWarningNotAFailure) {
  CommentApi api(runner, nlohmann::json::array());
  runner.write("report.md", "# mgate: FAIL\n");
  const RunResult r = step("comment", {"GITHUB_API_URL=" + api.url(), "GITHUB_TOKEN=read-only",
                                       "MGATE_MARKDOWN=" + (runner.path() / "report.md").string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("::warning::mgate: cannot read the pull request's comments"));
  EXPECT_THAT(r.err, HasSubstr("HTTP 401: Bad credentials"));
  EXPECT_TRUE(api.comments().empty());
}

TEST_F(ActionScript, DoesNotCommentOutsideAPullRequest) {
  CommentApi api(runner, nlohmann::json::array());
  runner.write("event.json", R"({"ref": "refs/heads/main"})");
  runner.write("report.md", "# mgate: FAIL\n");
  const RunResult r = step("comment", {"GITHUB_API_URL=" + api.url(), "GITHUB_TOKEN=secret",
                                       "MGATE_MARKDOWN=" + (runner.path() / "report.md").string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("not for a pull request"));
  EXPECT_TRUE(api.state()["requests"].empty());
}

}  // namespace
}  // namespace mgate::testing
