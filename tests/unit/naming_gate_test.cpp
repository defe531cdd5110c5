#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "gates/gate.hpp"
#include "gates/pipeline.hpp"
#include "unit/scratch_repository.hpp"

namespace mgate {
std::unique_ptr<Gate> make_naming_gate();

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Script script(std::string file) {
  return Script{std::move(file)};
}

// A migration of the plain layout in db/: `001_name.sql`, or `.up.sql` and `.down.sql`.
Migration plain(std::string version, std::string name, bool with_down = false) {
  Migration m;
  m.version = Version{version};
  m.name = name;
  std::string stem = "db/" + version + "_" + name;
  m.up = script(stem + (with_down ? ".up.sql" : ".sql"));
  if (with_down) m.down = script(stem + ".down.sql");
  for (const auto* s : {&m.up, &m.down}) {
    if (*s) m.files.push_back((*s)->file);
  }
  return m;
}

class NamingGateTest : public ::testing::Test {
 protected:
  NamingGateTest() {
    config.root = scratch.dir();
    set.layout = "plain";
    set.dir = "db";
  }

  // Adds the migration to the set and writes its files.
  Migration& add(Migration migration) {
    for (const auto& file : migration.files) scratch.write(file, "SELECT 1;\n");
    set.migrations.push_back(std::move(migration));
    return set.migrations.back();
  }

  // The naming gate's result, through the pipeline that names its findings and applies [rules].
  GateResult run(const std::string& since = "") {
    sql::ParsedSet parsed(set, sql::working_tree_reader(scratch.dir()));
    PipelineOptions options;
    options.gates = {"naming"};
    options.since = since;
    return run_pipeline(config, set, parsed, options).gates.at(0);
  }

  std::vector<Finding> findings(const std::string& rule, const std::string& since = "") {
    std::vector<Finding> found;
    for (auto& f : run(since).findings) {
      if (f.rule == rule) found.push_back(f);
    }
    return found;
  }

  testing::ScratchRepository scratch;
  Config config;
  MigrationSet set;
};

TEST_F(NamingGateTest, DeclaresItsRules) {
  auto gate = make_naming_gate();
  EXPECT_EQ(gate->name(), "naming");
  EXPECT_FALSE(gate->dynamic());
  std::set<std::string> ids;
  for (const auto& rule : gate->rules()) {
    EXPECT_EQ(rule.gate, "naming");
    EXPECT_FALSE(rule.summary.empty());
    EXPECT_EQ(rule.help_uri, rule_help_uri(rule.id, "naming"));
    ids.insert(rule.id);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"invalid-name", "ignored-file", "unchecked-migration",
                                        "duplicate-version", "version-gap", "out-of-order",
                                        "missing-down"}));
}

TEST_F(NamingGateTest, AWellNamedHistoryPasses) {
  add(plain("001", "create_users"));
  add(plain("002", "add_email", true));
  auto result = run();
  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.gate, "naming");
  EXPECT_EQ(result.status, GateStatus::pass);
}

// Style is opt-in: without naming.pattern, names the tool reads are never findings.
TEST_F(NamingGateTest, WithoutAPatternHyphensSpacesAndCaseAreTheToolsBusiness) {
  add(plain("001", "create_users"));
  add(plain("20220421174016", "add-user-index"));
  add(plain("002", "Add Users"));
  EXPECT_THAT(findings("invalid-name"), IsEmpty());
}

TEST_F(NamingGateTest, SpacesAndUpperCaseGetARenameUnderAPattern) {
  config.naming.pattern = "^[0-9]+_[a-z0-9_]+$";
  add(plain("001", "create_users"));
  Migration& bad = add(plain("002", "Add Users"));
  scratch.write(bad.up->file, "ALTER TABLE users ADD email text;\nSELECT 1;\n");
  auto found = findings("invalid-name");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].level, Level::error);
  EXPECT_EQ(found[0].gate, "naming");
  EXPECT_EQ(found[0].migration, "002");
  EXPECT_THAT(found[0].message, HasSubstr("db/002_Add Users.sql: the name has spaces and upper "
                                          "case letters, which naming.pattern"));
  EXPECT_EQ(found[0].help, "rename to 002_add_users.sql");
  ASSERT_TRUE(found[0].location);
  EXPECT_EQ(found[0].location->file, "db/002_Add Users.sql");
  EXPECT_EQ(found[0].location->start, (Position{1, 1}));
  EXPECT_EQ(found[0].location->end, (Position{1, 34}));  // the whole first line
}

