#include "rules/fixture.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "sql/parsed_set.hpp"

namespace mgate::testing {

namespace fs = std::filesystem;

const fs::path& fixture_dir() {
  static const fs::path dir = fs::path(MGATE_SOURCE_DIR) / "tests" / "rules";
  return dir;
}

std::vector<std::string> fixture_ids() {
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(fixture_dir())) {
    if (entry.path().extension() == ".sql") ids.push_back(entry.path().stem().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string rule_of(const std::string& fixture) {
  return fixture.substr(0, fixture.find('.'));
}

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

std::vector<Finding> lint_fixture(const std::string& relative, const std::string& text) {
  Fixture fixture = read_fixture(relative, text);
  sql::ParsedSet parsed(
      fixture.set, [&](const std::string&) { return text; }, fixture.options.pg_version);
  for (const Migration& migration : fixture.set.migrations) {
    const sql::ParsedScript& script = parsed.script(*migration.up);
    EXPECT_FALSE(script.error) << relative << ": " << script.error->message << "\n" << text;
  }
  return lint_set(fixture.set, parsed, fixture.options);
}

}  // namespace mgate::testing
