#include "gates/history.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gates/gate.hpp"
#include "gates/pipeline.hpp"
#include "unit/scratch_repository.hpp"

namespace mgate {
std::unique_ptr<Gate> make_history_gate();

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A git repository whose top level holds the service that mgate checks, in api/, with two
// migrations committed and tagged `base`.
class HistoryGateTest : public ::testing::Test {
 protected:
  HistoryGateTest() {
    config.root = scratch.dir() / "api";
    scratch.init();
    add("001", "create_users", "CREATE TABLE users (id int);\n", true);
    add("002", "add_email", "ALTER TABLE users ADD email text;\nSELECT 1;\n");
    scratch.commit_all("base");
    scratch.git({"tag", "base"});
  }

  // A plain migration in api/db: `001_name.sql`, or `.up.sql` and `.down.sql`.
  Migration& add(const std::string& version, const std::string& name, const std::string& sql,
                 bool with_down = false) {
    Migration m;
    m.version = Version{version};
    m.name = name;
    std::string stem = "db/" + version + "_" + name;
    m.up = Script{stem + (with_down ? ".up.sql" : ".sql")};
    if (with_down) m.down = Script{stem + ".down.sql"};
    for (const auto* s : {&m.up, &m.down}) {
      if (*s) {
        m.files.push_back((*s)->file);
        write((*s)->file, sql);
      }
    }
    set.migrations.push_back(m);
    return set.migrations.back();
  }
  void write(const std::string& file, const std::string& bytes) {
    scratch.write("api/" + file, bytes);
  }
  void drop(const std::string& version) {
    std::erase_if(set.migrations, [&](const Migration& m) { return m.version.text == version; });
  }

  // The history gate's result, through the pipeline that names its findings and applies [rules].
  GateResult run(const std::string& since = "base", bool staged = false) {
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = {"history"};
    options.since = since;
    options.staged = staged;
    return run_pipeline(config, set, parsed, options).gates.at(0);
  }

  testing::ScratchRepository scratch;
  Config config;
  MigrationSet set{"plain", "db", {}, {}};
};

TEST_F(HistoryGateTest, DeclaresItsRules) {
  auto gate = make_history_gate();
  EXPECT_EQ(gate->name(), "history");
  EXPECT_FALSE(gate->dynamic());
  std::vector<std::string> ids;
  for (const auto& rule : gate->rules()) {
    EXPECT_EQ(rule.gate, "history");
    EXPECT_EQ(rule.help_uri, rule_help_uri(rule.id, "history"));
    ids.push_back(rule.id);
  }
  EXPECT_THAT(ids, ElementsAre("edited-migration", "edited-down-migration", "deleted-migration",
                               "checksum-mismatch"));
}

TEST_F(HistoryGateTest, SkipsWithoutABase) {
  auto result = run("");
  EXPECT_EQ(result.status, GateStatus::skip);
  EXPECT_THAT(result.skip_reason, HasSubstr("--since"));
  EXPECT_THAT(result.findings, IsEmpty());
}

TEST_F(HistoryGateTest, NewMigrationsAndUntouchedOnesPass) {
  add("003", "add_phone", "ALTER TABLE users ADD phone text;\n");
  auto result = run();
  EXPECT_EQ(result.status, GateStatus::pass);
  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.metrics["base_commit"].get<std::string>().size(), 40u);
}

TEST_F(HistoryGateTest, EditedMergedMigrationIsAnErrorAtTheChangedLine) {
  write("db/002_add_email.sql", "ALTER TABLE users ADD email text;\nSELECT 2;\n");
  auto result = run();
  ASSERT_THAT(result.findings, SizeIs(1));
  const Finding& f = result.findings[0];
  EXPECT_EQ(f.rule, "edited-migration");
  EXPECT_EQ(f.gate, "history");
  EXPECT_EQ(f.level, Level::error);
  EXPECT_EQ(f.migration, "002");
  EXPECT_EQ(f.message,
            "migration 002 was already merged at base: editing it changes nothing in databases "
            "where it already ran");
  EXPECT_THAT(f.help, HasSubstr("write a new migration instead"));
  EXPECT_THAT(f.help, HasSubstr("git checkout base -- db/002_add_email.sql"));
  ASSERT_TRUE(f.location);
  EXPECT_EQ(f.location->file, "db/002_add_email.sql");
  EXPECT_EQ(f.location->start, (Position{2, 1}));
  EXPECT_EQ(f.location->end, (Position{2, 10}));
  EXPECT_EQ(f.evidence["base"], "base");
  EXPECT_EQ(f.evidence["base_commit"], result.metrics["base_commit"]);
  EXPECT_EQ(f.evidence["change"], "modified");
}

