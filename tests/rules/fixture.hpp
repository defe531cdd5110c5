#pragma once
// A rule fixture (tests/rules/<id>.sql or <id>.<variant>.sql) read as the migrations it holds,
// for the fixture tests and the fix-on-server test. `-- fixture: no-transaction` at the top runs
// it as a non-transactional migration; `-- fixture: pg-version N` lints it for PostgreSQL N; a
// line `-- fixture: migration [no-transaction]` starts another migration, applied after the ones
// above it, so a fixture can show what earlier migrations created.
#include <filesystem>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/migration.hpp"
#include "rules/engine.hpp"

namespace mgate::testing {

const std::filesystem::path& fixture_dir();
// Every fixture's name (the file name without .sql), sorted.
std::vector<std::string> fixture_ids();
// The rule a fixture tests: its name up to the first dot.
std::string rule_of(const std::string& fixture);

struct Fixture {
  MigrationSet set;
  LintOptions options;
};
Fixture read_fixture(const std::string& relative, const std::string& text);

// Lints `text` as the fixture `relative` holds it (every migration gated). Fails the current
// test when a migration does not parse.
std::vector<Finding> lint_fixture(const std::string& relative, const std::string& text);

}  // namespace mgate::testing
