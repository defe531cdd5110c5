#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/execution_plan.hpp"
#include "core/finding.hpp"
#include "core/migration.hpp"
#include "rules/schema_model.hpp"
#include "sql/locks.hpp"
#include "sql/parsed_script.hpp"

namespace mgate {

// What the lint engine knows when a statement is checked. The engine updates it after every
// statement, so rules see the script's state just before the statement runs.
struct LintContext {
  const Migration* migration = nullptr;
  const sql::ParsedScript* script = nullptr;
  // How the script runs (sql::ParsedSet::plan): in a transaction, and how its layout runs one
  // outside a transaction.
  const ExecutionPlan* plan = nullptr;
  int pg_version = 15;
  bool down = false;  // the script is the migration's down (revert) script
  // The statement runs inside a transaction: the migration tool runs the script in one (its
  // plan), or the script opened one with BEGIN.
  bool in_transaction = false;
  bool explicit_transaction = false;  // BEGIN/START TRANSACTION seen and not yet ended
  bool lock_timeout_set = false;
  bool statement_timeout_set = false;
  // Relations created earlier in the same migration (lower-case, schema-qualified when written
  // so): they are empty and unseen by other sessions, so their locks and rewrites are harmless.
  // For a down script, also the ones its up script created.
  std::set<std::string> created_relations;
  // Columns added earlier in the same migration, as `relation.column`.
  std::set<std::string> added_columns;
  // Locks on pre-existing relations that the open transaction already holds (cleared when it
  // ends; with no transaction, each statement's locks end with it).
  std::map<std::string, sql::LockMode> held_locks;
  // An earlier statement of this script took a lock that blocks writes on a pre-existing
  // relation.
  bool blocked_writes_earlier = false;
  // What the earlier migrations and the earlier statements of this one created (for a down
  // script: the schema as its up left it).
  const SchemaModel* schema = nullptr;
  // The statement before this one in the script, if any.
  const sql::Statement* previous = nullptr;
  // Constraints added NOT VALID in the open transaction, as `relation.constraint`.
  std::set<std::string> not_valid_in_transaction;
  // Foreign keys the script added, for checks at its end.
  struct ForeignKey {
    std::string table;
    std::vector<std::string> columns;
    std::string target;
    Span where;  // the statement that added it
  };
  std::vector<ForeignKey> foreign_keys;

  bool is_new(std::string_view relation) const;
  bool is_new_column(std::string_view relation, std::string_view column) const;
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
  // Called once after a script's last statement, with the context as that statement left it,
  // for what only the whole script shows (a transaction left open). Findings need a location
  // in the script: the last statement's span, or a sharper one.
  virtual void finish(const LintContext& /*context*/, RuleOutput& /*out*/) const {}
};

// One subcommand of an ALTER TABLE statement, with the table it alters (named as
// sql::relation_name names it).
struct AlterCommand {
  std::string table;
  sql::Node cmd;  // the inside of an AlterTableCmd
};
// The subcommands of `statement` whose subtype is `subtype` (e.g. "AT_AddColumn"), in the order
// written; empty when the statement is no ALTER TABLE.
std::vector<AlterCommand> alter_commands(const sql::Statement& statement, std::string_view subtype);

// A fix that inserts `text` just after the first `keyword` token of the statement (e.g.
// " CONCURRENTLY" after INDEX); nullopt when the keyword is not there.
std::optional<Fix> insert_after_keyword(const sql::Statement& statement, std::string_view keyword,
                                        std::string text, std::string description);
// A fix that inserts `text` at the statement's start (e.g. a SET before it).
Fix insert_before(const sql::Statement& statement, std::string text, std::string description);
// A fix that inserts `text` after the statement's last token, before its semicolon.
Fix insert_at_end(const sql::Statement& statement, std::string text, std::string description);

// Every rule, in a stable order.
const std::vector<std::unique_ptr<Rule>>& all_rules();
const Rule* find_rule(std::string_view id);

}  // namespace mgate
