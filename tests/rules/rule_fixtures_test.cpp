// Runs every rule fixture in tests/rules/<id>.sql (or <id>.<variant>.sql) through the lint
// engine. A fixture is one migration's up script; `-- expect: <id>[, <id>]` says that those
// rules flag the statement on the next line, and nothing else in the file is flagged by the
// fixture's rule or by any rule it expects. `-- fixture: no-transaction` at the top runs it as
// a non-transactional migration; `-- fixture: pg-version N` lints it for PostgreSQL N. A line
// `-- fixture: migration [no-transaction]` starts another migration, applied after the ones
// above it, so a fixture can show what earlier migrations created.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "core/embedded_docs.hpp"
#include "rules/engine.hpp"
#include "rules/rule.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtureDir = fs::path(MGATE_SOURCE_DIR) / "tests" / "rules";

std::vector<std::string> fixture_ids() {
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(kFixtureDir)) {
    if (entry.path().extension() == ".sql") ids.push_back(entry.path().stem().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> split_ids(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  std::string id;
  while (std::getline(in, id, ',')) {
    id.erase(0, id.find_first_not_of(' '));
    id.erase(id.find_last_not_of(" \r") + 1);
    if (!id.empty()) out.push_back(id);
  }
  return out;
}

// (line, rule) pairs, as "12: rule-id" so a failure reads like the fixture.
using Expectations = std::multiset<std::string>;

// The rule a fixture tests: its file name up to the first dot.
std::string rule_of(const std::string& fixture) {
  return fixture.substr(0, fixture.find('.'));
}

// A fixture file as a migration set: one migration per `-- fixture: migration` section.
struct Fixture {
  MigrationSet set;
  LintOptions options;
};

Fixture read_fixture(const std::string& relative, const std::string& text) {
  Fixture fixture;
  auto start = [&](std::size_t at, bool transactional) {
    if (!fixture.set.migrations.empty()) fixture.set.migrations.back().up->section.end = at;
    Migration migration;
    migration.version = {fmt::format("{:03}", fixture.set.migrations.size() + 1)};
    migration.name = relative;
    migration.up = Script{relative,
                          {at, std::string::npos},
                          transactional ? Transaction::script : Transaction::statement};
    migration.files = {relative};
    fixture.set.migrations.push_back(migration);
  };
  start(0, text.rfind("-- fixture: no-transaction", 0) != 0);
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    if (line.rfind("-- fixture: migration", 0) == 0) {
      start(at, line.find("no-transaction") == std::string_view::npos);
    } else if (line.rfind("-- fixture: pg-version ", 0) == 0) {
      fixture.options.pg_version = std::stoi(std::string(line.substr(23)));
    }
    at = end + 1;
  }
  return fixture;
}

std::string at(int line, const std::string& rule) {
  return std::to_string(line) + ": " + rule;
}

class RuleFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFixture, FlagsExactlyTheExpectedStatements) {
  const std::string id = GetParam();
  const std::string relative = "tests/rules/" + id + ".sql";
  const std::string text = read_file(kFixtureDir / (id + ".sql"));

  Expectations expected;
  std::set<std::string> checked_rules = {rule_of(id)};
  std::stringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.rfind("-- expect:", 0) == 0) {
      for (const std::string& rule : split_ids(line.substr(10))) {
        expected.insert(at(number + 1, rule));
        checked_rules.insert(rule);
      }
    }
  }
  ASSERT_FALSE(expected.empty()) << relative
                                 << " expects nothing: every fixture has a positive case";

  Fixture fixture = read_fixture(relative, text);
  sql::ParsedSet parsed(
      fixture.set, [&](const std::string&) { return text; }, fixture.options.pg_version);
  for (const Migration& migration : fixture.set.migrations) {
    ASSERT_FALSE(parsed.script(*migration.up).error)
        << relative << ": " << parsed.script(*migration.up).error->message;
  }

  Expectations actual;
  for (const Finding& f : lint_set(fixture.set, parsed, fixture.options)) {
    ASSERT_TRUE(f.location);
    EXPECT_FALSE(f.message.empty());
    EXPECT_FALSE(f.help.empty());
    if (checked_rules.count(f.rule)) actual.insert(at(f.location->start.line, f.rule));
  }
  EXPECT_EQ(actual, expected) << "in " << relative;
}

