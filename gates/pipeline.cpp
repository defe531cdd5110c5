#include "gates/pipeline.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "core/version.hpp"
#include "gates/gate.hpp"
#include "gates/verdicts.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/postgres_error.hpp"

namespace mgate {
namespace {

std::vector<const Gate*> select_gates(const Config& config, const PipelineOptions& options) {
  const std::vector<std::string>& wanted = options.gates.empty() ? config.gates.run : options.gates;
  for (const std::string& name : wanted) {
    if (!find_gate(name)) {
      std::string known;
      for (const auto& gate : all_gates())
        known += (known.empty() ? "" : ", ") + std::string(gate->name());
      throw InputError(fmt::format("unknown gate '{}' (known: {})", name, known));
    }
  }
  std::vector<const Gate*> selected;
  for (const auto& gate : all_gates()) {
    bool named =
        wanted.empty() || std::find(wanted.begin(), wanted.end(), gate->name()) != wanted.end();
    if (named && (options.dynamic || !gate->dynamic())) selected.push_back(gate.get());
  }
  return selected;
}

GateStatus status_of(const GateResult& result, FailOn fail_on) {
  if (result.status == GateStatus::skip || result.status == GateStatus::error) return result.status;
  for (const Finding& f : result.findings) {
    if (fails(f.level, fail_on)) return GateStatus::fail;
  }
  return GateStatus::pass;
}

bool covers(const Position& begin, const Position& end, const Position& at) {
  auto before = [](const Position& a, const Position& b) {
    return a.line < b.line || (a.line == b.line && a.column <= b.column);
  };
  return before(begin, at) && before(at, end);
}

// One mgate:ignore comment, where it applies, and whether anything matched it.
struct ActiveSuppression {
  const sql::Suppression* suppression;
  const SourceFile* file;
  std::string migration;
  std::size_t index;   // of the migration in the set
  Location statement;  // for statement-level ones
  bool used = false;

  bool matches(const Finding& f) const {
    if (f.rule == "syntax-error" || f.rule == "unused-ignore" || !f.location) return false;
    if (f.location->file != file->path()) return false;
    if (std::find(suppression->rules.begin(), suppression->rules.end(), f.rule) ==
        suppression->rules.end()) {
      return false;
    }
    return suppression->whole_file ||
           (suppression->statement && covers(statement.start, statement.end, f.location->start));
  }
};

std::vector<ActiveSuppression> collect_suppressions(const MigrationSet& set,
                                                    const sql::ParsedSet& parsed) {
  std::vector<ActiveSuppression> out;
  for (std::size_t i = 0; i < set.migrations.size(); ++i) {
    const Migration& m = set.migrations[i];
    if (!m.gated) continue;
    for (const auto* ref : {&m.up, &m.down}) {
      if (!*ref) continue;
      const sql::ParsedScript& script = parsed.script(**ref);
      for (const sql::Suppression& s : script.suppressions) {
        ActiveSuppression active{&s, script.file, m.id(), i, {}};
        if (s.statement)
          active.statement = locate(*script.file, script.statements[*s.statement].span);
        out.push_back(active);
      }
    }
  }
  return out;
}

void apply_suppressions(std::vector<GateResult>& results, std::vector<ActiveSuppression>& active) {
  for (GateResult& result : results) {
    std::erase_if(result.findings, [&](const Finding& f) {
      bool suppressed = false;
      for (ActiveSuppression& a : active) {
        if (a.matches(f)) suppressed = a.used = true;
      }
      return suppressed;
    });
  }
}

Finding unused_ignore_finding(const ActiveSuppression& a) {
  Finding f;
  f.rule = "unused-ignore";
  f.level = Level::warning;
  std::string rules;
  for (const auto& r : a.suppression->rules) rules += (rules.empty() ? "" : ", ") + r;
  if (a.suppression->rules.empty()) {
    f.message = "this mgate:ignore comment names no rule, so it suppresses nothing";
  } else if (!a.suppression->whole_file && !a.suppression->statement) {
    f.message = fmt::format("this mgate:ignore for {} is not followed by a statement", rules);
  } else {
    f.message = fmt::format("this mgate:ignore for {} matches no finding", rules);
  }
  f.help =
      "Remove the comment, or name the rule that fires here: "
      "-- mgate:ignore <rule>[, <rule>] -- <reason>";
  f.location = locate(*a.file, a.suppression->comment);
  f.migration = a.migration;
  return f;
}

// This run's part of a sharded check (gates/shard.hpp): its range, and which of what the gates
// say it reports.
class ShardPart {
 public:
  ShardPart(Shard shard, std::vector<MigrationRange> ranges)
      : shard_(shard), ranges_(std::move(ranges)) {}

