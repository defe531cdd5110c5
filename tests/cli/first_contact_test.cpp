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
using ::testing::Not;

// What Django 3.2's `manage.py sqlmigrate` printed for an atomic migration adding an index, and
// for a non-atomic one (atomic = False) with AddIndexConcurrently.
constexpr std::string_view kDjangoAtomicIndex =
    "BEGIN;\n"
    "--\n"
    "-- Create index order_status_idx on field(s) status of model order\n"
    "--\n"
    "CREATE INDEX \"order_status_idx\" ON \"shop_order\" (\"status\");\n"
    "COMMIT;\n";
constexpr std::string_view kDjangoConcurrentIndex =
    "--\n"
    "-- Concurrently create index order_customer_idx on field(s) customer of model order\n"
    "--\n"
    "CREATE INDEX CONCURRENTLY \"order_customer_idx\" ON \"shop_order\" (\"customer\");\n";

// What Alembic 1.8's `alembic upgrade a1:b2 --sql` printed for a revision that builds an index
// in an autocommit_block(): offline mode commits before the block and begins again after it.
constexpr std::string_view kAlembicAutocommitBlock =
    "BEGIN;\n\n"
    "-- Running upgrade a1 -> b2\n\n"
    "COMMIT;\n\n"
    "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n\n"
    "BEGIN;\n\n"
    "UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';\n\n"
    "COMMIT;\n\n";

// The rules of a JSON report's findings; with `level`, of its findings at that level only.
std::set<std::string> rules_in(const std::string& json, const std::string& level = "") {
  std::set<std::string> rules;
  const auto report = nlohmann::json::parse(json);
  for (const auto& f : report["findings"]) {
    if (level.empty() || f["level"] == level) rules.insert(f["rule"]);
  }
  return rules;
}