// Applying a rule's suggested fix yields SQL that still parses and that the rule flags less.
TEST_P(RuleFixture, FixesParseAndSilenceTheirFinding) {
  const std::string id = GetParam();
  const std::string relative = "tests/rules/" + id + ".sql";
  const std::string text = read_file(kFixtureDir / (id + ".sql"));
  auto lint = [&](const std::string& sql) {
    Fixture fixture = read_fixture(relative, sql);
    sql::ParsedSet parsed(
        fixture.set, [&](const std::string&) { return sql; }, fixture.options.pg_version);
    for (const Migration& migration : fixture.set.migrations) {
      EXPECT_FALSE(parsed.script(*migration.up).error) << sql;
    }
    std::vector<Finding> own;
    for (Finding& f : lint_set(fixture.set, parsed, fixture.options)) {
      if (f.rule == rule_of(id)) own.push_back(std::move(f));
    }
    return own;
  };
  for (const Finding& f : lint(text)) {
    if (!f.fix) continue;
    std::string fixed = text;
    // Apply from the end so earlier offsets stay valid.
    std::vector<Edit> edits = f.fix->edits;
    std::sort(edits.begin(), edits.end(),
              [](const Edit& a, const Edit& b) { return a.span.begin > b.span.begin; });
    for (const Edit& edit : edits) {
      EXPECT_EQ(edit.original, text.substr(edit.span.begin, edit.span.size()));
      fixed.replace(edit.span.begin, edit.span.size(), edit.replacement);
    }
    EXPECT_LT(lint(fixed).size(), lint(text).size())
        << f.fix->description << " did not silence " << relative << ":" << f.location->start.line;
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleFixture, ::testing::ValuesIn(fixture_ids()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

// golang-migrate sends a file as one query: a lone CONCURRENTLY statement runs outside any
// transaction, but next to another statement it runs in the implicit one and fails.
TEST(LintEngine, ImplicitTransactionHoldsOnlyForSeveralStatements) {
  auto flagged = [](const std::string& sql) {
    MigrationSet set;
    Migration migration;
    migration.version = {"001"};
    migration.up = Script{"db/001_x.up.sql", {0, std::string::npos}, Transaction::query};
    set.migrations.push_back(migration);
    set.layout = "golang-migrate";
    sql::ParsedSet parsed(set, [&](const std::string&) { return sql; });
    int count = 0;
    for (const Finding& f : lint_set(set, parsed, LintOptions{})) {
      count += f.rule == "concurrently-in-transaction";
    }
    return count;
  };
  EXPECT_EQ(flagged("CREATE INDEX CONCURRENTLY i ON t (a);\n"), 0);
  EXPECT_EQ(flagged("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON t (a);\n"), 1);
}

// A rule is three files: its source, its documentation and its fixture.
TEST(RuleCatalog, EveryRuleHasItsDocAndFixture) {
  const auto& docs = embedded_rule_docs();
  for (const auto& rule : all_rules()) {
    std::string id(rule->info().id);
    EXPECT_TRUE(docs.count(id)) << "docs/rules/" << id << ".md is missing";
    EXPECT_TRUE(fs::exists(kFixtureDir / (id + ".sql")))
        << "tests/rules/" << id << ".sql is missing";
    EXPECT_FALSE(rule->info().summary.empty()) << id;
  }
  for (const std::string& id : fixture_ids()) {
    EXPECT_TRUE(find_rule(rule_of(id))) << "tests/rules/" << id << ".sql names no rule";
  }
}

// The doc of every rule uses the same headings, in the same order.
TEST(RuleCatalog, EveryDocHasTheStandardHeadings) {
  for (const auto& rule : all_rules()) {
    std::string id(rule->info().id);
    auto it = embedded_rule_docs().find(id);
    if (it == embedded_rule_docs().end()) continue;
    std::string_view doc = it->second;
    std::size_t last = 0;
    for (const char* heading :
         {"## What it flags", "## Why it is dangerous", "## Lock taken", "## Example",
          "## Use instead", "## What mgate checks on a live server"}) {
      std::size_t pos = doc.find(heading);
      EXPECT_NE(pos, std::string_view::npos) << id << ": missing " << heading;
      if (pos == std::string_view::npos) continue;
      EXPECT_GT(pos, last) << id << ": " << heading << " is out of order";
      last = pos;
    }
  }
}

}  // namespace
}  // namespace mgate::testing
