// Every rule doc's "Example" raises its rule and its "Use instead" is clean (no warning or error,
// and nothing from the rule itself), so the docs cannot drift from what the rules do. The SQL
// blocks of a section are linted as consecutive migrations: each block starts one, and so does a
// comment line in it that mentions a migration ("-- later migration: …"); a migration is
// non-transactional when that comment says so ("-- a non-transactional migration").
#include <gtest/gtest.h>

#include <fmt/core.h>

#include <algorithm>
#include <sstream>

#include "core/config.hpp"
#include "core/embedded_docs.hpp"
#include "gates/pipeline.hpp"
#include "rules/rule.hpp"
#include "sql/parsed_set.hpp"

namespace mgate::testing {
namespace {

// The ```sql blocks of the doc's section `heading`, each ending with a line "-- end of block"
// so that the next starts a migration of its own; empty when there is none.
std::string sql_blocks(std::string_view doc, std::string_view heading) {
  std::size_t section = doc.find(heading);
  if (section == std::string_view::npos) return "";
  std::size_t next = doc.find("\n## ", section + heading.size());
  std::string out;
  for (std::size_t open = doc.find("```sql\n", section); open < next;
       open = doc.find("```sql\n", open)) {
    open += 7;
    std::size_t close = doc.find("\n```", open);
    out += std::string(doc.substr(open, close - open + 1)) + "-- end of block\n";
    open = close;
  }
  return out;
}

struct Linted {
  std::vector<Finding> findings;
  std::string text;
};

Linted lint_block(const std::string& id, const std::string& sql) {
  const std::string file = "docs/rules/" + id + ".md.sql";
  MigrationSet set;
  auto start = [&](std::size_t at, bool transactional) {
    if (!set.migrations.empty()) set.migrations.back().up->section.end = at;
    Migration migration;
    migration.version = {std::to_string(set.migrations.size() + 1)};
    migration.name = id;
    migration.up = Script{file,
                          {at, std::string::npos},
                          transactional ? Transaction::script : Transaction::statement};
    migration.files = {file};
    set.migrations.push_back(migration);
  };
  std::stringstream lines(sql);
  std::string line;
  bool statements = false;  // the current migration holds a statement
  std::size_t at = 0;
  start(0, true);
  while (std::getline(lines, line)) {
    bool comment = line.rfind("--", 0) == 0;
    if (line == "-- end of block") {
      if (statements) start(at + line.size() + 1, true);
      statements = false;
    } else if (comment && line.find("migration") != std::string::npos) {
      bool transactional = line.find("non-transactional") == std::string::npos;
      if (statements) {
        start(at, transactional);
        statements = false;
      } else {
        set.migrations.back().up->transaction =
            transactional ? Transaction::script : Transaction::statement;
      }
    } else if (!comment && line.find_first_not_of(" \t") != std::string::npos) {
      statements = true;
    }
    at += line.size() + 1;
  }
  Config config;
  config.root = MGATE_SOURCE_DIR;
  sql::ParsedSet parsed(set, [&](const std::string&) { return sql; });
  for (const Migration& m : set.migrations) {
    EXPECT_FALSE(parsed.script(*m.up).error) << file << ": " << parsed.script(*m.up).error->message;
  }
  PipelineOptions options;
  options.gates = {"lint"};
  Report report = run_pipeline(config, set, parsed, options);
  Linted out;
  for (const Finding* f : report.findings()) out.findings.push_back(*f);
  return out;
}

bool names(const Finding& f, const std::string& id) {
  return f.rule == id || std::find(f.folded.begin(), f.folded.end(), id) != f.folded.end();
}

std::string listed(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += fmt::format("\n  {}:{} {} [{}] {}", f.location ? f.location->start.line : 0,
                       f.location ? f.location->start.column : 0, to_string(f.level), f.rule,
                       f.message);
  }
  return out.empty() ? " (none)" : out;
}

class RuleDoc : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleDoc, ExampleRaisesTheRule) {
  const std::string id = GetParam();
  std::string block = sql_blocks(embedded_rule_docs().at(id), "## Example");
  ASSERT_FALSE(block.empty()) << "docs/rules/" << id << ".md has no ```sql block under Example";
  std::vector<Finding> findings = lint_block(id, block).findings;
  EXPECT_TRUE(
      std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return names(f, id); }))
      << "docs/rules/" << id << ".md: the Example does not raise " << id << ":" << listed(findings);
}

TEST_P(RuleDoc, UseInsteadIsClean) {
  const std::string id = GetParam();
  std::string block = sql_blocks(embedded_rule_docs().at(id), "## Use instead");
  if (block.empty()) GTEST_SKIP() << "docs/rules/" << id << ".md has no SQL under Use instead";
  std::vector<Finding> findings = lint_block(id, block).findings;
  std::vector<Finding> wrong;
  for (const Finding& f : findings) {
    if (names(f, id) || f.level != Level::note) wrong.push_back(f);
  }
  EXPECT_TRUE(wrong.empty()) << "docs/rules/" << id
                             << ".md: Use instead is not clean:" << listed(wrong);
}

std::vector<std::string> rule_ids() {
  std::vector<std::string> out;
  for (const auto& rule : all_rules()) out.emplace_back(rule->info().id);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleDoc, ::testing::ValuesIn(rule_ids()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace mgate::testing
