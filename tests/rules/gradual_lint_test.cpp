// The lint of a large script reads its statements while its later chunks are parsed
// (sql::ParsedSet::Reading): the findings must be those of a lint that waits for the whole parse.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/engine.hpp"

namespace mgate::testing {
namespace {

std::string large_migration() {
  std::string text;
  for (int i = 0; text.size() < 700 * 1024; ++i) {
    std::string table = "t" + std::to_string(i % 40);
    std::string n = std::to_string(i);
    switch (i % 6) {
      case 0:
        text += "CREATE INDEX i" + n + " ON " + table + " (name);\n";
        break;
      case 1:
        text += "UPDATE " + table + " SET v = " + n + ";\n";
        break;
      case 2:
        text += "ALTER TABLE " + table + " ADD COLUMN c" + n + " int NOT NULL DEFAULT 0;\n";
        break;
      case 3:
        text += "CREATE TABLE n" + n + " (id int PRIMARY KEY, name varchar(20));\n";
        break;
      case 4:
        text += "ALTER TABLE " + table + " ALTER COLUMN name SET NOT NULL;\n";
        break;
      default:
        text += "CREATE FUNCTION f" + n +
                "() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n";
    }
    // A BEGIN and COMMIT in the middle: nested-transaction looks past the BEGIN.
    if (i == 4000) text += "BEGIN;\nSELECT 1;\nCOMMIT;\nSELECT 2;\n";
  }
  return text;
}

// One migration, as a set of one: no worker takes it before the lint asks for it. Its tables
// are not created in it, so that the rules take them for tables in use.
std::vector<std::string> lint(Transaction transaction, bool whole_first) {
  const std::string big = large_migration();
  MigrationSet set;
  set.layout = "plain";
  Migration m;
  m.version = {"1"};
  m.name = "big";
  m.up = Script{"db/1_big.sql", {0, std::string::npos}, transaction};
  m.files = {m.up->file};
  set.migrations.push_back(m);
  sql::ParsedSet parsed(set, [&](const std::string&) { return big; });
  if (whole_first) parsed.script(*m.up);  // parsed whole before the lint reads it
  std::vector<std::string> out;
  for (const Finding& f : lint_set(set, parsed, LintOptions{})) {
    out.push_back(f.rule + " " +
                  (f.location ? std::to_string(f.location->start.line) + ":" +
                                    std::to_string(f.location->start.column)
                              : std::string("-")) +
                  " " + f.message);
  }
  return out;
}

TEST(GradualLint, FindsWhatALintOfTheWholeParseFinds) {
  for (Transaction transaction :
       {Transaction::script, Transaction::statement, Transaction::query}) {
    std::vector<std::string> whole = lint(transaction, true);
    std::vector<std::string> gradual = lint(transaction, false);
    EXPECT_GT(whole.size(), 1000u);
    EXPECT_EQ(gradual, whole) << to_string(transaction);
    bool nested = false;
    for (const std::string& f : gradual) nested = nested || f.starts_with("nested-transaction");
    if (transaction != Transaction::query)
      EXPECT_EQ(nested, transaction == Transaction::script) << to_string(transaction);
  }
}

}  // namespace
}  // namespace mgate::testing