TEST_F(HistoryGateTest, LineEndingsAloneAreNoEdit) {
  write("db/002_add_email.sql", "ALTER TABLE users ADD email text;\r\nSELECT 1;\r\n");
  EXPECT_THAT(run().findings, IsEmpty());
}

TEST_F(HistoryGateTest, LoneCarriageReturnsEndLinesToo) {
  write("db/002_add_email.sql", "ALTER TABLE users ADD email text;\rSELECT 1;\r");
  EXPECT_THAT(run().findings, IsEmpty());
  write("db/002_add_email.sql", "ALTER TABLE users ADD email text;\rSELECT 2;\r");
  auto result = run();
  ASSERT_THAT(result.findings, SizeIs(1));
  ASSERT_TRUE(result.findings[0].location);
  EXPECT_EQ(result.findings[0].location->start, (Position{2, 1}));
  EXPECT_EQ(result.findings[0].location->end, (Position{2, 10}));
}

TEST_F(HistoryGateTest, EditedDownIsAWarning) {
  write("db/001_create_users.down.sql", "DROP TABLE users CASCADE;\n");
  auto result = run();
  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_EQ(result.findings[0].rule, "edited-down-migration");
  EXPECT_EQ(result.findings[0].level, Level::warning);
  EXPECT_EQ(result.findings[0].migration, "001");
}

TEST_F(HistoryGateTest, DeletedMergedMigrationIsAnError) {
  scratch.remove("api/db/002_add_email.sql");
  drop("002");
  auto result = run();
  ASSERT_THAT(result.findings, SizeIs(1));
  const Finding& f = result.findings[0];
  EXPECT_EQ(f.rule, "deleted-migration");
  EXPECT_EQ(f.level, Level::error);
  EXPECT_EQ(f.location->file, "db/002_add_email.sql");
  EXPECT_THAT(f.message, HasSubstr("migration file db/002_add_email.sql was already merged at "
                                   "base and is deleted"));
  EXPECT_THAT(f.help, HasSubstr("git checkout base -- db/002_add_email.sql"));
  EXPECT_EQ(f.evidence["change"], "deleted");
}

TEST_F(HistoryGateTest, RenamedMergedMigrationIsAnError) {
  scratch.git({"mv", "api/db/002_add_email.sql", "api/db/005_add_email.sql"});
  drop("002");
  add("005", "add_email", "ALTER TABLE users ADD email text;\nSELECT 1;\n");
  auto result = run();
  ASSERT_THAT(result.findings, SizeIs(1));
  const Finding& f = result.findings[0];
  EXPECT_EQ(f.rule, "deleted-migration");
  EXPECT_EQ(f.migration, "005");
  EXPECT_EQ(f.location->file, "db/005_add_email.sql");
  EXPECT_THAT(f.message, HasSubstr("is renamed to db/005_add_email.sql"));
  EXPECT_EQ(f.help,
            "keep the name it was merged with: `git mv db/005_add_email.sql "
            "db/002_add_email.sql`");
  EXPECT_EQ(f.evidence["renamed_from"], "db/002_add_email.sql");
}

TEST_F(HistoryGateTest, DeletedFilesThatAreNotSqlAreIgnored) {
  write("db/README.md", "notes\n");
  scratch.commit_all("readme");
  scratch.git({"tag", "-f", "base"});
  scratch.remove("api/db/README.md");
  EXPECT_THAT(run().findings, IsEmpty());
}

