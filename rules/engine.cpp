#include "rules/engine.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iterator>
#include <unordered_map>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// The text of a constant argument (A_Const), as SET and set_config() are given it.
std::string constant_text(const sql::Node& value) {
  sql::Node constant = value.as("A_Const");
  if (!constant) return std::string(value.str());
  if (sql::Node s = constant["sval"]) return std::string(s["sval"].str());
  if (sql::Node i = constant["ival"]) return std::to_string(i["ival"].integer());
  return "";
}

// Whether a timeout value turns the timeout on: any value but zero ("0", "0ms", "0.0s").
bool enables_timeout(std::string_view value) {
  std::size_t first = value.find_first_not_of("0.");
  return first != std::string_view::npos && value[first] >= '1' && value[first] <= '9';
}

// A timeout setting made by the statement: SET [LOCAL] name ..., RESET name, or
// SELECT set_config('name', 'value', is_local).
struct TimeoutSetting {
  std::string name;
  bool enabled = false;
  bool local = false;
};

std::optional<TimeoutSetting> timeout_setting(const sql::Statement& statement) {
  if (sql::Node set = statement.node.as("VariableSetStmt")) {
    TimeoutSetting setting{std::string(set["name"].str())};
    setting.local = set["is_local"].boolean();
    if (set["kind"].str() == "VAR_SET_VALUE") {
      setting.enabled = enables_timeout(constant_text(set["args"].at(0)));
    }
    return setting;
  }
  if (sql::Node select = statement.node.as("SelectStmt")) {
    for (const sql::Node& target : select["targetList"].items()) {
      sql::Node call = target.as("ResTarget")["val"].as("FuncCall");
      std::vector<sql::Node> name = call["funcname"].items();
      if (name.empty() || name.back().str() != "set_config") continue;
      std::vector<sql::Node> args = call["args"].items();
      if (args.size() != 3) continue;
      TimeoutSetting setting{constant_text(args[0])};
      setting.enabled = enables_timeout(constant_text(args[1]));
      setting.local = args[2].as("A_Const")["boolval"]["boolval"].boolean();
      return setting;
    }
  }
  return std::nullopt;
}

// What one rule said about one statement, before overlapping findings are folded.
struct Pending {
  Finding finding;
  Span span;
  const RuleInfo* info;
  bool suppressed;  // an mgate:ignore names the rule here: it stands alone, to be suppressed
};

class FindingCollector : public RuleOutput {
 public:
  FindingCollector(const Migration& migration, const SourceFile& file, std::vector<Pending>& out)
      : migration_(migration), file_(file), out_(out) {}

  // The rule the next flags come from.
  void start(const RuleInfo& info, Level level, bool level_configured, bool suppressed) {
    info_ = &info;
    level_ = level;
    level_configured_ = level_configured;
    suppressed_ = suppressed;
  }

  void flag(Span where, std::string message, std::string help, std::optional<Fix> fix) override {
    add(level_, where, std::move(message), std::move(help), std::move(fix));
  }

  void advise(Span where, std::string message, std::string help, std::optional<Fix> fix) override {
    add(level_configured_ ? level_ : Level::note, where, std::move(message), std::move(help),
        std::move(fix));
  }

 private:
  void add(Level level, Span where, std::string message, std::string help, std::optional<Fix> fix) {
    Finding f;
    f.rule = std::string(info_->id);
    f.level = level;
    f.message = std::move(message);
    f.help = std::move(help);
    f.location = locate(file_, where);
    f.migration = migration_.id();
    f.risk = std::string(to_string(info_->risk));
    if (fix) {
      for (Edit& edit : fix->edits) {
        edit.location = locate(file_, edit.span);
        edit.original = std::string(file_.slice(edit.span));
      }
      f.fix = std::move(fix);
    }
    out_.push_back({std::move(f), where, info_, suppressed_});
  }

  const Migration& migration_;
  const SourceFile& file_;
  std::vector<Pending>& out_;
  const RuleInfo* info_ = nullptr;
  Level level_ = Level::error;
  bool level_configured_ = false;
  bool suppressed_ = false;
};

// "CREATE INDEX without CONCURRENTLY blocks writes" -> "CREATE INDEX without CONCURRENTLY
// blocks writes", as a clause inside another sentence.
std::string_view clause(std::string_view summary) {
  while (!summary.empty() && (summary.back() == '.' || summary.back() == ' ')) {
    summary.remove_suffix(1);
  }
  return summary;
}