TEST_F(NamingGateTest, StraysTheToolRefusesAreErrorsThoseItSkipsWarnings) {
  add(plain("001", "create_users"));
  set.strays.push_back({"db/002_orphan.down.sql", "down migration without an up"});
  set.strays.push_back({"db/003.sql", "no name after the version: a plain runner skips it",
                        StrayFile::Kind::ignored});
  auto refused = findings("invalid-name");
  ASSERT_THAT(refused, SizeIs(1));
  EXPECT_EQ(refused[0].level, Level::error);
  EXPECT_EQ(refused[0].message, "db/002_orphan.down.sql: down migration without an up");
  EXPECT_THAT(refused[0].help, HasSubstr("a migration looks like 001_create_users.sql"));
  auto ignored = findings("ignored-file");
  ASSERT_THAT(ignored, SizeIs(1));
  EXPECT_EQ(ignored[0].level, Level::warning);
  EXPECT_EQ(ignored[0].location->file, "db/003.sql");
  EXPECT_THAT(ignored[0].help, HasSubstr("if not, move it out of db"));
}

// A goose Go migration, a Flyway Java one, a Rails one: said once, never a failure.
TEST_F(NamingGateTest, MigrationsMgateCannotRunAreNotes) {
  set.layout = "goose";
  Migration go;
  go.version = Version{"00004"};
  go.name = "seed";
  go.cannot_run = "a goose Go migration";
  go.files = {"db/00004_seed.go"};
  set.migrations.push_back(go);
  config.naming.pattern = "^[0-9]+_[a-z]+$";  // names are not judged either
  auto result = run();
  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_EQ(result.findings[0].rule, "unchecked-migration");
  EXPECT_EQ(result.findings[0].level, Level::note);
  EXPECT_THAT(result.findings[0].message,
              HasSubstr("db/00004_seed.go: a goose Go migration, which mgate cannot run"));
  EXPECT_EQ(result.status, GateStatus::pass);
}

TEST_F(NamingGateTest, ConfiguredPatternReplacesTheConvention) {
  config.naming.pattern = R"(^\d{3}_[a-z0-9_]+$)";
  add(plain("001", "create_users"));
  add(plain("0002", "add_email"));
  auto found = findings("invalid-name");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].location->file, "db/0002_add_email.sql");
  EXPECT_THAT(found[0].message,
              HasSubstr(R"(the name does not match naming.pattern `^\d{3}_[a-z0-9_]+$`)"));
  EXPECT_THAT(found[0].help, HasSubstr("rename it to match naming.pattern"));
}

TEST_F(NamingGateTest, PatternThatAllowsUpperCaseAcceptsIt) {
  config.naming.pattern = R"(^\d{3}_[A-Za-z0-9_]+$)";
  add(plain("001", "CreateUsers"));
  EXPECT_THAT(findings("invalid-name"), IsEmpty());
}

TEST_F(NamingGateTest, InvalidPatternIsAnInputError) {
  config.naming.pattern = "([a-z";
  config.file = "mgate.toml";
  add(plain("001", "create_users"));
  try {
    run();
    FAIL() << "an invalid pattern was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("mgate.toml: naming.pattern: '([a-z' is not a valid"));
  }
}

TEST_F(NamingGateTest, DieselNamesTheDirectory) {
  config.naming.pattern = "^[0-9-]+_[a-z0-9_]+$";
  set.layout = "diesel";
  Migration m;
  m.version = Version{"2024-01-01-120000"};
  m.up = script("db/2024-01-01-120000_Create Users/up.sql");
  m.down = script("db/2024-01-01-120000_Create Users/down.sql");
  m.files = {m.up->file, m.down->file};
  add(m);
  auto found = findings("invalid-name");
  ASSERT_THAT(found, SizeIs(1));  // one directory, not one finding per file
  EXPECT_THAT(found[0].message, HasSubstr("db/2024-01-01-120000_Create Users: the name has"));
  EXPECT_EQ(found[0].help, "rename to 2024-01-01-120000_create_users");
  EXPECT_EQ(found[0].location->file, "db/2024-01-01-120000_Create Users/up.sql");
}

