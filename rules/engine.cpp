#include "rules/engine.hpp"

#include <fmt/core.h>

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
      if (cmd["subtype"].str() == "AT_AddColumn") {
        context.added_columns.insert(relation + "." +
                                     std::string(cmd["def"].as("ColumnDef")["colname"].str()));
      }
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

void lint_script(const Migration& migration, const sql::ParsedScript& script,
                 const std::vector<EnabledRule>& rules, LintContext& context,
                 std::vector<Finding>& out) {
  context.script = &script;
  context.in_transaction =
      migration.transactional && !(migration.implicit_transaction && script.statements.size() == 1);
  bool local_lock_timeout = false;
  bool local_statement_timeout = false;
  for (const sql::Statement& statement : script.statements) {
    for (const EnabledRule& enabled : rules) {
      FindingCollector collector(migration, *script.file, enabled.info, enabled.level, out);
      enabled.rule->check(statement, context, collector);
    }
    advance(context, statement, local_lock_timeout, local_statement_timeout);
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
                                    const LintOptions& options) {
  std::vector<Finding> out;
  std::vector<EnabledRule> rules = enabled_rules(options);
  LintContext up;
  up.migration = &migration;
  up.pg_version = options.pg_version;
  if (migration.up) lint_script(migration, parsed.script(*migration.up), rules, up, out);
  if (migration.down) {
    // A down script reverts its up: what the up created is this migration's own to remove.
    LintContext down;
    down.migration = &migration;
    down.pg_version = options.pg_version;
    down.down = true;
    down.created_relations = up.created_relations;
    down.added_columns = up.added_columns;
    lint_script(migration, parsed.script(*migration.down), rules, down, out);
  }
  return out;
}

}  // namespace mgate