// One finding per span and risk: the most specific rule reports (then the most severe, then the
// first in catalog order), with the highest level among them, and names the rules folded into it.
// A rule that flags the same span twice (two columns of one ALTER TABLE) reports once, with both
// messages. Findings an mgate:ignore names stay apart, so the suppression removes exactly them.
void fold(std::vector<Pending>& pending, std::vector<Finding>& out) {
  auto outranks = [](const Pending& a, const Pending& b) {
    if (a.info->specificity != b.info->specificity)
      return a.info->specificity > b.info->specificity;
    return a.finding.level > b.finding.level;
  };
  if (pending.size() == 1) {  // most statements: one finding, nothing to fold
    out.push_back(std::move(pending.front().finding));
    pending.clear();
    return;
  }
  std::vector<bool> taken(pending.size(), false);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (taken[i]) continue;
    taken[i] = true;
    if (pending[i].suppressed) {
      out.push_back(std::move(pending[i].finding));
      continue;
    }
    std::vector<std::size_t> group = {i};
    for (std::size_t j = i + 1; j < pending.size(); ++j) {
      if (taken[j] || pending[j].suppressed || pending[j].info->risk != pending[i].info->risk ||
          pending[j].span.begin != pending[i].span.begin ||
          pending[j].span.end != pending[i].span.end) {
        continue;
      }
      taken[j] = true;
      group.push_back(j);
    }
    std::size_t winner = group.front();
    for (std::size_t k : group) {
      if (outranks(pending[k], pending[winner])) winner = k;
    }
    Finding& f = pending[winner].finding;
    for (std::size_t k : group) {
      if (k == winner) continue;
      const Finding& other = pending[k].finding;
      f.level = std::max(f.level, other.level);
      if (other.rule == f.rule) {
        f.message += "; " + other.message;
      } else if (std::find(f.folded.begin(), f.folded.end(), other.rule) == f.folded.end()) {
        f.folded.push_back(other.rule);
        f.message += fmt::format(" [also {}: {}]", other.rule, clause(pending[k].info->summary));
      }
    }
    out.push_back(std::move(f));
  }
  pending.clear();
}

struct EnabledRule {
  const Rule* rule;
  RuleInfo info;
  Level level;
  bool level_configured;
};

// The enabled rules, and for each statement type the ones that look at it.
struct RuleSet {
  std::vector<EnabledRule> rules;
  std::vector<std::size_t> every_statement;  // rules that look at every statement
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_type;

  // The rules that look at a statement of `type`, in catalog order.
  std::vector<std::size_t> for_type(std::string_view type) const {
    auto it = by_type.find(type);
    if (it == by_type.end()) return every_statement;
    std::vector<std::size_t> out;
    std::merge(every_statement.begin(), every_statement.end(), it->second.begin(), it->second.end(),
               std::back_inserter(out));
    return out;
  }
};

RuleSet enabled_rules(const LintOptions& options) {
  RuleSet set;
  for (const auto& rule : all_rules()) {
    RuleInfo info = rule->info();
    const std::string id(info.id);
    std::optional<Level> level = configured_level(options.levels, id, info.level);
    if (!level) continue;
    std::size_t index = set.rules.size();
    set.rules.push_back({rule.get(), info, *level, options.levels.count(id) > 0});
    for (std::string_view type : rule->statement_types()) {
      if (type == "*") {
        set.every_statement.push_back(index);
      } else {
        set.by_type[std::string(type)].push_back(index);
      }
    }
  }
  return set;
}

// Whether an mgate:ignore of the script names `rule` for the statement at `index`.
bool suppressed(const sql::ParsedScript& script, std::size_t index, std::string_view rule) {
  for (const sql::Suppression& s : script.suppressions) {
    if (!s.whole_file && s.statement != index) continue;
    if (std::find(s.rules.begin(), s.rules.end(), rule) != s.rules.end()) return true;
  }
  return false;
}

// Records the foreign keys of a column definition (REFERENCES) or of a table constraint.
void record_foreign_keys(LintContext& context, const sql::Statement& statement,
                         const std::string& relation, const sql::Node& column,
                         const sql::Node& constraint = {}) {
  auto record = [&](const sql::Node& c, std::vector<std::string> columns) {
    if (c["contype"].str() != "CONSTR_FOREIGN") return;
    if (columns.empty()) {
      for (const sql::Node& name : c["fk_attrs"].items()) columns.emplace_back(name.str());
    }
    context.foreign_keys.push_back(
        {relation, std::move(columns), sql::relation_name(c["pktable"]), statement.span});
  };
  if (constraint) record(constraint, {});
  for (const sql::Node& c : column["constraints"].items()) {
    record(c.as("Constraint"), {std::string(column["colname"].str())});
  }
}

