#include "core/report.hpp"

#include <algorithm>
#include <tuple>

#include "core/version.hpp"

namespace mgate {

std::string rule_help_uri(std::string_view rule_id, std::string_view gate) {
  std::string base(docs_url());
  if (gate == "lint") return base + "/rules/" + std::string(rule_id) + ".md";
  return base + "/gates/" + std::string(gate) + ".md";
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
  std::vector<const Finding*> all;
  for (const auto& gate : gates) {
    for (const auto& finding : gate.findings) all.push_back(&finding);
  }
  auto key = [](const Finding* f) {
    static const Location empty{};
    const Location& l = f->location ? *f->location : empty;
    return std::tuple<bool, const std::string&, int, int, const std::string&>(
        !f->location.has_value(), l.file, l.start.line, l.start.column, f->rule);
  };
  std::stable_sort(all.begin(), all.end(),
                   [&](const Finding* a, const Finding* b) { return key(a) < key(b); });
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
