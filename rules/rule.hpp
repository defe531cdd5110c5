#pragma once
#include <initializer_list>
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
#include "rules/column_types.hpp"
#include "rules/schema_model.hpp"
#include "sql/locks.hpp"
#include "sql/parsed_script.hpp"

namespace mgate {

// An ALTER TABLE statement as the rules read it, worked out once per statement.
struct AlteredTable {
  std::string table;  // as sql::relation_name names it
  struct Command {
    std::string_view subtype;  // e.g. "AT_AddColumn"
    sql::Node cmd;             // the inside of the AlterTableCmd
  };
  std::vector<Command> commands;
};

// One subcommand of an ALTER TABLE statement, with the table it alters.
struct AlterCommand {
  std::string table;
  sql::Node cmd;  // the inside of an AlterTableCmd
};

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
  // Relations created earlier in the same migration (lower-case, schema-qualified when written
  // so): they are empty and unseen by other sessions, so their locks and rewrites are harmless.
  // For a down script, also the ones its up script created.
  std::set<std::string, std::less<>> created_relations;
  // Types (enums, domains, composite and range types) created earlier in the same migration,
  // named as sql::qualified_name names them: no deployed code uses them yet.
  std::set<std::string, std::less<>> created_types;
  // Enum values added with ALTER TYPE … ADD VALUE in the open transaction: PostgreSQL refuses
  // to use them until it commits (SQLSTATE 55P04).
  struct AddedEnumValue {
    std::string type;  // as sql::qualified_name names it
    std::string value;
  };
  std::vector<AddedEnumValue> enum_values_in_transaction;
  // Columns added earlier in the same migration, as `relation.column`.
  std::set<std::string> added_columns;
  // Locks on pre-existing relations that the open transaction already holds (cleared when it
  // ends; with no transaction, each statement's locks end with it).
  std::map<std::string, sql::LockMode, std::less<>> held_locks;
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
  bool is_new_type(std::string_view type) const { return created_types.count(type) > 0; }
  // Whether the model knows `relation` as a partitioned table.
  bool is_partitioned(std::string_view relation) const;

  // What several rules read from the statement being checked, worked out once per statement.
  const std::vector<sql::RelationLock>& locks(const sql::Statement& statement) const;
  // The ALTER TABLE `statement` is (of a table, matview, index or foreign table); null for any
  // other statement.
  const AlteredTable* alter(const sql::Statement& statement) const;
  // Its subcommands whose subtype is `subtype` (e.g. "AT_AddColumn"), in the order written.
  std::vector<AlterCommand> alter_commands(const sql::Statement& statement,
                                           std::string_view subtype) const;
  // Its subcommands whose subtype is one of `subtypes`, in the order written.
  std::vector<AlterCommand> alter_commands(const sql::Statement& statement,
                                           std::initializer_list<std::string_view> subtypes) const;
  const std::vector<TypedColumn>& columns(const sql::Statement& statement) const;
  // `column` (one of columns(statement)) with its span and type token: the statement's text is
  // read only when a rule needs them.
  const TypedColumn& located(const sql::Statement& statement, const TypedColumn& column) const;

 private:
  // The current statement's locks and the previous one's (combine-alter-table reads both).
  mutable const sql::Statement* locks_of_[2] = {nullptr, nullptr};
  mutable std::vector<sql::RelationLock> locks_[2];
  mutable const sql::Statement* alter_of_ = nullptr;
  mutable std::optional<AlteredTable> alter_;
  mutable const sql::Statement* columns_of_ = nullptr;
  mutable std::vector<TypedColumn> columns_;
  mutable bool columns_located_ = false;
};

// Collects what one rule says about one statement.
class RuleOutput {
 public:
  virtual ~RuleOutput() = default;
  // `where` is a byte span in the file (use the statement's span, or a sharper one inside it).
  virtual void flag(Span where, std::string message, std::string help,
                    std::optional<Fix> fix = std::nullopt) = 0;
  // Like flag, for advice that costs nothing at deploy time (e.g. on a table created in the same
  // migration): reported as a note unless the configuration sets the rule's level.
  virtual void advise(Span where, std::string message, std::string help,
                      std::optional<Fix> fix = std::nullopt) = 0;
};

// What a finding puts at stake. One statement gets one static finding per risk: when several
// rules flag the same span for the same risk, the most specific one reports and names the others
// (Finding::folded). The dynamic gates measure the same risks (locks seen, failures).
enum class Risk {
  blocking,     // production reads or writes wait on a lock the statement takes or holds
  failure,      // PostgreSQL rejects the statement or the migration half-applies
  breaking,     // the deployed application breaks once the migration commits
  data_loss,    // rows or objects are deleted for good
  security,     // rights or code execution beyond what the migration needs
  performance,  // queries get slower once the migration commits
  design,       // a schema choice that costs later, nothing at deploy time
};
std::string_view to_string(Risk risk);

// Which of several rules flagging one span for one risk reports it.
enum class Specificity {
  generic,     // true of many statements (no lock_timeout, a type choice)
  specific,    // about this kind of statement
  contextual,  // about this statement in what the script did before it
};

struct RuleInfo {
  std::string_view id;       // kebab-case, e.g. "require-concurrent-index"
  Level level;               // default level
  std::string_view summary;  // one sentence for `mgate rules` and SARIF
  Risk risk;
  Specificity specificity = Specificity::specific;
};

// One static check. Each lives in rules/<id>.cpp and is listed in rules/rules.def.
class Rule {
 public:
  virtual ~Rule() = default;
  virtual RuleInfo info() const = 0;
  // The statement node types check() looks at (e.g. "IndexStmt"); "*" for every statement,
  // none for a rule that only looks at the whole script (finish).
  virtual std::vector<std::string_view> statement_types() const { return {"*"}; }
  virtual void check(const sql::Statement& statement, const LintContext& context,
                     RuleOutput& out) const = 0;
  // Called once after a script's last statement, with the context as that statement left it,
  // for what only the whole script shows (a transaction left open). Findings need a location
  // in the script: the last statement's span, or a sharper one.
  virtual void finish(const LintContext& /*context*/, RuleOutput& /*out*/) const {}
};

// A fix that inserts `text` just after the first `keyword` token of the statement (e.g.
// " CONCURRENTLY" after INDEX); nullopt when the keyword is not there.
std::optional<Fix> insert_after_keyword(const sql::Statement& statement, std::string_view keyword,
                                        std::string text, std::string description);
// A fix that inserts `text` at the statement's start (e.g. a SET before it).
Fix insert_before(const sql::Statement& statement, std::string text, std::string description);
// A fix that inserts `text` after the statement's last token, before its semicolon.
Fix insert_at_end(const sql::Statement& statement, std::string text, std::string description);

// Whether a WHERE clause names the rows of `table` it touches by key: equality with constants
// (`k = 'x'`, `k IN (1, 2)`) on every column of a primary key, unique constraint or unique index
// without WHERE that the schema model knows, or on `id` when the model does not know the table.
bool names_rows_by_key(const sql::Node& where, const std::string& table,
                       const LintContext& context);

// Whether `relation` is a migration tool's own history table (alembic_version,
// schema_migrations, flyway_schema_history, …), in any schema.
bool is_history_table(std::string_view relation);

// Every rule, in a stable order.
const std::vector<std::unique_ptr<Rule>>& all_rules();

}  // namespace mgate
