#include "core/report.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/version.hpp"

namespace mgate {

std::string rule_help_uri(std::string_view rule_id, std::string_view gate) {
  std::string base(docs_url());
  if (gate == "lint") return base + "/rules/" + std::string(rule_id) + ".md";
  return base + "/gates/" + std::string(gate) + ".md";
}

std::string_view to_string(FailOn fail_on) {
  switch (fail_on) {
    case FailOn::error:
      return "error";
    case FailOn::warning:
      return "warning";
    case FailOn::never:
      return "never";
  }
  return "error";
}

std::optional<FailOn> parse_fail_on(std::string_view text) {
  if (text == "error") return FailOn::error;
  if (text == "warning") return FailOn::warning;
  if (text == "never") return FailOn::never;
  return std::nullopt;
}

bool fails(Level level, FailOn fail_on) {
  switch (fail_on) {
    case FailOn::error:
      return level == Level::error;
    case FailOn::warning:
      return level != Level::note;
    case FailOn::never:
      return false;
  }
  return false;
}

std::vector<const Finding*> Report::findings() const {
  static const Location unlocated{};
  auto location_of = [](const Finding& f) -> const Location& {
    return f.location ? *f.location : unlocated;
  };
  // Versions sort by apply order, not as text: V1__ before V1.1__, 9 before 10.
  std::map<std::string_view, std::size_t> order;
  for (const MigrationEntry& m : migrations) order.emplace(m.version, order.size());
  // Files and rules sort as text. Each one is ranked once, so that sorting thousands of findings
  // compares numbers, not the long common starts of their paths again and again.
  std::unordered_map<std::string_view, std::size_t> files;
  std::unordered_map<std::string_view, std::size_t> rules;
  for (const auto& gate : gates) {
    for (const auto& f : gate.findings) {
      files.emplace(location_of(f).file, 0);
      rules.emplace(f.rule, 0);
    }
  }
  for (auto* ranks : {&files, &rules}) {
    std::vector<std::string_view> sorted;
    sorted.reserve(ranks->size());
    for (const auto& [text, rank] : *ranks) sorted.push_back(text);
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i) (*ranks)[sorted[i]] = i;
  }
  struct Keyed {
    std::tuple<std::size_t, bool, int, std::size_t, int, int, std::size_t> key;
    const Finding* finding;
  };
  std::vector<Keyed> keyed;
  for (const auto& gate : gates) {
    for (const auto& f : gate.findings) {
      const Location& l = location_of(f);
      const auto it = order.find(f.migration);
      const std::size_t place = it == order.end() ? order.size() : it->second;
      int file_rank = 2;
      if (it != order.end() && f.location) {
        const MigrationEntry& m = migrations[it->second];
        file_rank = l.file == m.up ? 0 : l.file == m.down ? 1 : 2;
      }
      keyed.push_back({{place, !f.location.has_value(), file_rank, files[l.file], l.start.line,
                        l.start.column, rules[f.rule]},
                       &f});
    }
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
  std::vector<const Finding*> all;
  all.reserve(keyed.size());
  for (const Keyed& k : keyed) all.push_back(k.finding);
  return all;
}

Summary Report::summary() const {
  Summary s;
  for (const auto& gate : gates) {
    if (gate.status == GateStatus::error) s.passed = false;
    for (const auto& f : gate.findings) {
      if (f.level == Level::error) ++s.errors;
      if (f.level == Level::warning) ++s.warnings;
      if (f.level == Level::note) ++s.notes;
      if (fails(f.level, fail_on)) s.passed = false;
    }
  }
  return s;
}

std::set<std::string> Report::failed_migrations() const {
  std::set<std::string> failed;
  for (const auto& gate : gates) {
    for (const auto& f : gate.findings) {
      if (!f.migration.empty() && fails(f.level, fail_on)) failed.insert(f.migration);
    }
  }
  return failed;
}

}  // namespace mgate