TEST_F(NamingGateTest, MergedMigrationsAreNotRenamed) {
  config.naming.pattern = "^[0-9]+_[a-z0-9_]+$";
  add(plain("001", "Create Users")).gated = false;
  add(plain("002", "add_email"));
  EXPECT_THAT(findings("invalid-name"), IsEmpty());
}

TEST_F(NamingGateTest, DuplicateVersionsAreErrorsAtBothFiles) {
  add(plain("001", "create_users"));
  add(plain("002", "add_email"));
  add(plain("2", "add_phone"));  // 2 and 002 are one version
  auto found = findings("duplicate-version");
  ASSERT_THAT(found, SizeIs(2));
  EXPECT_EQ(found[0].location->file, "db/002_add_email.sql");
  EXPECT_EQ(found[0].level, Level::error);
  EXPECT_THAT(found[0].message, HasSubstr("version 002 of db/002_add_email.sql is also used by "
                                          "db/2_add_phone.sql"));
  EXPECT_EQ(found[0].help, "keep this one and give db/2_add_phone.sql a new version");
  EXPECT_EQ(found[1].location->file, "db/2_add_phone.sql");
  EXPECT_EQ(found[1].help, "rename to 3_add_phone.sql");
}

TEST_F(NamingGateTest, DuplicateOfAMergedVersionRenamesTheNewOne) {
  add(plain("001", "create_users", true));
  add(plain("001", "add_email", true)).gated = false;  // merged: it keeps the version
  add(plain("002", "add_phone")).gated = false;
  auto found = findings("duplicate-version", "main");
  ASSERT_THAT(found, SizeIs(2));
  EXPECT_EQ(found[0].location->file, "db/001_create_users.up.sql");
  EXPECT_EQ(found[0].help, "rename to 003_create_users.up.sql and 003_create_users.down.sql");
  EXPECT_THAT(found[1].help, HasSubstr("keep this one"));
}

TEST_F(NamingGateTest, DuplicatesAmongMergedMigrationsAreHistory) {
  add(plain("001", "create_users")).gated = false;
  add(plain("001", "add_email")).gated = false;
  add(plain("002", "add_phone"));
  EXPECT_THAT(findings("duplicate-version", "main"), IsEmpty());
}

TEST_F(NamingGateTest, GapInSequentialVersionsIsAWarning) {
  add(plain("001", "create_users"));
  add(plain("002", "add_email"));
  add(plain("005", "add_index"));
  auto found = findings("version-gap");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].level, Level::warning);
  EXPECT_EQ(found[0].location->file, "db/005_add_index.sql");
  EXPECT_THAT(found[0].message, HasSubstr("migration 005 follows 002: versions 003 to 004 are "
                                          "missing"));
  EXPECT_EQ(found[0].help, "rename to 003_add_index.sql");
}

// Harbor numbers its migrations per release: 0010, 0015, 0030, ...
TEST_F(NamingGateTest, AHistoryNumberedInStepsHasNoGaps) {
  for (const char* version : {"0001", "0002", "0010", "0015", "0030", "0040", "0050", "0051"})
    add(plain(version, "schema"));
  EXPECT_THAT(findings("version-gap"), IsEmpty());
}

TEST_F(NamingGateTest, TimestampsHaveNoGaps) {
  add(plain("20240101120000", "create_users"));
  add(plain("20240301093000", "add_email"));
  EXPECT_THAT(findings("version-gap"), IsEmpty());
}

TEST_F(NamingGateTest, GapsBetweenMergedMigrationsAreHistory) {
  add(plain("001", "create_users")).gated = false;
  add(plain("004", "add_email")).gated = false;
  add(plain("005", "add_index"));
  EXPECT_THAT(findings("version-gap", "main"), IsEmpty());
}

