#pragma once
#include <map>
#include <vector>

#include "core/config.hpp"
#include "core/finding.hpp"
#include "core/migration.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {

struct LintOptions {
  int pg_version = 15;
  std::map<std::string, RuleSetting> levels;  // per rule: a level, or off
};

// Runs every enabled rule over the up (and down) scripts of one migration, carrying the
// context (transaction, timeouts, relations created) from statement to statement.
// Findings have gate "lint", their rule's configured level and the migration's id.
std::vector<Finding> lint_migration(const Migration& migration, const sql::ParsedSet& parsed,
                                    const LintOptions& options);

}  // namespace mgate
