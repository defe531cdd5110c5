#include "sql/parsed_set.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace mgate::sql {
namespace {

// ParsedSet parses on worker threads while the gates ask for scripts (src/sql/parsed_set.cpp):
// whatever the order and the threads that ask, each script is the one parse_script gives.

struct History {
  MigrationSet set;
  std::map<std::string, std::string> texts;

  explicit History(int migrations) {
    set.layout = "plain";
    for (int i = 0; i < migrations; ++i) {
      Migration m;
      m.version = {std::to_string(1000 + i)};
      m.name = "m" + std::to_string(i);
      std::string file = "db/" + std::to_string(1000 + i) + "_m.sql";
      std::string text;
      for (int k = 0; k <= i % 7; ++k) {
        text += "CREATE TABLE t" + std::to_string(i) + "_" + std::to_string(k) + " (id int);\n";
      }
      if (i % 5 == 0) text += "SELECT FROM WHERE;\n";  // a syntax error now and then
      texts[file] = text;
      m.up = Script{file};
      m.files = {file};
      set.migrations.push_back(m);
    }
  }
  FileReader reader() const {
    return [this](const std::string& file) { return texts.at(file); };
  }
};

void expect_as_parsed_alone(const ParsedSet& parsed, const Migration& m) {
  const ParsedScript& script = parsed.script(*m.up);
  SourceFile alone(m.up->file, std::string(parsed.file(m.up->file).text()));
  ParsedScript expected = parse_script(alone);
  ASSERT_EQ(script.statements.size(), expected.statements.size()) << m.up->file;
  for (std::size_t i = 0; i < expected.statements.size(); ++i) {
    EXPECT_EQ(script.statements[i].text, expected.statements[i].text);
    EXPECT_EQ(script.statements[i].type(), expected.statements[i].type());
  }
  EXPECT_EQ(script.error.has_value(), expected.error.has_value());
  EXPECT_EQ(&parsed.script(*m.up), &script);  // parsed once, the same answer every time
}

TEST(ParsedSet, ScriptsAskedForInReverseOrderAreEachParsedOnce) {
  History history(300);
  ParsedSet parsed(history.set, history.reader());
  for (auto m = history.set.migrations.rbegin(); m != history.set.migrations.rend(); ++m) {
    expect_as_parsed_alone(parsed, *m);
  }
}

TEST(ParsedSet, ThreadsAskingAtOnceGetTheSameScripts) {
  History history(400);
  ParsedSet parsed(history.set, history.reader());
  std::vector<std::thread> askers;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    askers.emplace_back([&, t] {
      const auto& migrations = history.set.migrations;
      for (std::size_t k = 0; k < migrations.size(); ++k) {
        const Migration& m =
            migrations[(k * 7 + static_cast<std::size_t>(t) * 101) % migrations.size()];
        const ParsedScript& script = parsed.script(*m.up);
        const ExecutionPlan& plan = parsed.plan(*m.up);
        if (&script != &parsed.script(*m.up) || &plan != &parsed.plan(*m.up)) ++mismatches;
      }
    });
  }
  for (std::thread& asker : askers) asker.join();
  EXPECT_EQ(mismatches, 0);
  for (const Migration& m : history.set.migrations) expect_as_parsed_alone(parsed, m);
}

TEST(ParsedSet, ASetNobodyAsksForIsDestroyedWithItsWorkers) {
  History history(2000);
  for (int round = 0; round < 20; ++round) {
    ParsedSet parsed(history.set, history.reader());
  }
  ParsedSet parsed(history.set, history.reader());
  expect_as_parsed_alone(parsed, history.set.migrations.back());
}

}  // namespace
}  // namespace mgate::sql
