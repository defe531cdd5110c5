#include <fmt/core.h>

#include <algorithm>
#include <optional>

#include "gates/gate.hpp"
#include "rules/engine.hpp"
#include "rules/rule.hpp"
#include "sql/grammar.hpp"

namespace mgate {
namespace {

// When the migrations target a major newer than the parser's grammar, what does not parse may
// be syntax that major added (PostgreSQL 17's MERGE ... RETURNING): only a server of that major
// can tell, so the finding warns instead of failing the gate.
Finding syntax_error_finding(const Migration& migration, const sql::ParsedScript& script,
                             int pg_version) {
  Finding f;
  f.rule = "syntax-error";
  if (pg_version > sql::grammar_major()) {
    f.level = Level::warning;
    f.message = fmt::format(
        "PostgreSQL {}'s grammar, which mgate parses with, cannot parse this: {}; the "
        "migrations target PostgreSQL {}, which may accept it",
        sql::grammar_major(), script.error->message, pg_version);
    f.help = fmt::format(
        "If this is syntax added after PostgreSQL {}, run mgate check on a PostgreSQL {} server: "
        "its forward gate says whether the statement runs. Otherwise fix the SQL: the migration "
        "fails here. The lint rules cannot check the statements of this file.",
        sql::grammar_major(), pg_version);
  } else {
    f.level = Level::error;
    f.message = fmt::format("PostgreSQL cannot parse this: {}", script.error->message);
    f.help = "Fix the SQL: the migration fails here, and no statement after it runs.";
  }
  std::size_t at = script.error->offset;
  f.location = locate(*script.file, {at, at});
  f.migration = migration.id();
  return f;
}

// The set as the rules read it in this run: the migrations it checks are the gated ones, those
// before them are context (what they create), those after them are not read.
MigrationSet checked_part(const GateInput& input) {
  MigrationSet part{input.set.layout, input.set.dir, {}, {}};
  const std::size_t end = std::min(input.range.end, input.set.migrations.size());
  part.migrations.reserve(end);
  for (std::size_t i = 0; i < end; ++i) {
    part.migrations.push_back(input.set.migrations[i]);
    part.migrations.back().gated = input.checks(i);
  }
  return part;
}

class LintGate : public Gate {
 public:
  std::string_view name() const override { return "lint"; }
  bool dynamic() const override { return false; }

  std::vector<RuleDescriptor> rules() const override {
    std::vector<RuleDescriptor> out = {
        {"syntax-error", "lint", Level::error, "PostgreSQL's parser rejects the statement.",
         rule_help_uri("syntax-error")},
        {"unused-ignore", "lint", Level::warning,
         "An mgate:ignore comment suppresses nothing: the rule it names no longer fires there.",
         rule_help_uri("unused-ignore")}};
    for (const auto& rule : all_rules()) {
      RuleInfo info = rule->info();
      out.push_back({std::string(info.id), "lint", info.level, std::string(info.summary),
                     rule_help_uri(info.id)});
    }
    return out;
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    LintOptions options;
    options.pg_version = input.pg_version;
    options.levels = input.config.rules;
    std::optional<MigrationSet> part;
    if (input.range.begin > 0 || input.range.end < input.set.migrations.size())
      part = checked_part(input);
    const MigrationSet& judged = part ? *part : input.set;
    // The rules first: they ask for the scripts in history order, while the parser's workers are
    // still at it (sql::ParsedSet); the syntax errors, which need every script, come after.
    auto findings = lint_set(judged, input.parsed, options);
    int statements = 0;
    for (const Migration& migration : judged.migrations) {
      if (!migration.gated) continue;
      for (const auto* ref : {&migration.up, &migration.down}) {
        if (!*ref) continue;
        const sql::ParsedScript& script = input.parsed.script(**ref);
        statements += static_cast<int>(script.statements.size());
        if (script.error) {
          result.findings.push_back(syntax_error_finding(migration, script, input.pg_version));
        }
      }
    }
    std::move(findings.begin(), findings.end(), std::back_inserter(result.findings));
    result.metrics["statements"] = statements;
    return result;
  }
};

}  // namespace

std::unique_ptr<Gate> make_lint_gate() {
  return std::make_unique<LintGate>();
}

}  // namespace mgate