TEST_F(HistoryGateTest, StagedModeComparesTheIndex) {
  write("db/002_add_email.sql", "-- an unstaged edit\n");
  EXPECT_THAT(run("base", true).findings, IsEmpty());
  EXPECT_THAT(run("base", false).findings, SizeIs(1));
  scratch.git({"add", "api/db/002_add_email.sql"});
  write("db/002_add_email.sql", "ALTER TABLE users ADD email text;\nSELECT 1;\n");
  auto staged = run("base", true).findings;
  ASSERT_THAT(staged, SizeIs(1));
  EXPECT_EQ(staged[0].location->start, (Position{1, 1}));
  EXPECT_EQ(staged[0].location->end, (Position{1, 20}));  // the staged line, not the working tree's
  EXPECT_THAT(run("base", false).findings, IsEmpty());
}

TEST_F(HistoryGateTest, EditedRepeatableMigrationIsExpected) {
  write("db/R__views.sql", "CREATE VIEW v AS SELECT 1;\n");
  scratch.commit_all("views");
  scratch.git({"tag", "-f", "base"});
  Migration views;
  views.repeatable = true;
  views.name = "views";
  views.up = Script{"db/R__views.sql"};
  views.files = {"db/R__views.sql"};
  set.migrations.push_back(views);
  write("db/R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 2;\n");
  EXPECT_THAT(run().findings, IsEmpty());
}

TEST_F(HistoryGateTest, ConfiguredLevelsApply) {
  write("db/002_add_email.sql", "SELECT 2;\n");
  config.rules["edited-migration"] = RuleSetting{Level::note};
  ASSERT_THAT(run().findings, SizeIs(1));
  EXPECT_EQ(run().findings[0].level, Level::note);
  config.rules["edited-migration"] = RuleSetting{std::nullopt};
  EXPECT_THAT(run().findings, IsEmpty());
}

TEST_F(HistoryGateTest, BadBaseIsAnInputError) {
  try {
    run("no-such-branch");
    FAIL() << "a bad ref was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--since: 'no-such-branch' is not a commit in"));
  }
}

TEST_F(HistoryGateTest, BaseOutsideAGitRepositoryIsAnInputError) {
  testing::ScratchRepository plain;
  config.root = plain.dir();
  set.migrations.clear();
  try {
    run();
    FAIL() << "--since was accepted outside a repository";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--since: "));
    EXPECT_THAT(e.what(), HasSubstr("is not inside a git work tree"));
  }
}

TEST_F(HistoryGateTest, MarksOnlyMigrationsAddedSinceTheBaseAsGated) {
  add("003", "add_phone", "ALTER TABLE users ADD phone text;\n");  // untracked
  write("db/002_add_email.sql", "SELECT 2;\n");                    // edited: still merged
  mark_gated_since(set, config.root, "base");
  ASSERT_THAT(set.migrations, SizeIs(3));
  EXPECT_FALSE(set.migrations[0].gated);
  EXPECT_FALSE(set.migrations[1].gated);
  EXPECT_TRUE(set.migrations[2].gated);
}

TEST_F(HistoryGateTest, MigrationMissingAFileAtTheBaseIsGated) {
  // 002 gains a down script: the pair as a whole is not what was merged.
  Migration& m = set.migrations[1];
  m.down = Script{"db/002_add_email.down.sql"};
  m.files.push_back(m.down->file);
  write(m.down->file, "ALTER TABLE users DROP email;\n");
  mark_gated_since(set, config.root, "base");
  EXPECT_FALSE(set.migrations[0].gated);
  EXPECT_TRUE(set.migrations[1].gated);
}

TEST_F(HistoryGateTest, ChangedRepeatableMigrationIsGatedAgain) {
  write("db/R__views.sql", "CREATE VIEW v AS SELECT 1;\n");
  write("db/R__grants.sql", "GRANT SELECT ON users TO app;\n");
  scratch.commit_all("views");
  for (std::string name : {"views", "grants"}) {
    Migration m;
    m.repeatable = true;
    m.name = name;
    m.up = Script{"db/R__" + name + ".sql"};
    m.files = {m.up->file};
    set.migrations.push_back(m);
  }
  write("db/R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 2;\n");
  mark_gated_since(set, config.root, "HEAD");
  EXPECT_TRUE(set.migrations[2].gated);
  EXPECT_FALSE(set.migrations[3].gated);
}

TEST_F(HistoryGateTest, MarkingWithABadBaseIsAnInputError) {
  EXPECT_THROW(mark_gated_since(set, config.root, "no-such-branch"), InputError);
}

}  // namespace
}  // namespace mgate