// BEGIN, COMMIT, ROLLBACK, PREPARE TRANSACTION: what a transaction holds ends with it, and so
// does a lock_timeout set with SET LOCAL inside it.
void track_transaction(LintContext& context, std::string_view kind, bool& local_lock_timeout) {
  if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") {
    context.explicit_transaction = true;
    context.in_transaction = true;
  } else if (kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK" ||
             kind == "TRANS_STMT_PREPARE") {
    context.explicit_transaction = false;
    // In a query string of several statements, what follows a COMMIT runs in a new implicit
    // transaction (PostgreSQL's protocol-flow, "Multiple Statements in a Simple Query"): a
    // CREATE INDEX CONCURRENTLY there still fails with 25001.
    context.in_transaction = context.plan && context.plan->transaction == Transaction::query &&
                             context.plan->in_transaction;
    context.held_locks.clear();
    context.not_valid_in_transaction.clear();
    context.enum_values_in_transaction.clear();
    if (local_lock_timeout) context.lock_timeout_set = false;
    local_lock_timeout = false;
  }
}

void track_timeout(LintContext& context, const TimeoutSetting& setting, bool& local_lock_timeout) {
  if (setting.name != "lock_timeout") return;
  context.lock_timeout_set = setting.enabled;
  local_lock_timeout = setting.enabled && setting.local;
}

// Types the script created, and enum values it added inside a transaction.
void track_types(LintContext& context, std::string_view type, const sql::Node& stmt) {
  if (type == "CreateEnumStmt" || type == "CreateRangeStmt") {
    context.created_types.insert(sql::qualified_name(stmt["typeName"]));
  } else if (type == "CreateDomainStmt") {
    context.created_types.insert(sql::qualified_name(stmt["domainname"]));
  } else if (type == "CompositeTypeStmt") {
    context.created_types.insert(sql::relation_name(stmt["typevar"]));
  } else if (type == "AlterEnumStmt" && stmt["oldVal"].str().empty() && context.in_transaction) {
    // Even for a type created in the same transaction (PostgreSQL 15 checked).
    context.enum_values_in_transaction.push_back(
        {sql::qualified_name(stmt["typeName"]), std::string(stmt["newVal"].str())});
  }
}

// Relations (tables, views, sequences, indexes) the script created, under their current names.
void track_relations(LintContext& context, std::string_view type, const sql::Node& stmt) {
  if (type == "CreateStmt") {
    context.created_relations.insert(sql::relation_name(stmt["relation"]));
  } else if (type == "CreateTableAsStmt") {
    context.created_relations.insert(sql::relation_name(stmt["into"]["rel"]));
  } else if (type == "ViewStmt") {
    context.created_relations.insert(sql::relation_name(stmt["view"]));
  } else if (type == "CreateSeqStmt") {
    context.created_relations.insert(sql::relation_name(stmt["sequence"]));
  } else if (type == "IndexStmt" && !stmt["idxname"].str().empty()) {
    std::string schema(stmt["relation"]["schemaname"].str());
    std::string name(stmt["idxname"].str());
    context.created_relations.insert(schema.empty() || schema == "public" ? name
                                                                          : schema + "." + name);
  } else if (type == "RenameStmt" && stmt["relation"] &&
             context.is_new(sql::relation_name(stmt["relation"]))) {
    context.created_relations.insert(std::string(stmt["newname"].str()));
  }
}

// Columns and constraints ALTER TABLE added: new columns, foreign keys, and constraints added
// NOT VALID inside a transaction.
void track_table_changes(LintContext& context, const sql::Statement& statement) {
  const AlteredTable* altered = context.alter(statement);
  if (!altered) return;
  const std::string& relation = altered->table;
  for (const AlteredTable::Command& command : altered->commands) {
    if (command.subtype == "AT_AddColumn") {
      sql::Node column = command.cmd["def"].as("ColumnDef");
      context.added_columns.insert(relation + "." + std::string(column["colname"].str()));
      record_foreign_keys(context, statement, relation, column);
    } else if (command.subtype == "AT_AddConstraint") {
      sql::Node constraint = command.cmd["def"].as("Constraint");
      record_foreign_keys(context, statement, relation, {}, constraint);
      if (constraint["skip_validation"].boolean() && context.in_transaction) {
        context.not_valid_in_transaction.insert(relation + "." +
                                                std::string(constraint["conname"].str()));
      }
    }
  }
}

