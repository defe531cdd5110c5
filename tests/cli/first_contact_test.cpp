// A new user's first commands: any SQL file or standard input linted, and every mistake on the
// command line or in mgate.toml answered with exit 2 and what to do instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

#include "core/config.hpp"
#include "gates/gate.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(RulesConfig, UnknownRuleIdIsRejectedWithTheNearestOne) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
  dir.write("mgate.toml",
            "[migrations]\ndir = \"db\"\n\n[rules]\nrequire-concurent-index = \"warning\"\n");
  RunResult r = run_mgate({"lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("mgate.toml:5:1: unknown rule 'require-concurent-index' in [rules] "
                               "(did you mean 'require-concurrent-index'?"));
  EXPECT_EQ(r.out, "");
}

TEST(RulesConfig, RulesOfEveryGateAreKnown) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
  dir.write("mgate.toml",
            "[migrations]\ndir = \"db\"\n\n[rules]\nrollback-missing-down = \"off\"\n"
            "invalid-name = \"warning\"\nedited-migration = \"error\"\nsyntax-error = \"error\"\n");
  RunResult r = run_mgate({"lint", "--gates", "lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(LintGates, DynamicGatesAreRefusedWithTheCheckCommand) {
  RunResult r = run_mgate({"lint", "fixtures/demo", "--gates", "forward"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("--gates forward: this gate runs the migrations on PostgreSQL"));
  EXPECT_THAT(r.err, HasSubstr("'mgate check --gates forward'"));
  EXPECT_EQ(r.out, "");

  r = run_mgate({"lint", "fixtures/demo", "--gates", "lint,rollback,locks"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("--gates rollback,locks: these gates"));
  EXPECT_THAT(r.err, HasSubstr("'mgate check --gates lint,rollback,locks'"));
}

TEST(Layouts, TextAndJsonSayWhichLayoutReadTheDirectory) {
  TempDir dir;
  dir.write("db/001_create_orders.up.sql", "CREATE TABLE orders (id bigint);\n");
  dir.write("db/001_create_orders.down.sql", "DROP TABLE orders;\n");
  dir.write("db/002_add_status.up.sql", "ALTER TABLE orders ADD COLUMN status text;\n");
  RunResult r = run_mgate({"lint", "db", "--gates", "lint", "--color", "never"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("db: 2 migrations, golang-migrate layout (detected)\n"));

  r = run_mgate({"lint", "db", "--gates", "lint", "--layout", "plain", "--color", "never"},
                dir.path());
  EXPECT_THAT(r.out, HasSubstr("db: 2 migrations, plain layout\n"));

  r = run_mgate({"lint", "db", "--gates", "lint", "--format", "json"}, dir.path());
  auto layouts = nlohmann::json::parse(r.out)["layouts"];
  EXPECT_EQ(layouts, nlohmann::json::parse(R"([{"dir": "db", "layout": "golang-migrate",
                                                 "detected": true, "migrations": 2}])"));
}

// `mgate init` says "the commented ones show their defaults": uncommented, they must load as
// exactly the defaults mgate has.
TEST(InitCommand, CommentedKeysShowTheRealDefaults) {
  TempDir dir;
  dir.write("db/001_create_orders.sql", "CREATE TABLE orders (id bigint);\n");
  ASSERT_EQ(run_mgate({"init", "db"}, dir.path()).exit_code, 0);
  std::string uncommented;
  std::istringstream lines(read_file(dir.path() / "mgate.toml"));
  for (std::string line; std::getline(lines, line);) {
    static const std::regex kKey(R"(^# (\[[a-z]+\]|[a-z_-]+ = ).*)");
    uncommented += (std::regex_match(line, kKey) ? line.substr(2) : line) + "\n";
  }
  const fs::path file = dir.write("uncommented.toml", uncommented);
  const Config written = load_config(file);
  const Config defaults;

  EXPECT_EQ(written.naming.pattern, defaults.naming.pattern);
  EXPECT_EQ(written.naming.require_down, defaults.naming.require_down);
  ASSERT_EQ(written.rules.size(), 1u);
  EXPECT_EQ(written.rules.at("require-concurrent-index").level, Level::error);
  const auto& p = written.postgres;
  EXPECT_EQ(p.version, defaults.postgres.version);
  EXPECT_EQ(p.provider, defaults.postgres.provider);
  EXPECT_EQ(p.bin_dir, defaults.postgres.bin_dir);
  EXPECT_EQ(p.image, defaults.postgres.image);
  EXPECT_EQ(p.url, defaults.postgres.url);
  EXPECT_EQ(p.run_as, defaults.postgres.run_as);
  EXPECT_EQ(p.superuser, defaults.postgres.superuser);
  EXPECT_EQ(p.extensions, defaults.postgres.extensions);
  EXPECT_EQ(p.statement_timeout, defaults.postgres.statement_timeout);
  std::vector<std::string> every_gate;
  for (const auto& gate : all_gates()) every_gate.emplace_back(gate->name());
  EXPECT_EQ(written.gates.run, every_gate);  // the default, empty, runs every gate
  EXPECT_EQ(written.fixtures.seed, defaults.fixtures.seed);
  EXPECT_EQ(written.fixtures.rows, defaults.fixtures.rows);
  EXPECT_EQ(written.fixtures.random_seed, defaults.fixtures.random_seed);
  EXPECT_EQ(written.traffic.clients, defaults.traffic.clients);
  EXPECT_EQ(written.traffic.blocked_threshold, defaults.traffic.blocked_threshold);
  EXPECT_EQ(written.traffic.queries, defaults.traffic.queries);
  const auto& plans = written.plans;
  EXPECT_EQ(plans.queries, defaults.plans.queries);
  EXPECT_EQ(plans.runs, defaults.plans.runs);
  EXPECT_EQ(plans.warmup, defaults.plans.warmup);
  EXPECT_EQ(plans.rows, defaults.plans.rows);
  EXPECT_EQ(plans.regression_threshold, defaults.plans.regression_threshold);
  EXPECT_EQ(plans.cost_threshold, defaults.plans.cost_threshold);
  EXPECT_EQ(plans.large_table_rows, defaults.plans.large_table_rows);
  EXPECT_EQ(plans.baseline, defaults.plans.baseline);
  EXPECT_EQ(plans.history, defaults.plans.history);
}

TEST(Commands, AnUnknownOneNamesTheNearest) {
  RunResult r = run_mgate({"lnt", "fixtures/demo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("mgate: error: unknown command 'lnt' (did you mean 'lint'?)"));
  EXPECT_EQ(r.out, "");

  r = run_mgate({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frobnicate': mgate has lint, check"));

  r = run_mgate({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("a command is required: lint, check"));
}

TEST(Commands, HelpPrintsMgatesOrACommandsHelp) {
  RunResult r = run_mgate({"help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, run_mgate({"--help"}).out);
  EXPECT_THAT(r.out, HasSubstr("Usage: mgate"));

  r = run_mgate({"help", "lint"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, run_mgate({"lint", "--help"}).out);

  r = run_mgate({"help", "hook", "install"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, run_mgate({"hook", "install", "--help"}).out);

  r = run_mgate({"help", "chek"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'chek' (did you mean 'check'?)"));
}

}  // namespace
}  // namespace mgate::testing
