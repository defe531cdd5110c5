// A down script is linted against the schema its up left, and each of its statements changes what
// the next one sees; the migrations after it see the up's schema again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "rules/engine.hpp"

namespace mgate::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Files {
  MigrationSet set;
  std::map<std::string, std::string> text;

  void add(const std::string& version, const std::string& up, const std::string& down = "") {
    Migration m;
    m.version = {version};
    m.up = Script{"db/" + version + ".up.sql"};
    text[m.up->file] = up;
    if (!down.empty()) {
      m.down = Script{"db/" + version + ".down.sql"};
      text[m.down->file] = down;
    }
    set.migrations.push_back(m);
  }

  // Where `rule` flagged, as file:line.
  std::vector<std::string> flagged(const std::string& rule) const {
    sql::ParsedSet parsed(set, [&](const std::string& file) { return text.at(file); });
    std::vector<std::string> out;
    for (const Finding& f : lint_set(set, parsed, LintOptions{})) {
      if (f.rule == rule)
        out.push_back(f.location->file + ":" + std::to_string(f.location->start.line));
    }
    return out;
  }
};

// openmeter's 20260325084446_charges-refactor-tables.down.sql drops its view first, then the
// columns the view read: PostgreSQL accepts that, and so does mgate now.
TEST(DownScript, AViewItDroppedIsGoneForTheColumnsItDropsNext) {
  Files files;
  files.add("001", "CREATE TABLE t (a int, b text);\nCREATE VIEW v AS SELECT a, b FROM t;\n");
  files.add("002", "ALTER TABLE t ADD COLUMN c int;\n",
            "DROP VIEW v;\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t DROP COLUMN c;\n"
            "CREATE VIEW v AS SELECT a FROM t;\n");
  // What the down dropped is back for the next migration: its up still breaks the view.
  files.add("003", "ALTER TABLE t DROP COLUMN b;\n");
  EXPECT_THAT(files.flagged("column-used-by-view"), ElementsAre("db/003.up.sql:1"));
}

// ente's 109_add_admin_role_enum.down.sql changes a column to text and then to an enum: the
// second change converts from text, which the down's first statement made it.
TEST(DownScript, ATypeItChangedIsTheTypeItChangesFrom) {
  Files files;
  files.add("001", "CREATE TABLE t (a int);\n");
  files.add(
      "002", "ALTER TABLE t ALTER COLUMN a TYPE bigint;\n",
      "ALTER TABLE t ALTER COLUMN a TYPE text;\nALTER TABLE t ALTER COLUMN a TYPE varchar;\n");
  // bigint again, as the up of 002 left it: no change of type.
  files.add("003", "ALTER TABLE t ALTER COLUMN a TYPE bigint;\n");
  // int to bigint and bigint to text rewrite the table; text to varchar does not.
  EXPECT_THAT(files.flagged("change-column-type"),
              ElementsAre("db/002.up.sql:1", "db/002.down.sql:1"));
}

}  // namespace
}  // namespace mgate::testing