// The foreign keys of CREATE TABLE: on its columns and as table constraints.
void track_new_table_keys(LintContext& context, const sql::Statement& statement,
                          const sql::Node& stmt) {
  std::string relation = sql::relation_name(stmt["relation"]);
  for (const sql::Node& element : stmt["tableElts"].items()) {
    record_foreign_keys(context, statement, relation, element.as("ColumnDef"),
                        element.as("Constraint"));
  }
  for (const sql::Node& constraint : stmt["constraints"].items()) {
    record_foreign_keys(context, statement, relation, {}, constraint.as("Constraint"));
  }
}

// Locks the statement took on relations that existed before the script: whether writes were
// blocked at some point, and what the open transaction holds.
void track_locks(LintContext& context, const sql::Statement& statement) {
  for (const sql::RelationLock& lock : context.locks(statement)) {
    if (context.is_new(lock.relation)) continue;
    if (sql::blocks_writes(lock.mode)) context.blocked_writes_earlier = true;
    if (!context.in_transaction) continue;
    auto [it, inserted] = context.held_locks.emplace(lock.relation, lock.mode);
    if (!inserted) it->second = std::max(it->second, lock.mode);
  }
}

// Brings the context up to date with what `statement` did, for the statements after it.
void advance(LintContext& context, const sql::Statement& statement, bool& local_lock_timeout) {
  std::string_view type = statement.type();
  sql::Node stmt = statement.node.inner();
  if (type == "TransactionStmt") {
    track_transaction(context, stmt["kind"].str(), local_lock_timeout);
    return;
  }
  if (auto setting = timeout_setting(statement)) {
    track_timeout(context, *setting, local_lock_timeout);
    return;
  }
  track_types(context, type, stmt);
  track_relations(context, type, stmt);
  if (type == "AlterTableStmt") track_table_changes(context, statement);
  if (type == "CreateStmt") track_new_table_keys(context, statement, stmt);
  track_locks(context, statement);
}

// Lints one script against `schema`, which each of its statements then changes for the next.
//
// The statements are read as they are parsed (sql::ParsedSet::Reading): a large script's later
// chunks are parsed while its first statements are linted. Its plan says from the start whether
// it runs in a transaction; a rule that looks past the statement it checks (a BEGIN's COMMIT)
// has the whole script read first.
void lint_script(const Migration& migration, sql::ParsedSet::Reading& reading, const RuleSet& rules,
                 LintContext& context, SchemaModel& schema, std::vector<Finding>& out) {
  const sql::ParsedScript& script = reading.script();
  context.script = &script;
  context.plan = &reading.plan();
  context.in_transaction = context.plan->in_transaction;
  bool local_lock_timeout = false;
  std::vector<Pending> pending;
  FindingCollector collector(migration, *script.file, pending);
  std::unordered_map<std::string_view, std::vector<std::size_t>> dispatch;
  for (std::size_t index = 0;; ++index) {
    const sql::Statement* read = reading.statement(index);
    if (!read) break;
    const sql::Statement& statement = *read;
    std::string_view type = statement.type();
    if (type == "TransactionStmt") reading.read_all();  // nested-transaction looks for COMMIT
    auto found = dispatch.find(type);
    if (found == dispatch.end()) found = dispatch.emplace(type, rules.for_type(type)).first;
    for (std::size_t r : found->second) {
      const EnabledRule& enabled = rules.rules[r];
      collector.start(enabled.info, enabled.level, enabled.level_configured,
                      !script.suppressions.empty() && suppressed(script, index, enabled.info.id));
      enabled.rule->check(statement, context, collector);
    }
    fold(pending, out);
    advance(context, statement, local_lock_timeout);
    schema.apply(statement);
    context.previous = &statement;
  }
  context.plan = &reading.plan();  // whole now
  if (script.statements.empty()) return;
  for (const EnabledRule& enabled : rules.rules) {
    collector.start(enabled.info, enabled.level, enabled.level_configured, false);
    enabled.rule->finish(context, collector);
  }
  for (Pending& p : pending) out.push_back(std::move(p.finding));
}

void lint_migration(const Migration& migration, const sql::ParsedSet& parsed, const RuleSet& rules,
                    const LintOptions& options, SchemaModel& schema, std::vector<Finding>& out) {
  LintContext up;
  up.migration = &migration;
  up.pg_version = options.pg_version;
  up.schema = &schema;
  if (migration.up) {
    sql::ParsedSet::Reading reading(parsed, *migration.up);
    lint_script(migration, reading, rules, up, schema, out);
  }
  if (migration.down) {
    // A down script reverts its up: what the up created is this migration's own to remove.
    LintContext down;
    down.migration = &migration;
    down.pg_version = options.pg_version;
    down.down = true;
    down.created_relations = up.created_relations;
    down.created_types = up.created_types;
    down.added_columns = up.added_columns;
    down.schema = &schema;
    sql::ParsedSet::Reading reading(parsed, *migration.down);
    // The down sees the model its up left, changed by each of its statements for the next; the
    // migrations after this one see the up's model again.
    schema.record();
    struct Undo {
      SchemaModel& schema;
      ~Undo() { schema.undo(); }
    } undo{schema};
    lint_script(migration, reading, rules, down, schema, out);
  }
}

}  // namespace

