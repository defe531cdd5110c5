// A gate is its source, its tests and its page docs/gates/<name>.md, as a rule is its source,
// its fixture and docs/rules/<id>.md (tests/rules/rule_fixtures_test.cpp checks those). Every
// gate has its page; every page opens with the gate's title and has a "## Rules" section; every
// rule a gate reports is introduced there with its level, unless it has a page of its own
// (`mgate rules <id>` and the reports' help links point there).
#include <gtest/gtest.h>

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "core/embedded_docs.hpp"
#include "gates/gate.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;

fs::path gate_docs_dir() {
  return fs::path(MGATE_SOURCE_DIR) / "docs" / "gates";
}

fs::path gate_doc(std::string_view gate) {
  return gate_docs_dir() / (std::string(gate) + ".md");
}

// The text under `heading` up to the next heading of its level; empty when there is none.
std::string section(const std::string& doc, const std::string& heading) {
  std::size_t at = doc.find("\n" + heading + "\n");
  if (at == std::string::npos) return "";
  at += heading.size() + 2;
  std::size_t next = doc.find("\n## ", at);
  return doc.substr(at, next == std::string::npos ? std::string::npos : next - at);
}

// The line of `rules` that introduces `id`: a table row "| `id` | level | ..." or a heading
// "### `id` (level...)"; empty when there is none.
std::string entry(const std::string& rules, std::string_view id) {
  for (const std::string& start :
       {fmt::format("\n| `{}` |", id), fmt::format("\n### `{}` (", id)}) {
    std::size_t at = rules.find(start);
    if (at != std::string::npos) return rules.substr(at + 1, rules.find('\n', at + 1) - at - 1);
  }
  return "";
}

TEST(GateCatalog, EveryGateHasItsDoc) {
  for (const auto& gate : all_gates()) {
    EXPECT_TRUE(fs::exists(gate_doc(gate->name())))
        << "docs/gates/" << gate->name() << ".md is missing";
  }
  for (const auto& file : fs::directory_iterator(gate_docs_dir())) {
    std::string name = file.path().stem().string();
    EXPECT_TRUE(find_gate(name)) << "docs/gates/" << name << ".md names no gate";
  }
}

// The headings every gate page shares.
TEST(GateCatalog, EveryDocHasTheStandardHeadings) {
  for (const auto& gate : all_gates()) {
    if (!fs::exists(gate_doc(gate->name()))) continue;
    std::string doc = read_file(gate_doc(gate->name()));
    std::string title = fmt::format("# The `{}` gate\n", gate->name());
    EXPECT_EQ(doc.substr(0, title.size()), title)
        << "docs/gates/" << gate->name() << ".md does not open with " << title;
    EXPECT_NE(doc.find("\n## Rules\n"), std::string::npos)
        << "docs/gates/" << gate->name() << ".md has no ## Rules section";
  }
}

TEST(GateCatalog, EveryRuleOfAGateIsDocumented) {
  const auto& rule_docs = embedded_rule_docs();
  for (const auto& gate : all_gates()) {
    if (!fs::exists(gate_doc(gate->name()))) continue;
    std::string rules = section(read_file(gate_doc(gate->name())), "## Rules");
    for (const RuleDescriptor& rule : gate->rules()) {
      if (rule_docs.count(rule.id)) continue;
      std::string line = entry(rules, rule.id);
      if (line.empty()) {
        ADD_FAILURE() << "docs/gates/" << gate->name() << ".md: ## Rules does not introduce `"
                      << rule.id << "` (a table row \"| `" << rule.id
                      << "` | level |\" or a heading \"### `" << rule.id << "` (level)\")";
        continue;
      }
      std::string_view level = to_string(rule.default_level);
      bool says_level = line.starts_with("### ")
                            ? line.find(fmt::format("` ({}", level)) != std::string::npos
                            : line.find(fmt::format("` | {} |", level)) != std::string::npos;
      EXPECT_TRUE(says_level) << "docs/gates/" << gate->name() << ".md: `" << rule.id
                              << "` is not given its level, " << level << ": " << line;
    }
  }
}

}  // namespace
}  // namespace mgate::testing