TEST(NamedSqlFile, IsLintedWhateverItsName) {
  TempDir dir;
  dir.write("some_change.sql", "CREATE INDEX orders_status_idx ON orders (status);\n");
  RunResult r = run_mgate({"lint", "some_change.sql", "--color", "never"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("some_change.sql:1:1: error:"));
  EXPECT_THAT(r.out, HasSubstr("[require-concurrent-index]"));
  EXPECT_THAT(r.out, Not(HasSubstr("[invalid-name]")));
  EXPECT_THAT(r.out, HasSubstr("in 1 migration: FAIL"));
}

TEST(NamedSqlFile, AmongMigrationsIsLinted) {
  TempDir dir;
  dir.write("db/001_create_orders.sql", "CREATE TABLE orders (id bigint, status text);\n");
  dir.write("db/notes.sql", "CREATE INDEX orders_status_idx ON orders (status);\n");
  RunResult r = run_mgate({"lint", "db/notes.sql", "--format", "json"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // Its SQL is judged all the same; with no [naming] pattern a name that does not look like a
  // migration is no naming finding (style is opt-in).
  EXPECT_EQ(rules_in(r.out, "error"), (std::set<std::string>{"require-concurrent-index"}));
}

// At a repository root whose Flyway migrations lie deeper, `auto` reads the root as Flyway's:
// the file named there is not one of those migrations, nor a misnamed one.
TEST(NamedSqlFile, AwayFromTheMigrationsOfItsDirectoryIsJustAFile) {
  TempDir dir;
  dir.write("src/main/resources/db/migration/V1__create_orders.sql",
            "CREATE TABLE orders (id bigint, status text);\n");
  dir.write("change.sql", "CREATE INDEX orders_status_idx ON orders (status);\n");
  RunResult r = run_mgate({"lint", "change.sql", "--format", "json"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(rules_in(r.out, "error"), std::set<std::string>{"require-concurrent-index"});
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["migrations"].size(), 1u);
  EXPECT_EQ(report["layouts"], nlohmann::json::array());
}

TEST(NamedSqlFile, OutsideTheConfiguredDirectoryIsLinted) {
  TempDir dir;
  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\n");
  dir.write("db/001_create_orders.sql", "CREATE TABLE orders (id bigint, status text);\n");
  dir.write("scratch/try.sql", "CREATE INDEX orders_status_idx ON orders (status);\n");
  RunResult r = run_mgate({"lint", "scratch/try.sql", "--color", "never"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("scratch/try.sql:1:1: error:"));
}

TEST(NamedSqlFile, WithASyntaxErrorIsAFinding) {
  TempDir dir;
  dir.write("change.sql", "SELECT 1;\nSELEC 2;\n");
  RunResult r = run_mgate({"lint", "change.sql", "--color", "never"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("change.sql:2:1: error: PostgreSQL cannot parse this"));
}

TEST(NamedSqlFile, ThatParsesIsLintedWhateverItsExtension) {
  TempDir dir;
  dir.write("change.ddl", "CREATE INDEX orders_status_idx ON orders (status);\n");
  RunResult r = run_mgate({"lint", "change.ddl", "--format", "json"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(rules_in(r.out, "error"), std::set<std::string>{"require-concurrent-index"});
}

TEST(NamedFileThatIsNotSql, IsAnInputError) {
  TempDir dir;
  dir.write("hostname", "build-host-7\n");
  RunResult r = run_mgate({"lint", "hostname"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("hostname: not SQL: PostgreSQL cannot parse it (syntax error"));
  EXPECT_EQ(r.out, "");

  dir.write("image.sql", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  r = run_mgate({"lint", "image.sql"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("image.sql: a binary file, not SQL"));

  dir.write("notes.txt", "caf\xe9 au lait\n");
  r = run_mgate({"lint", "notes.txt"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("notes.txt: not SQL: it is not UTF-8 text"));

  dir.write("empty.txt", "\n-- nothing\n");
  r = run_mgate({"lint", "empty.txt"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("empty.txt: not SQL: it holds no SQL statement"));
}

TEST(NamedFileThatIsNotSql, OutsideTheRootIsNamedByItsAbsolutePath) {
  TempDir repository;
  TempDir elsewhere;
  const fs::path hostname = elsewhere.write("hostname", "build-host-7\n");
  RunResult r = run_mgate({"lint", hostname.string()}, repository.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("mgate: error: " + hostname.string() + ": not SQL"));
}

TEST(NamedDirectory, WithoutMigrationsIsAnInputError) {
  TempDir dir;
  dir.write("docs/README.md", "# notes\n");
  dir.write("docs/schema.txt", "tables\n");
  RunResult r = run_mgate({"lint", "docs"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("docs: holds no migrations (read as plain, none of its files is "
                               "named like one)"));
  EXPECT_THAT(r.err, HasSubstr("mgate lint docs/*.sql"));

  fs::create_directories(dir.path() / "empty");
  r = run_mgate({"lint", "empty"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("empty: holds no migrations (it is empty)"));
}

TEST(NamedDirectory, TheConfiguredOneMayStillBeEmpty) {
  TempDir dir;
  dir.write("mgate.toml", "[migrations]\ndir = \"db\"\n");
  fs::create_directories(dir.path() / "db");
  RunResult r = run_mgate({"lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(StandardInput, IsLintedUnderTheNameGiven) {
  TempDir dir;
  RunResult r = run_mgate_with_input(
      {"lint", "-", "--stdin-filename", "shop/0002_order_status_idx.sql", "--color", "never"},
      std::string(kDjangoAtomicIndex), dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("shop/0002_order_status_idx.sql:5:1: error:"));
  EXPECT_THAT(r.out, HasSubstr("[require-concurrent-index]"));

  r = run_mgate_with_input({"lint", "-", "--color", "never"}, "DROP TABLE orders;\n", dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("<stdin>:1:1: error:"));
}

// Printed SQL runs as psql runs a file: its own BEGIN ... COMMIT are its only transactions.
TEST(StandardInput, ItsOwnTransactionFramingIsRead) {
  TempDir dir;
  RunResult r = run_mgate_with_input({"lint", "-", "--format", "json"},
                                     std::string(kDjangoConcurrentIndex), dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rules_in(r.out), std::set<std::string>{});

  // Its bookkeeping UPDATE of alembic_version is no finding: a tool's own history table.
  r = run_mgate_with_input({"lint", "-", "--format", "json"}, std::string(kAlembicAutocommitBlock),
                           dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rules_in(r.out), std::set<std::string>{});

  const std::string wrapped =
      "BEGIN;\n" +
      std::string(kDjangoConcurrentIndex.substr(kDjangoConcurrentIndex.find("CREATE"))) +
      "COMMIT;\n";
  r = run_mgate_with_input({"lint", "-", "--format", "json"}, wrapped, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(rules_in(r.out, "error"), std::set<std::string>{"concurrently-in-transaction"});
}

TEST(StandardInput, TogetherWithAMigrationsDirectory) {
  TempDir dir;
  dir.write("db/001_create_orders.sql", "CREATE TABLE orders (id bigint, status text);\n");
  RunResult r = run_mgate_with_input({"lint", "db", "-", "--format", "json"},
                                     "DROP TABLE orders;\n", dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["migrations"].size(), 2u);
  EXPECT_EQ(report["migrations"][1]["up"], "<stdin>");
  EXPECT_EQ(rules_in(r.out, "error"), std::set<std::string>{"drop-table"});
}

// A Django merge migration prints nothing (and "No operations found." on stderr).
TEST(StandardInput, EmptyPasses) {
  TempDir dir;
  RunResult r = run_mgate_with_input({"lint", "-"}, "", dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(StandardInput, MisuseIsAUsageError) {
  TempDir dir;
  RunResult r = run_mgate_with_input({"lint", "-"}, std::string("SELECT 1;\0\x01", 11), dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("standard input: a binary file, not SQL"));

  r = run_mgate({"lint", "--stdin-filename", "x.sql", "fixtures/demo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--stdin-filename names the SQL read from standard input"));

  r = run_mgate_with_input({"lint", "-", "-"}, "SELECT 1;\n", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("given twice"));

  r = run_mgate_with_input({"lint", "-", "--staged"}, "SELECT 1;\n", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--staged"));
}

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

TEST(LayoutReport, TextAndJsonSayWhichLayoutReadTheDirectory) {
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
  EXPECT_EQ(written.locks.blocker_wait, defaults.locks.blocker_wait);
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
  EXPECT_THAT(r.out, HasSubstr("--stdin-filename"));

  r = run_mgate({"help", "hook", "install"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, run_mgate({"hook", "install", "--help"}).out);

  r = run_mgate({"help", "chek"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'chek' (did you mean 'check'?)"));
}

}  // namespace
}  // namespace mgate::testing