  MigrationRange own() const { return ranges_[static_cast<std::size_t>(shard_.index - 1)]; }

  // Why `gate` does not run in this shard, when it does not.
  std::optional<std::string> not_here(const Gate& gate) const {
    if (gate.scope() == GateScope::gated_set && shard_.index != shard_.count) {
      return fmt::format(
          "the last shard ({0}/{0}) runs it: it judges the gated migrations together",
          shard_.count);
    }
    if (gate.scope() == GateScope::migrations && own().begin == own().end) {
      return fmt::format("shard {}/{} has no migration to check", shard_.index, shard_.count);
    }
    return std::nullopt;
  }

  // Whether this shard says that an mgate:ignore comment suppressed nothing: the shard whose
  // range holds it, unless it names a rule of a gate that runs in another shard, which may have
  // used it.
  bool judges(const ActiveSuppression& a, const Report& report) const {
    if (!own().contains(a.index)) return false;
    return std::none_of(a.suppression->rules.begin(), a.suppression->rules.end(),
                        [&](const std::string& rule) {
                          auto it = report.rules.find(rule);
                          if (it == report.rules.end()) return false;
                          const Gate* gate = find_gate(it->second.gate);
                          return gate && not_here(*gate).has_value();
                        });
  }

  // Keeps of the history gates' findings those about this shard's migrations (and, in shard 1,
  // about the set as a whole), marks as gated only the migrations it checked, and says which.
  void keep_own(Report& report, const MigrationSet& set) const {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < set.migrations.size(); ++i)
      index.emplace(set.migrations[i].id(), i);
    auto shard_of = [&](const Finding& f) {
      auto it = f.migration.empty() ? index.end() : index.find(f.migration);
      if (it == index.end()) return 1;
      for (std::size_t k = 0; k < ranges_.size(); ++k) {
        if (ranges_[k].contains(it->second)) return static_cast<int>(k) + 1;
      }
      return 1;
    };
    for (GateResult& result : report.gates) {
      const Gate* gate = find_gate(result.gate);
      if (!gate || gate->scope() != GateScope::history) continue;
      std::erase_if(result.findings, [&](const Finding& f) { return shard_of(f) != shard_.index; });
    }
    ShardInfo info{shard_.index, shard_.count, {}};
    for (std::size_t i = 0; i < set.migrations.size(); ++i) {
      MigrationEntry& entry = report.migrations[i];
      entry.gated = entry.gated && own().contains(i);
      if (!entry.gated) continue;
      if (info.ranges.empty()) info.ranges.push_back({entry.version, entry.version, 0});
      info.ranges.back().last = entry.version;
      ++info.ranges.back().migrations;
    }
    report.shard = std::move(info);
  }