TEST_F(NamingGateTest, NewMigrationOlderThanAMergedOneIsOutOfOrder) {
  add(plain("001", "create_users")).gated = false;
  add(plain("002", "add_index"));
  add(plain("003", "add_email")).gated = false;
  add(plain("004", "add_phone"));
  auto found = findings("out-of-order", "origin/main");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].level, Level::warning);
  EXPECT_EQ(found[0].location->file, "db/002_add_index.sql");
  EXPECT_THAT(found[0].message, HasSubstr("migration 002 is new since origin/main but older "
                                          "than 003, which was already merged"));
  EXPECT_EQ(found[0].help, "rename to 005_add_index.sql");
  EXPECT_THAT(findings("out-of-order"), IsEmpty());  // without a base nothing is merged
}

TEST_F(NamingGateTest, DuplicateOfAMergedVersionIsNotAlsoOutOfOrder) {
  add(plain("001", "create_users")).gated = false;
  add(plain("002", "add_email")).gated = false;
  add(plain("003", "add_index")).gated = false;
  add(plain("002", "add_phone"));
  EXPECT_THAT(findings("duplicate-version", "main"), SizeIs(2));
  EXPECT_THAT(findings("out-of-order", "main"), IsEmpty());
}

TEST_F(NamingGateTest, SqitchOrdersByItsPlanNotByName) {
  set.layout = "sqitch";
  for (std::string name : {"users", "email"}) {
    Migration m;
    m.version = Version{name};
    m.name = name;
    m.up = script("deploy/" + name + ".sql");
    m.files = {m.up->file};
    add(m);
  }
  set.migrations[0].gated = false;
  EXPECT_THAT(run("main").findings, IsEmpty());
}

TEST_F(NamingGateTest, OutOfOrderTimestampAsksForANewerVersion) {
  add(plain("20240101120000", "create_users"));
  add(plain("20240301093000", "add_email")).gated = false;
  auto found = findings("out-of-order", "main");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].help, "give it a version newer than 20240301093000, the newest migration's");
}

TEST_F(NamingGateTest, MissingDownWhenRequired) {
  add(plain("001", "create_users"));
  add(plain("002", "add_email", true));
  EXPECT_THAT(findings("missing-down"), IsEmpty());  // not required by default
  config.naming.require_down = true;
  auto found = findings("missing-down");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].level, Level::error);
  EXPECT_EQ(found[0].migration, "001");
  EXPECT_EQ(found[0].location->file, "db/001_create_users.sql");
  EXPECT_EQ(found[0].help, "add db/001_create_users.down.sql that undoes it");
}

TEST_F(NamingGateTest, MissingDownNamesTheLayoutsDownFile) {
  config.naming.require_down = true;
  set.layout = "flyway";
  Migration v1;
  v1.version = Version{"1"};
  v1.up = script("db/V1__create_users.sql");
  v1.files = {v1.up->file};
  add(v1);
  Migration views;
  views.repeatable = true;
  views.up = script("db/R__views.sql");
  views.files = {views.up->file};
  add(views);  // a repeatable migration has no down
  auto found = findings("missing-down");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].help,
            "add db/U1__create_users.sql that undoes it (a Flyway Teams undo "
            "migration)");

  set.layout = "dbmate";
  EXPECT_EQ(findings("missing-down")[0].help,
            "add a `-- migrate:down` section to db/V1__create_users.sql");
}

TEST_F(NamingGateTest, LayoutsWithoutDownsNeverMissOne) {
  config.naming.require_down = true;
  set.layout = "prisma";
  Migration m;
  m.version = Version{"20240101000000_init"};
  m.up = script("db/20240101000000_init/migration.sql");
  m.files = {m.up->file};
  add(m);
  EXPECT_THAT(findings("missing-down"), IsEmpty());
}

TEST_F(NamingGateTest, ConfiguredLevelsApply) {
  config.naming.require_down = true;
  add(plain("001", "create_users"));
  add(plain("003", "add_email"));
  config.rules["missing-down"] = RuleSetting{Level::warning};
  config.rules["version-gap"] = RuleSetting{std::nullopt};
  auto result = run();
  ASSERT_THAT(result.findings, SizeIs(2));
  for (const auto& f : result.findings) {
    EXPECT_EQ(f.rule, "missing-down");
    EXPECT_EQ(f.level, Level::warning);
  }
}

}  // namespace
}  // namespace mgate