bool LintContext::is_new(std::string_view relation) const {
  return created_relations.count(relation) > 0;
}

bool LintContext::is_new_column(std::string_view relation, std::string_view column) const {
  if (is_new(relation)) return true;
  if (added_columns.empty()) return false;
  return added_columns.count(std::string(relation) + "." + std::string(column)) > 0;
}

bool LintContext::is_partitioned(std::string_view relation) const {
  const TableModel* table = schema ? schema->table(relation) : nullptr;
  return table && table->partitioned();
}

const std::vector<sql::RelationLock>& LintContext::locks(const sql::Statement& statement) const {
  for (int i = 0; i < 2; ++i) {
    if (locks_of_[i] == &statement) return locks_[i];
  }
  // Replace the entry of neither this statement nor the one before it.
  int slot = locks_of_[0] == previous ? 1 : 0;
  locks_[slot] = sql::locks_taken(statement.node);
  locks_of_[slot] = &statement;
  return locks_[slot];
}

const AlteredTable* LintContext::alter(const sql::Statement& statement) const {
  if (alter_of_ != &statement) {
    alter_of_ = &statement;
    alter_.reset();
    if (sql::Node stmt = statement.node.as("AlterTableStmt")) {
      AlteredTable& altered = alter_.emplace();
      altered.table = sql::relation_name(stmt["relation"]);
      for (const sql::Node& item : stmt["cmds"].items()) {
        sql::Node cmd = item.as("AlterTableCmd");
        altered.commands.push_back({cmd["subtype"].str(), cmd});
      }
    }
  }
  return alter_ ? &*alter_ : nullptr;
}

std::vector<AlterCommand> LintContext::alter_commands(const sql::Statement& statement,
                                                      std::string_view subtype) const {
  return alter_commands(statement, {subtype});
}

std::vector<AlterCommand> LintContext::alter_commands(
    const sql::Statement& statement, std::initializer_list<std::string_view> subtypes) const {
  std::vector<AlterCommand> out;
  if (const AlteredTable* altered = alter(statement)) {
    for (const AlteredTable::Command& command : altered->commands) {
      if (std::find(subtypes.begin(), subtypes.end(), command.subtype) != subtypes.end()) {
        out.push_back({altered->table, command.cmd});
      }
    }
  }
  return out;
}

const std::vector<TypedColumn>& LintContext::columns(const sql::Statement& statement) const {
  if (columns_of_ != &statement) {
    columns_ = column_types(statement);
    columns_of_ = &statement;
    columns_located_ = false;
  }
  return columns_;
}

const TypedColumn& LintContext::located(const sql::Statement& statement,
                                        const TypedColumn& column) const {
  columns(statement);
  if (!columns_located_) {
    locate_columns(statement, columns_);
    columns_located_ = true;
  }
  return columns_[&column - columns_.data()];
}

std::string_view to_string(Risk risk) {
  switch (risk) {
    case Risk::blocking:
      return "blocking";
    case Risk::failure:
      return "failure";
    case Risk::breaking:
      return "breaking";
    case Risk::data_loss:
      return "data-loss";
    case Risk::security:
      return "security";
    case Risk::performance:
      return "performance";
    case Risk::design:
      return "design";
  }
  return "";
}

std::vector<Finding> lint_migration(const Migration& migration, const sql::ParsedSet& parsed,
                                    const LintOptions& options, SchemaModel& schema) {
  std::vector<Finding> out;
  lint_migration(migration, parsed, enabled_rules(options), options, schema, out);
  return out;
}

std::vector<Finding> lint_set(const MigrationSet& set, const sql::ParsedSet& parsed,
                              const LintOptions& options) {
  std::vector<Finding> out;
  SchemaModel schema;
  RuleSet rules = enabled_rules(options);
  for (const Migration& migration : set.migrations) {
    if (migration.gated) {
      lint_migration(migration, parsed, rules, options, schema, out);
    } else if (migration.up) {
      for (const sql::Statement& statement : parsed.script(*migration.up).statements) {
        schema.apply(statement);
      }
    }
  }
  return out;
}

}  // namespace mgate
