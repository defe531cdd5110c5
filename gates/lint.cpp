#include <fmt/core.h>

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
    int statements = 0;
    for (const Migration& migration : input.set.migrations) {
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
    auto findings = lint_set(input.set, input.parsed, options);
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
