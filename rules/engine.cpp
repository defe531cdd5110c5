#include "rules/engine.hpp"

#include <fmt/core.h>

#include <iterator>

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

class FindingCollector : public RuleOutput {
 public:
  FindingCollector(const Migration& migration, const SourceFile& file, const RuleInfo& info,
                   Level level, std::vector<Finding>& out)
      : migration_(migration), file_(file), info_(info), level_(level), out_(out) {}

  void flag(Span where, std::string message, std::string help, std::optional<Fix> fix) override {
    Finding f;
    f.rule = std::string(info_.id);
    f.gate = "lint";
    f.level = level_;
    f.message = std::move(message);
    f.help = std::move(help);
    f.location = locate(file_, where);
    f.migration = migration_.id();
    if (fix) {
      for (Edit& edit : fix->edits) {
        edit.location = locate(file_, edit.span);
        edit.original = std::string(file_.slice(edit.span));
      }
      f.fix = std::move(fix);
    }
    out_.push_back(std::move(f));
  }

 private:
  const Migration& migration_;
  const SourceFile& file_;
  const RuleInfo& info_;
  Level level_;
  std::vector<Finding>& out_;
};

struct EnabledRule {
  const Rule* rule;
  RuleInfo info;
  Level level;
};

std::vector<EnabledRule> enabled_rules(const LintOptions& options) {
  std::vector<EnabledRule> out;
  for (const auto& rule : all_rules()) {
    RuleInfo info = rule->info();
    Level level = info.level;
    if (auto it = options.levels.find(std::string(info.id)); it != options.levels.end()) {
      if (!it->second.level) continue;
      level = *it->second.level;
    }
    out.push_back({rule.get(), info, level});
  }
  return out;
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

// Brings the context up to date with what `statement` did, for the statements after it.
void advance(LintContext& context, const sql::Statement& statement, bool& local_lock_timeout,
             bool& local_statement_timeout) {
  std::string_view type = statement.type();
  sql::Node stmt = statement.node.inner();
  if (type == "TransactionStmt") {
    std::string_view kind = stmt["kind"].str();
    if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") {
      context.explicit_transaction = true;
      context.in_transaction = true;
    } else if (kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK" ||
               kind == "TRANS_STMT_PREPARE") {
      context.explicit_transaction = false;
      context.in_transaction = false;
      context.held_locks.clear();
      context.not_valid_in_transaction.clear();
      if (local_lock_timeout) context.lock_timeout_set = false;
      if (local_statement_timeout) context.statement_timeout_set = false;
      local_lock_timeout = local_statement_timeout = false;
    }
    return;
  }
  if (auto setting = timeout_setting(statement)) {
    if (setting->name == "lock_timeout") {
      context.lock_timeout_set = setting->enabled;
      local_lock_timeout = setting->enabled && setting->local;
    } else if (setting->name == "statement_timeout") {
      context.statement_timeout_set = setting->enabled;
      local_statement_timeout = setting->enabled && setting->local;
    }
    return;
  }
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
  } else if (type == "AlterTableStmt") {
    std::string relation = sql::relation_name(stmt["relation"]);
    for (const sql::Node& item : stmt["cmds"].items()) {
      sql::Node cmd = item.as("AlterTableCmd");
      std::string_view subtype = cmd["subtype"].str();
      if (subtype == "AT_AddColumn") {
        sql::Node column = cmd["def"].as("ColumnDef");
        context.added_columns.insert(relation + "." + std::string(column["colname"].str()));
        record_foreign_keys(context, statement, relation, column);
      } else if (subtype == "AT_AddConstraint") {
        sql::Node constraint = cmd["def"].as("Constraint");
        record_foreign_keys(context, statement, relation, {}, constraint);
        if (constraint["skip_validation"].boolean() && context.in_transaction) {
          context.not_valid_in_transaction.insert(relation + "." +
                                                  std::string(constraint["conname"].str()));
        }
      }
    }
  }
  if (type == "CreateStmt") {
    std::string relation = sql::relation_name(stmt["relation"]);
    for (const sql::Node& element : stmt["tableElts"].items()) {
      record_foreign_keys(context, statement, relation, element.as("ColumnDef"),
                          element.as("Constraint"));
    }
    for (const sql::Node& constraint : stmt["constraints"].items()) {
      record_foreign_keys(context, statement, relation, {}, constraint.as("Constraint"));
    }
  }
  for (const sql::RelationLock& lock : sql::locks_taken(statement.node)) {
    if (context.is_new(lock.relation)) continue;
    if (sql::blocks_writes(lock.mode)) context.blocked_writes_earlier = true;
    if (!context.in_transaction) continue;
    auto [it, inserted] = context.held_locks.emplace(lock.relation, lock.mode);
    if (!inserted) it->second = std::max(it->second, lock.mode);
  }
}

