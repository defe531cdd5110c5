#include "gates/gate.hpp"

namespace mgate {

RuleDescriptor Gate::rule(std::string_view id, Level level, std::string summary) const {
  return gate_rule(name(), id, level, std::move(summary));
}

RuleDescriptor gate_rule(std::string_view gate, std::string_view id, Level level,
                         std::string summary) {
  return RuleDescriptor{std::string(id), std::string(gate), level, std::move(summary),
                        rule_help_uri(id, gate)};
}

Finding finding(std::string_view rule, Level level, const Migration& migration, Location where) {
  Finding f = finding(rule, level, std::move(where));
  f.migration = migration.id();
  return f;
}

Finding finding(std::string_view rule, Level level, std::optional<Location> where) {
  Finding f;
  f.rule = std::string(rule);
  f.level = level;
  f.location = std::move(where);
  return f;
}

Location start_of(const sql::ParsedScript& script) {
  Span at = script.statements.empty() ? Span{script.section.begin, script.section.begin}
                                      : script.statements.front().span;
  return locate(*script.file, at);
}

}  // namespace mgate
