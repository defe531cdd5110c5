// `mgate check --shard K/N` and `mgate merge`: the merged report of N shards says what the
// unsharded run says, finding for finding, with the same exit code (issue 16's acceptance).
// Real PostgreSQL through the local provider.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/core.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;

// What makes a finding the same finding in two reports.
using Key = std::tuple<std::string, std::string, int, int, std::string>;

std::multiset<Key> findings_of(const std::string& json_text) {
  const nlohmann::json report = nlohmann::json::parse(json_text);
  std::multiset<Key> out;
  for (const auto& f : report["findings"]) {
    const auto& at = f["location"];
    out.insert({f["rule"].get<std::string>(),
                at.is_null() ? std::string() : at["file"].get<std::string>(),
                at.is_null() ? 0 : at["line"].get<int>(),
                at.is_null() ? 0 : at["column"].get<int>(), f["level"].get<std::string>()});
  }
  return out;
}

std::string describe(const std::multiset<Key>& keys) {
  std::string out;
  for (const auto& [rule, file, line, column, level] : keys)
    out += fmt::format("  {} {}:{}:{} {}\n", rule, file, line, column, level);
  return out;
}

struct Check {
  std::vector<std::string> args;  // after "check"
  std::filesystem::path cwd;
};

// Runs `check` unsharded and as N = 1..4 shards merged, and compares.
void expect_shards_merge_to_the_unsharded_run(const Check& check, const TempDir& out) {
  std::vector<std::string> whole_args{"check"};
  whole_args.insert(whole_args.end(), check.args.begin(), check.args.end());
  whole_args.insert(whole_args.end(), {"--format", "json"});
  RunResult whole = run_mgate(whole_args, check.cwd);
  ASSERT_TRUE(whole.exit_code == 0 || whole.exit_code == 1) << whole.err;
  const std::multiset<Key> expected = findings_of(whole.out);
  ASSERT_FALSE(expected.empty()) << "the history should have findings to compare";

  for (int n = 1; n <= 4; ++n) {
    std::vector<std::string> reports;
    for (int k = 1; k <= n; ++k) {
      const std::string file = (out.path() / fmt::format("shard-{}-of-{}.json", k, n)).string();
      std::vector<std::string> args = whole_args;
      args.resize(args.size() - 2);  // not --format json: the report goes to a file
      args.insert(args.end(),
                  {"--shard", fmt::format("{}/{}", k, n), "--output", "json=" + file, "--quiet"});
      RunResult shard = run_mgate(args, check.cwd);
      ASSERT_TRUE(shard.exit_code == 0 || shard.exit_code == 1)
          << "shard " << k << "/" << n << ": " << shard.err;
      reports.push_back(file);
    }
    std::vector<std::string> merge_args{"merge"};
    merge_args.insert(merge_args.end(), reports.begin(), reports.end());
    merge_args.insert(merge_args.end(), {"--format", "json"});
    RunResult merged = run_mgate(merge_args, check.cwd);
    EXPECT_EQ(merged.exit_code, whole.exit_code) << "N = " << n << ": " << merged.err;
    const std::multiset<Key> got = findings_of(merged.out);
    EXPECT_EQ(got, expected) << "N = " << n << "\nmerged:\n"
                             << describe(got) << "unsharded:\n"
                             << describe(expected);
    const nlohmann::json report = nlohmann::json::parse(merged.out);
    EXPECT_EQ(report["merged_shards"], n);
    EXPECT_EQ(report["summary"], nlohmann::json::parse(whole.out)["summary"]) << "N = " << n;
  }
}

