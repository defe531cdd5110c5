#pragma once
#include <map>
#include <vector>

#include "core/config.hpp"
#include "core/finding.hpp"
#include "core/migration.hpp"
#include "rules/schema_model.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {

struct LintOptions {
  int pg_version = 15;
  // [rules]: a rule that is off does not run, and a configured level takes part in folding (the
  // pipeline applies the same settings to every gate's findings).
  RuleSettings levels;
};

// Runs every enabled rule over the up (and down) scripts of one migration, carrying the
// context (transaction, timeouts, relations created) from statement to statement, and applies
// the up script to `schema`. Findings have their rule's configured level and the migration's
// id.
std::vector<Finding> lint_migration(const Migration& migration, const sql::ParsedSet& parsed,
                                    const LintOptions& options, SchemaModel& schema);

// Lints the gated migrations of `set` in order. Migrations that are not gated are read only for
// what they create, so the schema model knows the tables, columns and views the gated ones
// change.
std::vector<Finding> lint_set(const MigrationSet& set, const sql::ParsedSet& parsed,
                              const LintOptions& options);

}  // namespace mgate
