#include "gates/gate.hpp"

namespace mgate {

// One line per gate, in pipeline order.
std::unique_ptr<Gate> make_naming_gate();
std::unique_ptr<Gate> make_history_gate();
std::unique_ptr<Gate> make_lint_gate();
std::unique_ptr<Gate> make_forward_gate();
std::unique_ptr<Gate> make_rollback_gate();
std::unique_ptr<Gate> make_integrity_gate();
std::unique_ptr<Gate> make_locks_gate();
std::unique_ptr<Gate> make_plans_gate();

const std::vector<std::unique_ptr<Gate>>& all_gates() {
  static const auto gates = [] {
    std::vector<std::unique_ptr<Gate>> all;
    all.push_back(make_naming_gate());
    all.push_back(make_history_gate());
    all.push_back(make_lint_gate());
    all.push_back(make_forward_gate());
    all.push_back(make_rollback_gate());
    all.push_back(make_integrity_gate());
    all.push_back(make_locks_gate());
    all.push_back(make_plans_gate());
    return all;
  }();
  return gates;
}

const Gate* find_gate(std::string_view name) {
  for (const auto& gate : all_gates()) {
    if (gate->name() == name) return gate.get();
  }
  return nullptr;
}

}  // namespace mgate
