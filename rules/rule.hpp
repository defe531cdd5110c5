#pragma once
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/migration.hpp"
#include "sql/parsed_script.hpp"

namespace mgate {

// What the lint engine knows when a statement is checked. The engine updates it after every
// statement, so rules see the script's state just before the statement runs.
struct LintContext {
  const Migration* migration = nullptr;
  const sql::ParsedScript* script = nullptr;
  int pg_version = 15;
  // The statement runs inside a transaction: the migration tool wraps the migration in one, or
  // the script opened one with BEGIN.
  bool in_transaction = false;
  bool explicit_transaction = false;  // BEGIN/START TRANSACTION seen and not yet ended
  bool lock_timeout_set = false;
  bool statement_timeout_set = false;
  // Relations created earlier in the same migration (lower-case, schema-qualified when written
  // so): they are empty and unseen by other sessions, so their locks and rewrites are harmless.
  std::set<std::string> created_relations;

  bool is_new(std::string_view relation) const;
};

// Collects what one rule says about one statement.
class RuleOutput {
 public:
  virtual ~RuleOutput() = default;
  // `where` is a byte span in the file (use the statement's span, or a sharper one inside it).
  virtual void flag(Span where, std::string message, std::string help,
                    std::optional<Fix> fix = std::nullopt) = 0;
};

struct RuleInfo {
  std::string_view id;       // kebab-case, e.g. "require-concurrent-index"
  Level level;               // default level
  std::string_view summary;  // one sentence for `mgate rules` and SARIF
};

// One static check. Each lives in rules/<id>.cpp and is listed in rules/rules.def.
class Rule {
 public:
  virtual ~Rule() = default;
  virtual RuleInfo info() const = 0;
  virtual void check(const sql::Statement& statement, const LintContext& context,
                     RuleOutput& out) const = 0;
};

// Every rule, in a stable order.
const std::vector<std::unique_ptr<Rule>>& all_rules();
const Rule* find_rule(std::string_view id);

}  // namespace mgate
