#include "report/outcome.hpp"

#include <map>
#include <string>

namespace mgate {
namespace {

constexpr std::string_view kContext = "not gated: the migration is older than the --since base";

GateOutcome judge(const GateResult& gate, std::vector<const Finding*> findings, FailOn fail_on,
                  bool gated = true) {
  GateOutcome outcome{&gate, gate.status, std::move(findings), gate.skip_reason};
  if (gate.status == GateStatus::skip || gate.status == GateStatus::error) return outcome;
  if (!gated && outcome.findings.empty()) {
    outcome.status = GateStatus::skip;
    outcome.reason = kContext;
    return outcome;
  }
  outcome.status = GateStatus::pass;
  for (const Finding* f : outcome.findings) {
    if (fails(f->level, fail_on)) outcome.status = GateStatus::fail;
  }
  return outcome;
}

// Whether a finding of another gate speaks for `gate` too: one of `gate`'s findings was folded
// into it (one verdict per risk), so `gate` judged the statement as well.
bool folded_from(const Report& report, const std::string& gate, const Finding& f) {
  for (const std::string& rule : f.folded) {
    auto descriptor = report.rules.find(rule);
    if (descriptor != report.rules.end() && descriptor->second.gate == gate) return true;
  }
  return false;
}

}  // namespace

Outcomes outcomes(const Report& report) {
  std::map<std::string, std::size_t> index;  // version -> place in result.migrations
  Outcomes result;
  const std::set<std::string> failed = report.failed_migrations();
  std::set<std::string> named;
  for (const GateResult& gate : report.gates) {
    for (const Finding& f : gate.findings) named.insert(f.migration);
  }
  for (const MigrationEntry& m : report.migrations) {
    if (!m.gated && !named.count(m.version)) continue;
    result.gated += m.gated;
    index.emplace(m.version, result.migrations.size());
    result.migrations.push_back({&m, m.gated, failed.count(m.version) > 0, {}, {}});
  }
  const auto findings = report.findings();
  for (const Finding* f : findings) {
    const auto it = index.find(f->migration);
    if (f->migration.empty() || it == index.end()) {
      result.set_findings.push_back(f);
    } else {
      result.migrations[it->second].findings.push_back(f);
    }
  }
  for (const GateResult& gate : report.gates) {
    std::vector<std::vector<const Finding*>> per_migration(result.migrations.size());
    std::vector<const Finding*> set_level;
    const Finding* first = gate.findings.data();
    const Finding* last = first + gate.findings.size();
    for (const Finding* f : findings) {
      if ((f < first || f >= last) && !folded_from(report, gate.gate, *f)) continue;
      const auto it = index.find(f->migration);
      if (f->migration.empty() || it == index.end()) {
        set_level.push_back(f);
      } else {
        per_migration[it->second].push_back(f);
      }
    }
    for (std::size_t i = 0; i < result.migrations.size(); ++i) {
      result.migrations[i].gates.push_back(
          judge(gate, std::move(per_migration[i]), report.fail_on, result.migrations[i].gated));
    }
    result.set.push_back(judge(gate, std::move(set_level), report.fail_on));
  }
  return result;
}

FindingPlaces::FindingPlaces(const Report& report) {
  for (const MigrationEntry& m : report.migrations) {
    const std::string& file = m.up.empty() ? m.down : m.up;
    if (!file.empty()) migration_files_.emplace(m.version, file);
  }
}

std::optional<Location> FindingPlaces::of(const Finding& finding) const {
  if (finding.location && !finding.location->file.empty()) return finding.location;
  if (const auto it = migration_files_.find(finding.migration); it != migration_files_.end()) {
    return Location{it->second, {1, 1}, {1, 1}};
  }
  return std::nullopt;
}

}  // namespace mgate
