#include "report/outcome.hpp"

#include <map>
#include <optional>
#include <string>

namespace mgate {
namespace {

constexpr std::string_view kContext = "not gated: the migration is older than the --since base";

// `folded` holds the level of each finding another gate's finding carries for this one.
GateOutcome judge(const GateResult& gate, std::vector<const Finding*> findings, FailOn fail_on,
                  bool gated = true, const std::map<const Finding*, Level>& folded = {}) {
  GateOutcome outcome{&gate, gate.status, std::move(findings), gate.skip_reason};
  if (gate.status == GateStatus::skip || gate.status == GateStatus::error) return outcome;
  if (!gated && outcome.findings.empty()) {
    outcome.status = GateStatus::skip;
    outcome.reason = kContext;
    return outcome;
  }
  outcome.status = GateStatus::pass;
  for (const Finding* f : outcome.findings) {
    auto level = folded.find(f);
    if (fails(level == folded.end() ? f->level : level->second, fail_on))
      outcome.status = GateStatus::fail;
  }
  return outcome;
}

// The level at which a finding of another gate speaks for `gate`: one of `gate`'s findings was
// folded into it (one verdict per risk), at the level the pipeline recorded for it
// (evidence.measured.levels); none when nothing of `gate` was folded in.
std::optional<Level> folded_level(const Report& report, const std::string& gate, const Finding& f) {
  std::optional<Level> out;
  const nlohmann::json* levels = nullptr;
  if (auto m = f.evidence.find("measured"); m != f.evidence.end() && m->is_object()) {
    if (auto l = m->find("levels"); l != m->end() && l->is_object()) levels = &*l;
  }
  for (const std::string& rule : f.folded) {
    auto descriptor = report.rules.find(rule);
    if (descriptor == report.rules.end() || descriptor->second.gate != gate) continue;
    Level level = f.level;
    if (levels && levels->contains(rule) && (*levels)[rule].is_string()) {
      level = parse_level((*levels)[rule].get<std::string>()).value_or(f.level);
    }
    out = out ? std::max(*out, level) : level;
  }
  return out;
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
    std::map<const Finding*, Level> folded;
    const Finding* first = gate.findings.data();
    const Finding* last = first + gate.findings.size();
    for (const Finding* f : findings) {
      if (f < first || f >= last) {  // another gate's: this one's only when folded into it
        std::optional<Level> level = folded_level(report, gate.gate, *f);
        if (!level) continue;
        folded[f] = *level;
      }
      const auto it = index.find(f->migration);
      if (f->migration.empty() || it == index.end()) {
        set_level.push_back(f);
      } else {
        per_migration[it->second].push_back(f);
      }
    }
    for (std::size_t i = 0; i < result.migrations.size(); ++i) {
      result.migrations[i].gates.push_back(judge(gate, std::move(per_migration[i]), report.fail_on,
                                                 result.migrations[i].gated, folded));
    }
    result.set.push_back(judge(gate, std::move(set_level), report.fail_on, true, folded));
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