 private:
  Shard shard_;
  std::vector<MigrationRange> ranges_;
};

constexpr std::string_view kMaxDisk = "max-disk-exceeded";

RuleDescriptor max_disk_rule(std::string_view gate) {
  return {std::string(kMaxDisk), std::string(gate), Level::error,
          "The server's files outgrew postgres.max_disk while the gate ran, and mgate stopped the "
          "server.",
          std::string(docs_url()) + "/security.md#resource-limits"};
}

// A dynamic gate without a server is skipped. One whose server the provider stopped
// (postgres.max_disk) fails with a finding instead of an environment error, and the dynamic
// gates after it have no server.
GateResult run_gate(const Gate& gate, const GateInput& input, Report& report) {
  std::optional<std::string> stopped =
      input.postgres ? input.postgres->stopped_early() : std::nullopt;
  if (gate.dynamic() && (!input.postgres || stopped)) {
    GateResult result;
    result.status = GateStatus::skip;
    result.skip_reason = stopped ? "no PostgreSQL server: " + *stopped : "no PostgreSQL server";
    return result;
  }
  try {
    return gate.run(input);
  } catch (const EnvironmentError&) {
    stopped = input.postgres ? input.postgres->stopped_early() : std::nullopt;
    if (!gate.dynamic() || !stopped) throw;
  } catch (const std::exception& e) {
    std::optional<std::string> failure = pg::postgres_failure(e);
    if (!failure) throw;
    stopped = input.postgres ? input.postgres->stopped_early() : std::nullopt;
    if (!stopped) throw EnvironmentError(*failure);
  }
  report.rules[std::string(kMaxDisk)] = max_disk_rule(gate.name());
  Finding f;
  f.rule = std::string(kMaxDisk);
  f.level = Level::error;
  f.message = fmt::format(
      "while the {} gate ran, {}: a migration (or the fixture rows it is checked on) writes "
      "that much, and in production it would fill the disk as fast",
      gate.name(), *stopped);
  f.help =
      "Find the migration that writes the data (a runaway INSERT ... SELECT, a cross join) and "
      "bound it; if the data is expected, raise postgres.max_disk or lower fixtures.rows";
  f.evidence = {{"stopped", *stopped}};
  GateResult result;
  result.findings.push_back(std::move(f));
  return result;
}

// The gate's name on its result and on every finding it returned.
void stamp(GateResult& result, std::string_view gate) {
  result.gate = std::string(gate);
  for (Finding& f : result.findings) f.gate = result.gate;
}

// [rules] levels on findings: `off` removes a finding, a configured level replaces its own. A
// finding that folds other rules' findings keeps the highest of their levels, which the lint
// engine already took from the same settings.
void apply_levels(const RuleSettings& settings, std::vector<Finding>& findings) {
  std::erase_if(findings, [&](Finding& f) {
    std::optional<Level> level = configured_level(settings, f.rule, f.level);
    if (!level) return true;
    f.level = f.folded.empty() ? *level : std::max(f.level, *level);
    return false;
  });
}

// An mgate:ignore that matched nothing is a lint finding of its own, which [rules] may configure.
void report_unused_ignores(const RuleSettings& settings,
                           const std::vector<ActiveSuppression>& active,
                           std::vector<GateResult>& results) {
  auto lint = std::find_if(results.begin(), results.end(),
                           [](const GateResult& g) { return g.gate == "lint"; });
  if (lint == results.end()) return;
  std::vector<Finding> unused;
  for (const ActiveSuppression& a : active) {
    if (!a.used) unused.push_back(unused_ignore_finding(a));
  }
  apply_levels(settings, unused);
  for (Finding& f : unused) {
    f.gate = lint->gate;
    lint->findings.push_back(std::move(f));
  }
}

}  // namespace

Report run_pipeline(const Config& config, const MigrationSet& set, const sql::ParsedSet& parsed,
                    const PipelineOptions& options) {
  Report report;
  report.root = config.root.string();
  report.fail_on = options.fail_on;
  for (const Migration& m : set.migrations) {
    report.migrations.push_back(
        {m.id(), m.name, m.up ? m.up->file : "", m.down ? m.down->file : "", m.gated});
  }

  GateInput input{
      config,           set,         parsed, options.since, options.pg_version, options.staged,
      options.postgres, options.jobs};
  const std::vector<const Gate*> gates = select_gates(config, options);
  std::optional<ShardPart> part;
  if (options.shard) {
    part.emplace(*options.shard, split_into_shards(input, gates, options.shard->count));
    input.range = part->own();
  }
  for (const Gate* gate : gates) {
    for (RuleDescriptor& rule : gate->rules()) report.rules[rule.id] = std::move(rule);
    auto started = std::chrono::steady_clock::now();
    GateResult result;
    if (std::optional<std::string> elsewhere = part ? part->not_here(*gate) : std::nullopt) {
      result.status = GateStatus::skip;
      result.skip_reason = std::move(*elsewhere);
    } else {
      result = run_gate(*gate, input, report);
    }
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    stamp(result, gate->name());
    apply_levels(config.rules, result.findings);
    report.gates.push_back(std::move(result));
  }

  std::vector<Folded> folded = keep_one_verdict_per_risk(set, parsed, report.gates);
  // Levels come first: a finding of a rule that is off leaves its mgate:ignore unused.
  auto active = collect_suppressions(set, parsed);
  apply_suppressions(report.gates, active);
  if (part) {
    // An ignore this shard does not judge may be used in another shard.
    std::erase_if(active, [&](const ActiveSuppression& a) { return !part->judges(a, report); });
  }
  report_unused_ignores(config.rules, active, report.gates);
  if (part) part->keep_own(report, set);
  for (GateResult& result : report.gates) result.status = status_of(result, options.fail_on);
  // A gate whose failing finding went into another gate's finding on the statement still failed.
  for (const Folded& f : folded) {
    GateResult& source = report.gates[f.gate];
    if (source.status == GateStatus::pass && fails(f.level, options.fail_on) &&
        f.counts(report.gates))
      source.status = GateStatus::fail;
  }
  return report;
}

}  // namespace mgate
