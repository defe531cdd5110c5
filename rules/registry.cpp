#include "rules/rule.hpp"

namespace mgate {

#define MGATE_RULE(name) std::unique_ptr<Rule> make_##name##_rule();
#include "rules/rules.def"
#undef MGATE_RULE

const std::vector<std::unique_ptr<Rule>>& all_rules() {
  static const auto rules = [] {
    std::vector<std::unique_ptr<Rule>> all;
#define MGATE_RULE(name) all.push_back(make_##name##_rule());
#include "rules/rules.def"
#undef MGATE_RULE
    return all;
  }();
  return rules;
}

}  // namespace mgate