// Lints one script. `schema` is the model the script changes; null for a down script, which
// sees the model as its up left it and changes nothing.
void lint_script(const Migration& migration, const sql::ParsedScript& script,
                 const ExecutionPlan& plan, const std::vector<EnabledRule>& rules,
                 LintContext& context, SchemaModel* schema, std::vector<Finding>& out) {
  context.script = &script;
  context.plan = &plan;
  context.in_transaction = plan.in_transaction;
  bool local_lock_timeout = false;
  bool local_statement_timeout = false;
  for (const sql::Statement& statement : script.statements) {
    for (const EnabledRule& enabled : rules) {
      FindingCollector collector(migration, *script.file, enabled.info, enabled.level, out);
      enabled.rule->check(statement, context, collector);
    }
    advance(context, statement, local_lock_timeout, local_statement_timeout);
    if (schema) schema->apply(statement);
    context.previous = &statement;
  }
  if (script.statements.empty()) return;
  for (const EnabledRule& enabled : rules) {
    FindingCollector collector(migration, *script.file, enabled.info, enabled.level, out);
    enabled.rule->finish(context, collector);
  }
}

}  // namespace

bool LintContext::is_new(std::string_view relation) const {
  return created_relations.count(std::string(relation)) > 0;
}

bool LintContext::is_new_column(std::string_view relation, std::string_view column) const {
  return is_new(relation) ||
         added_columns.count(std::string(relation) + "." + std::string(column)) > 0;
}

std::vector<Finding> lint_migration(const Migration& migration, const sql::ParsedSet& parsed,
                                    const LintOptions& options, SchemaModel& schema) {
  std::vector<Finding> out;
  std::vector<EnabledRule> rules = enabled_rules(options);
  LintContext up;
  up.migration = &migration;
  up.pg_version = options.pg_version;
  up.schema = &schema;
  if (migration.up) {
    lint_script(migration, parsed.script(*migration.up), parsed.plan(*migration.up), rules, up,
                &schema, out);
  }
  if (migration.down) {
    // A down script reverts its up: what the up created is this migration's own to remove.
    LintContext down;
    down.migration = &migration;
    down.pg_version = options.pg_version;
    down.down = true;
    down.created_relations = up.created_relations;
    down.added_columns = up.added_columns;
    down.schema = &schema;
    lint_script(migration, parsed.script(*migration.down), parsed.plan(*migration.down), rules,
                down, nullptr, out);
  }
  return out;
}

std::vector<Finding> lint_set(const MigrationSet& set, const sql::ParsedSet& parsed,
                              const LintOptions& options) {
  std::vector<Finding> out;
  SchemaModel schema;
  for (const Migration& migration : set.migrations) {
    if (migration.gated) {
      auto findings = lint_migration(migration, parsed, options, schema);
      std::move(findings.begin(), findings.end(), std::back_inserter(out));
    } else if (migration.up) {
      for (const sql::Statement& statement : parsed.script(*migration.up).statements) {
        schema.apply(statement);
      }
    }
  }
  return out;
}

}  // namespace mgate
