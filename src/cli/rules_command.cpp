#include <fmt/core.h>

#include <iostream>

#include "cli/commands.hpp"
#include "core/config.hpp"
#include "core/embedded_docs.hpp"
#include "gates/gate.hpp"

namespace mgate {

CLI::App* add_rules_command(CLI::App& app, RulesCommand& c) {
  CLI::App* cmd = app.add_subcommand("rules", "List the rules, or print one rule's documentation");
  cmd->add_option("ID", c.id, "A rule id, e.g. require-concurrent-index");
  return cmd;
}

int run_rules(const RulesCommand& c) {
  std::vector<RuleDescriptor> rules;
  for (const auto& gate : all_gates()) {
    for (RuleDescriptor& r : gate->rules()) rules.push_back(std::move(r));
  }
  if (c.id.empty()) {
    std::size_t width = 0;
    for (const auto& r : rules) width = std::max(width, r.id.size());
    for (const auto& r : rules) {
      std::cout << fmt::format("{:<{}}  {:<7}  {:<7}  {}\n", r.id, width, r.gate,
                               to_string(r.default_level), r.summary);
    }
    return 0;
  }
  const auto& docs = embedded_rule_docs();
  if (auto doc = docs.find(c.id); doc != docs.end()) {
    std::cout << doc->second;
    if (!doc->second.empty() && doc->second.back() != '\n') std::cout << '\n';
    return 0;
  }
  for (const auto& r : rules) {
    if (r.id == c.id) {
      std::cout << fmt::format("# {}\n\n{}\n\nReported by the {} gate; see docs/gates/{}.md.\n",
                               r.id, r.summary, r.gate, r.gate);
      return 0;
    }
  }
  throw InputError(fmt::format("unknown rule '{}' (run 'mgate rules' for the list)", c.id));
}

}  // namespace mgate
