// Runs every rule fixture (tests/rules/fixture.hpp) through the lint engine. A line
// `-- expect: <id>:<column>[, <id>:<column>]` says that those rules report a finding on the next
// line at that column, and nothing else in the file is reported by the fixture's rule or by any
// rule it expects. A finding that folds others into it (one finding per statement and risk)
// lists them, `-- expect: require-concurrent-index:1 (folds require-lock-timeout)`: the folded
// rules are checked, the one they fold into only where it folds them.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/embedded_docs.hpp"
#include "rules/engine.hpp"
#include "rules/fixture.hpp"
#include "rules/rule.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;

std::string trimmed(std::string text) {
  text.erase(0, text.find_first_not_of(' '));
  text.erase(text.find_last_not_of(" \r") + 1);
  return text;
}

// "12:5: rule-id" or "12:5: rule-id folds other-id", so a failure reads like the fixture.
using Expectations = std::multiset<std::string>;

std::string at(int line, int column, const std::string& rule) {
  return std::to_string(line) + ":" + std::to_string(column) + ": " + rule;
}

struct Expected {
  Expectations findings;
  std::set<std::string> rules;  // every rule the fixture speaks about
};

// Reads the `-- expect:` lines; a malformed one fails the test.
Expected expectations(const std::string& relative, const std::string& text) {
  Expected out;
  std::stringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.rfind("-- expect:", 0) != 0) continue;
    std::stringstream items(line.substr(10));
    std::string item;
    while (std::getline(items, item, ',')) {
      item = trimmed(item);
      std::string folds;
      if (std::size_t open = item.find(" (folds "); open != std::string::npos) {
        folds = item.substr(open + 8, item.size() - open - 9);
        item = item.substr(0, open);
      }
      std::size_t colon = item.rfind(':');
      std::string rule = item.substr(0, colon);
      // A rule named only as the one others fold into is checked only where it folds them.
      if (folds.empty()) out.rules.insert(rule);
      if (colon == std::string::npos) {
        ADD_FAILURE() << relative << ":" << number << ": `" << item
                      << "` gives no column: write <rule>:<column>";
        continue;
      }
      int column = std::stoi(item.substr(colon + 1));
      out.findings.insert(at(number + 1, column, rule));
      std::stringstream folded(folds);
      for (std::string other; folded >> other;) {
        out.findings.insert(at(number + 1, column, rule) + " folds " + other);
        out.rules.insert(other);
      }
    }
  }
  return out;
}

class RuleFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFixture, FlagsExactlyTheExpectedStatements) {
  const std::string id = GetParam();
  const std::string relative = "tests/rules/" + id + ".sql";
  const std::string text = read_file(fixture_dir() / (id + ".sql"));

  Expected expected = expectations(relative, text);
  expected.rules.insert(rule_of(id));
  ASSERT_FALSE(expected.findings.empty())
      << relative << " expects nothing: every fixture has a positive case";

  Expectations actual;
  for (const Finding& f : lint_fixture(relative, text)) {
    ASSERT_TRUE(f.location);
    EXPECT_FALSE(f.message.empty());
    EXPECT_FALSE(f.help.empty());
    std::vector<std::string> folds;
    for (const std::string& other : f.folded) {
      if (expected.rules.count(other)) folds.push_back(other);
    }
    if (!expected.rules.count(f.rule) && folds.empty()) continue;
    std::string where = at(f.location->start.line, f.location->start.column, f.rule);
    actual.insert(where);
    for (const std::string& other : folds) actual.insert(where + " folds " + other);
  }
  EXPECT_EQ(actual, expected.findings) << "in " << relative;
}

// Applying a rule's suggested fix yields SQL that still parses and that the rule flags less.
// (tests/integration/rule_fixes_test.cpp runs each fix on a real server.)
TEST_P(RuleFixture, FixesParseAndSilenceTheirFinding) {
  const std::string id = GetParam();
  const std::string relative = "tests/rules/" + id + ".sql";
  const std::string text = read_file(fixture_dir() / (id + ".sql"));
  auto own = [&](const std::string& sql) {
    std::vector<Finding> out;
    for (Finding& f : lint_fixture(relative, sql)) {
      if (f.rule == rule_of(id)) out.push_back(std::move(f));
    }
    return out;
  };
  std::vector<Finding> findings = own(text);
  if (std::none_of(findings.begin(), findings.end(), [](const Finding& f) { return f.fix; })) {
    GTEST_SKIP() << rule_of(id) << " offers no fix in " << relative;
  }
  for (const Finding& f : findings) {
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
    EXPECT_LT(own(fixed).size(), findings.size())
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
    EXPECT_TRUE(fs::exists(fixture_dir() / (id + ".sql")))
        << "tests/rules/" << id << ".sql is missing";
    EXPECT_FALSE(rule->info().summary.empty()) << id;
  }
  for (const std::string& id : fixture_ids()) {
    const std::string rule = rule_of(id);
    EXPECT_TRUE(std::any_of(all_rules().begin(), all_rules().end(),
                            [&](const auto& r) { return r->info().id == rule; }))
        << "tests/rules/" << id << ".sql names no rule";
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