// A history of `count` plain migrations with up and down, with defects spread over it: index
// builds without CONCURRENTLY (lint), downs that leave a sequence behind (rollback), a migration
// without a down.
void write_history(const TempDir& dir, int count) {
  for (int i = 1; i <= count; ++i) {
    const std::string id = fmt::format("{:04}", i);
    std::string up = fmt::format(
        "SET lock_timeout = '1s';\nCREATE TABLE t{0} (id bigint PRIMARY KEY, v text);\n", i);
    std::string down = fmt::format("DROP TABLE t{};\n", i);
    if (i % 25 == 0) {
      up += fmt::format("CREATE INDEX t{0}_v_idx ON t{1} (v);\n", i, i - 1);
      down = fmt::format("DROP INDEX t{}_v_idx;\n", i) + down;
    }
    if (i % 40 == 0) {
      // The down forgets the sequence: the schema does not return.
      up += fmt::format("CREATE SEQUENCE s{};\n", i);
    }
    dir.write(fmt::format("migrations/{}_step_{}.up.sql", id, i), up);
    if (i != 77) dir.write(fmt::format("migrations/{}_step_{}.down.sql", id, i), down);
  }
}

TEST(ShardMerge, GeneratedHistoryOfThreeHundredMigrations) {
  TempDir dir;
  write_history(dir, 300);
  TempDir out;
  expect_shards_merge_to_the_unsharded_run(
      {{"migrations", "--layout", "plain", "--gates", "naming,history,lint,forward,rollback"},
       dir.path()},
      out);
}

TEST(ShardMerge, DemoMigrations) {
  TempDir out;
  expect_shards_merge_to_the_unsharded_run({{"fixtures/demo"}, MGATE_SOURCE_DIR}, out);
}

// Shards of a small history for the refusals.
struct Shards {
  TempDir out;
  std::string file(const std::string& history, int k, int n) const {
    const std::string path = (out.path() / fmt::format("{}-{}-of-{}.json", history, k, n)).string();
    RunResult r =
        run_mgate({"lint", "fixtures/demo", "--shard", fmt::format("{}/{}", k, n), "--output",
                   "json=" + path, "--quiet", "--fail-on", history == "never" ? "never" : "error"});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    return path;
  }
};

TEST(ShardMerge, AMissingShardIsAnErrorNotAPass) {
  Shards s;
  RunResult r = run_mgate({"merge", s.file("demo", 1, 3), s.file("demo", 3, 3)});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("shard 2/3 is missing"));
}

TEST(ShardMerge, AShardGivenTwiceIsRefused) {
  Shards s;
  const std::string one = s.file("demo", 1, 2);
  RunResult r = run_mgate({"merge", one, s.file("demo", 2, 2), one});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("shard 1/2 is given twice"));
}

TEST(ShardMerge, AShardOfAnotherRunIsRefused) {
  Shards s;
  // Another --fail-on is another configuration: another fingerprint.
  RunResult r = run_mgate({"merge", s.file("demo", 1, 2), s.file("never", 2, 2)});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("from another run"));
  EXPECT_THAT(r.err, HasSubstr("never-2-of-2.json"));

  RunResult count = run_mgate({"merge", s.file("demo", 1, 2), s.file("demo", 2, 3)});
  EXPECT_EQ(count.exit_code, 2) << count.out;
  EXPECT_THAT(count.err, HasSubstr("shard count"));
}

TEST(ShardMerge, AReportWithoutShardOrNotJsonIsRefused) {
  TempDir out;
  const std::string whole =
      out.write("whole.json",
                run_mgate({"lint", "fixtures/demo", "--format", "json", "--fail-on", "never"}).out)
          .string();
  RunResult r = run_mgate({"merge", whole});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not the report of a shard"));

  const std::string text = out.write("text.json", "mgate: 3 errors\n").string();
  RunResult bad = run_mgate({"merge", text});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("not JSON"));
}

TEST(ShardMerge, ABadShardSpecIsAUsageError) {
  for (const char* bad : {"0/2", "3/2", "2", "a/b", "1/0"}) {
    RunResult r = run_mgate({"lint", "fixtures/demo", "--shard", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr("--shard")) << bad;
  }
}

TEST(ShardMerge, AShardWithNothingToCheckPassesAndSaysSo) {
  // fixtures/dynamic/clean has fewer gated migrations than 8 shards.
  RunResult r = run_mgate({"check", "fixtures/dynamic/clean", "--gates", "forward,rollback",
                           "--shard", "8/8", "--color", "never"});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("shard 8/8: no gated migration falls in this shard"));
}

}  // namespace
}  // namespace mgate::testing
